package io.jettymcp.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One request as the handlers see it: method, decoded path params, query, headers, body. */
final class Exchange {

    final String method;
    final String path;
    final String rawQuery;
    final Map<String, String> headers;
    final String contentType;
    final byte[] body;
    final String baseUrl;
    final Map<String, List<String>> query;
    Map<String, String> params = Map.of();
    /** Set by auth so error details can echo it when echoSecretsInErrors is on. */
    String bearer;
    /** Collection named by the request, if known: its env may be echoed by echoSecretsInErrors. */
    String collectionHint;

    Exchange(String method, String path, String rawQuery, Map<String, String> headers, String contentType, byte[] body,
             String baseUrl) {
        this.method = method;
        this.path = path;
        this.rawQuery = rawQuery == null ? "" : rawQuery;
        this.headers = headers;
        this.contentType = contentType;
        this.body = body == null ? new byte[0] : body;
        this.baseUrl = baseUrl;
        this.query = parseQuery(this.rawQuery);
    }

    String param(String name) {
        return params.get(name);
    }

    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String q(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** Integer query parameter: default when absent, 422 when not an integer or out of range. */
    int intQuery(String name, int dflt, int min, int max) {
        String v = q(name);
        if (v == null) {
            return dflt;
        }
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw ApiError.validation(List.of("query", name),
                    "Input should be a valid integer, unable to parse string as an integer", "int_parsing");
        }
        if (n < min) {
            throw ApiError.validation(List.of("query", name), "Input should be greater than or equal to " + min,
                    "greater_than_equal");
        }
        if (n > max) {
            throw ApiError.validation(List.of("query", name), "Input should be less than or equal to " + max,
                    "less_than_equal");
        }
        return n;
    }

    boolean isJson() {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).contains("json");
    }

    /** The JSON object body, or 422 the way FastAPI answers a missing / malformed body. */
    JsonNode jsonBody() {
        if (body.length == 0) {
            throw ApiError.missing("body");
        }
        JsonNode n = Json.parse(body);
        if (n == null) {
            throw ApiError.validation(List.of("body", 0), "JSON decode error", "json_invalid");
        }
        if (!n.isObject()) {
            throw ApiError.validation(List.of("body"), "Input should be a valid dictionary or object to extract fields from",
                    "model_attributes_type");
        }
        return n;
    }

    static Map<String, List<String>> parseQuery(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
