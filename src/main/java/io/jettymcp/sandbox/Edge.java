package io.jettymcp.sandbox;

import java.nio.charset.StandardCharsets;

/** Cloudflare-edge style answers: HTML error pages and the body-shaped faults. */
final class Edge {

    private Edge() {
    }

    static Reply html524() {
        return Reply.html(524, "A Timeout Occurred", """
                <!DOCTYPE html>
                <html lang="en-US"><head><title>flows-api.jetty.io | 524: A timeout occurred</title>
                <meta charset="UTF-8" /></head>
                <body><div id="cf-wrapper"><div id="cf-error-details">
                <h1><span class="cf-error-type">A timeout occurred</span> <span class="cf-error-code">Error code 524</span></h1>
                <p>The origin web server timed out responding to this request.</p>
                <p>The web server reported a timeout error. Cloudflare was able to connect to the origin,
                but the origin did not send a timely HTTP response (about 100 seconds).</p>
                <span>Cloudflare Ray ID: <strong>8f0c0ffee0dec0de</strong></span>
                </div></div></body></html>
                """);
    }

    static Reply html1010() {
        return Reply.html(403, "Forbidden", """
                <!DOCTYPE html>
                <html lang="en-US"><head><title>Access denied | flows-api.jetty.io used Cloudflare to restrict access</title>
                <meta charset="UTF-8" /></head>
                <body><div id="cf-wrapper"><h1>Access denied</h1>
                <p>error code: 1010</p>
                <p>The owner of this website (flows-api.jetty.io) has banned your access based on your browser's signature.</p>
                <span>Cloudflare Ray ID: <strong>8f0c0ffee0dec0de</strong></span>
                </div></body></html>
                """);
    }

    /** Cloudflare's own error page for a 5xx it answers when the origin fails (500, 502, 503, 504; others get 502's text). */
    static Reply html5xx(int status) {
        int s = status <= 0 ? 502 : status;
        String what = switch (s) {
            case 500 -> "Internal server error";
            case 503 -> "Service unavailable";
            case 504 -> "Gateway time-out";
            default -> "Bad gateway";
        };
        return Reply.html(s, what, """
                <!DOCTYPE html>
                <html lang="en-US"><head><title>flows-api.jetty.io | %d: %s</title>
                <meta charset="UTF-8" /></head>
                <body><div id="cf-wrapper"><div id="cf-error-details">
                <h1><span class="cf-error-type">%s</span> <span class="cf-error-code">Error code %d</span></h1>
                <p>The web server reported a %s error.</p>
                <span>Cloudflare Ray ID: <strong>8f0c0ffee0dec0de</strong></span>
                </div></div></body></html>
                """.formatted(s, what, what, s, what.toLowerCase(java.util.Locale.ROOT)));
    }

    static Reply rateLimited(int retryAfterSeconds, String body) {
        String b = body != null ? body : "{\"detail\":\"Rate limit exceeded. Please retry later.\"}";
        return Reply.raw(429, null, contentTypeOf(b), b.getBytes(StandardCharsets.UTF_8))
                .header("retry-after", String.valueOf(Math.max(1, retryAfterSeconds)));
    }

    static Reply status(int status, String body) {
        int s = status <= 0 ? 500 : status;
        String b = body != null ? body : "{\"detail\":\"" + defaultDetail(s) + "\"}";
        return Reply.raw(s, null, contentTypeOf(b), b.getBytes(StandardCharsets.UTF_8));
    }

    static Reply malformedJson() {
        return Reply.raw(200, null, "application/json",
                "{\"detail\": \"ok\", \"items\": [{\"id\": 1, \"name\": \"trunc".getBytes(StandardCharsets.UTF_8));
    }

    /** A syntactically valid JSON object just over 5 MB (5 MiB + 1 KiB of payload). */
    static Reply oversized() {
        return Reply.raw(200, null, "application/json", jsonOf(5 * 1024 * 1024 + 1024));
    }

    /** {@code {"data":"xxx…"}} with {@code n} bytes of payload. */
    private static byte[] jsonOf(int n) {
        byte[] head = "{\"data\":\"".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "\"}".getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[head.length + n + tail.length];
        System.arraycopy(head, 0, b, 0, head.length);
        java.util.Arrays.fill(b, head.length, head.length + n, (byte) 'x');
        System.arraycopy(tail, 0, b, head.length + n, tail.length);
        return b;
    }

    /**
     * A syntactically valid JSON object of 9 MiB: above the 8 MiB the MCP server's client reads, so its
     * too-large path is taken (the 5 MB {@link #oversized} is read and then capped instead).
     */
    static Reply huge() {
        return Reply.raw(200, null, "application/json", jsonOf(9 * 1024 * 1024));
    }

    private static String contentTypeOf(String body) {
        String t = body.stripLeading();
        return t.startsWith("<") ? "text/html; charset=UTF-8" : t.startsWith("{") || t.startsWith("[")
                ? "application/json" : "text/plain; charset=UTF-8";
    }

    private static String defaultDetail(int s) {
        return switch (s) {
            case 400 -> "Bad Request";
            case 401 -> "Not authenticated";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 429 -> "Rate limit exceeded. Please retry later.";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Internal Server Error";
        };
    }
}
