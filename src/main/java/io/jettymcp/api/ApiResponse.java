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
        if (contentType != null && contentType.contains("html")) {
            return true;
        }
        for (byte b : body) { // the first non-blank byte, without turning a large body into text
            if (!Character.isWhitespace(b)) {
                return b == '<';
            }
        }
        return false;
    }
}
