package io.jettymcp.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One API request as it arrived (admin {@code /__sim} calls are not recorded).
 *
 * @param headers     lower-case names, raw values (repeated headers joined with ", ")
 * @param query       raw query string without '?', or "" when absent
 * @param contentType raw Content-Type or null
 * @param seq         1-based arrival order
 */
public record RecordedRequest(String method, String path, String query, Map<String, String> headers,
                              String contentType, byte[] body, long seq) {

    public RecordedRequest {
        headers = Map.copyOf(headers);
        body = body == null ? new byte[0] : body;
        query = query == null ? "" : query;
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The body as JSON, or null when it is empty or not JSON. */
    public JsonNode bodyJson() {
        if (body.length == 0) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /** Multipart text fields; file parts as "filename:size"; repeated names as name, name[1], … */
    public Map<String, String> multipartFields() {
        if (!Multipart.isMultipart(contentType)) {
            return Map.of();
        }
        return Multipart.fields(Multipart.parse(contentType, body));
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
}
