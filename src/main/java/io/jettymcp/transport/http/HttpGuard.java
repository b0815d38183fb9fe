package io.jettymcp.transport.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks every request before any MCP handling: Origin and Host (DNS-rebinding protection: only
 * loopback names unless allow-listed) and the Bearer token, compared in constant time.
 */
final class HttpGuard {

    /** A refusal: the HTTP status and a message that says what to do. */
    record Refusal(int status, String message) {
    }

    private final Set<String> origins;
    private final Set<String> hosts;
    private final byte[] token;

    HttpGuard(HttpOptions options) {
        this.origins = options.allowedOrigins().stream().map(o -> o.toLowerCase(Locale.ROOT).replaceAll("/+$", ""))
                .collect(Collectors.toUnmodifiableSet());
        java.util.HashSet<String> h = new java.util.HashSet<>();
        options.allowedHosts().forEach(x -> h.add(x.toLowerCase(Locale.ROOT)));
        if (!options.host().equals("0.0.0.0") && !options.host().equals("::")) {
            h.add(options.host().toLowerCase(Locale.ROOT)); // a specific bind address names itself
        }
        this.hosts = Set.copyOf(h);
        this.token = options.authToken() == null ? null : options.authToken().getBytes(StandardCharsets.UTF_8);
    }

    /** @return null when Origin and Host are acceptable */
    Refusal checkOrigin(HttpHeaders headers) {
        java.util.List<String> all = headers.getAll(HttpHeaderNames.HOST);
        if (all.size() > 1) {
            // which one counts differs between proxies and servers: a second Host could pass a check meant for the first
            return new Refusal(400, "More than one Host header; send exactly one.");
        }
        String host = all.isEmpty() ? null : all.get(0);
        if (host == null || host.isBlank()) {
            return new Refusal(400, "Missing Host header.");
        }
        if (!hostAllowed(host.trim().toLowerCase(Locale.ROOT))) {
            return new Refusal(403, "Host '" + printable(host) + "' is not allowed. This server answers loopback names "
                    + "only; behind a proxy or on a network address, start it with --allowed-hosts " + printable(host) + ".");
        }
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (origin != null && !originAllowed(origin.trim().toLowerCase(Locale.ROOT))) {
            return new Refusal(403, "Origin '" + printable(origin) + "' is not allowed. Browsers pages may only reach "
                    + "this server from loopback origins or those given with --allowed-origins.");
        }
        return null;
    }

    /** @return null when no token is configured or the request carries it */
    Refusal checkAuth(HttpHeaders headers) {
        if (token == null) {
            return null;
        }
        String auth = headers.get(HttpHeaderNames.AUTHORIZATION);
        byte[] given = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
                ? auth.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(token, given)) { // constant time for equal lengths, no early exit on content
            return new Refusal(401, "Missing or wrong bearer token: send 'Authorization: Bearer <token>' with the token "
                    + "this server was started with (JETTY_MCP_HTTP_TOKEN or --http-token-file).");
        }
        return null;
    }

    boolean authRequired() {
        return token != null;
    }

    private boolean hostAllowed(String host) {
        if (hosts.contains(host)) {
            return true;
        }
        String name = hostName(host);
        return name != null && (hosts.contains(name) || HttpOptions.isLoopback(name));
    }

    private boolean originAllowed(String origin) {
        if (origins.contains(origin) || origins.contains("*")) {
            return true;
        }
        try {
            URI u = URI.create(origin);
            String scheme = u.getScheme();
            String h = u.getHost();
            if (h == null || !("http".equals(scheme) || "https".equals(scheme))) {
                return false;
            }
            if (h.startsWith("[") && h.endsWith("]")) {
                h = h.substring(1, h.length() - 1);
            }
            return HttpOptions.isLoopback(h);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The name part of a Host header value ({@code name}, {@code name:port}, {@code [v6]:port}). */
    static String hostName(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? null : host.substring(1, end);
        }
        int colon = host.indexOf(':');
        if (colon >= 0 && host.indexOf(':', colon + 1) >= 0) {
            return host; // bare IPv6 literal
        }
        return colon < 0 ? host : host.substring(0, colon);
    }

    private static String printable(String s) {
        String t = s.length() > 100 ? s.substring(0, 100) + "…" : s;
        return t.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
