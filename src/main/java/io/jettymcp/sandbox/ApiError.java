package io.jettymcp.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A FastAPI-style error: {@code {"detail": "..."}} or a 422 {@code {"detail": [...]}} list. */
final class ApiError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    final int status;
    final transient JsonNode detail;
    final transient Map<String, String> headers;

    private ApiError(int status, JsonNode detail, Map<String, String> headers) {
        super(detail.isTextual() ? detail.asText() : detail.toString(), null, false, false);
        this.status = status;
        this.detail = detail;
        this.headers = headers;
    }

    static ApiError detail(int status, String text) {
        return new ApiError(status, Json.F.textNode(text), Map.of());
    }

    static ApiError withHeader(int status, String text, String header, String value) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(header, value);
        return new ApiError(status, Json.F.textNode(text), h);
    }

    /** Arbitrary detail object (used when a detail must carry structured data, e.g. offending keys). */
    static ApiError detailNode(int status, JsonNode detail) {
        return new ApiError(status, detail, Map.of());
    }

    /** 422 with one pydantic-v2 style entry. */
    static ApiError validation(List<Object> loc, String msg, String type) {
        return validation(List.of(entry(loc, msg, type)));
    }

    static ApiError validation(List<ObjectNode> entries) {
        ArrayNode a = Json.arr();
        entries.forEach(a::add);
        return new ApiError(422, a, Map.of());
    }

    static ObjectNode entry(List<Object> loc, String msg, String type) {
        ObjectNode e = Json.obj();
        e.put("type", type);
        ArrayNode l = e.putArray("loc");
        for (Object o : loc) {
            if (o instanceof Integer i) {
                l.add(i);
            } else {
                l.add(String.valueOf(o));
            }
        }
        e.put("msg", msg);
        e.putNull("input");
        return e;
    }

    static ApiError missing(String... loc) {
        return validation(List.<Object>of((Object[]) loc), "Field required", "missing");
    }

    ObjectNode body() {
        ObjectNode b = Json.obj();
        b.set("detail", detail);
        return b;
    }
}
