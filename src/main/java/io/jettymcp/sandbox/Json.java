package io.jettymcp.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Shared JSON helpers. The mapper is configured once and never mutated afterwards. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final JsonNodeFactory F = JsonNodeFactory.instance;

    private Json() {
    }

    static ObjectNode obj() {
        return F.objectNode();
    }

    static ArrayNode arr() {
        return F.arrayNode();
    }

    static byte[] bytes(JsonNode n) {
        try {
            return MAPPER.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String text(JsonNode n) {
        try {
            return MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses JSON, or returns null when the text is not JSON. */
    static JsonNode parse(String s) {
        if (s == null) {
            return null;
        }
        try {
            return MAPPER.readTree(s);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    static JsonNode parse(byte[] b) {
        if (b == null || b.length == 0) {
            return null;
        }
        try {
            return MAPPER.readTree(b);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** ISO-8601 UTC with millisecond precision, e.g. 2026-05-01T12:00:00.123Z. */
    static String ts(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.MILLIS).toString();
    }
}
