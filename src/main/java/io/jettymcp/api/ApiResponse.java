package io.jettymcp.api;

import java.nio.charset.StandardCharsets;

/** A Jetty answer: status, content type and the raw body (bounded in size when read). */
public record ApiResponse(int status, String contentType, byte[] body, String retryAfter) {

    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public boolean ok() {
        return status >= 200 && status < 300;
    }

    public boolean html() {
        String t = text();
        return (contentType != null && contentType.contains("html")) || t.stripLeading().startsWith("<");
    }
}
