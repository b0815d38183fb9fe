package io.jettymcp.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;

/**
 * A Jetty answer: status, content type and the raw body (bounded in size when read).
 *
 * @param parsed the body as JSON once the answer check has parsed it (so it is parsed once), else null
 */
public record ApiResponse(int status, String contentType, byte[] body, String retryAfter, JsonNode parsed) {

    public ApiResponse(int status, String contentType, byte[] body, String retryAfter) {
        this(status, contentType, body, retryAfter, null);
    }

    ApiResponse withParsed(JsonNode json) {
        return new ApiResponse(status, contentType, body, retryAfter, json);
    }

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
