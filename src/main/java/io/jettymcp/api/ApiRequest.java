package io.jettymcp.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One request to Jetty. Path segments are encoded when the request is built (see {@link #segment}),
 * so a name can never add a segment or a query.
 *
 * @param json      a JSON body, or null
 * @param form      multipart text fields (sent as multipart when non-empty or when files exist); empty values
 *                  are dropped, as FastAPI reads an empty field as absent anyway
 * @param files     multipart file parts
 * @param auth      whether to send the token
 */
public record ApiRequest(String method, String path, Map<String, String> query, JsonNode json,
                         Map<String, String> form, List<FilePart> files, boolean auth) {

    /**
     * A multipart file part.
     *
     * @param content the part's bytes from their start; opened again for each attempt to send
     */
    public record FilePart(String field, String filename, Content content) {

        /** A file this server made itself (not a caller's path), read when the request is sent. */
        public FilePart(String field, Path file, String filename) {
            this(field, filename, () -> java.nio.file.Files.newInputStream(file));
        }

        /** The part's bytes for one attempt; an unreadable source fails that attempt. */
        public java.io.InputStream stream() {
            try {
                return content.open();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** Where a file part's bytes come from. */
    @FunctionalInterface
    public interface Content {
        java.io.InputStream open() throws java.io.IOException;
    }

    public ApiRequest {
        query = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(query));
        Map<String, String> fields = new LinkedHashMap<>();
        form.forEach((k, v) -> {
            if (v != null && !v.isEmpty()) {
                fields.put(k, v);
            }
        });
        form = java.util.Collections.unmodifiableMap(fields);
        files = List.copyOf(files);
    }

    public static ApiRequest get(String path) {
        return new ApiRequest("GET", path, Map.of(), null, Map.of(), List.of(), true);
    }

    public static ApiRequest json(String method, String path, JsonNode body) {
        return new ApiRequest(method, path, Map.of(), body, Map.of(), List.of(), true);
    }

    public static ApiRequest multipart(String path, Map<String, String> form, List<FilePart> files) {
        return new ApiRequest("POST", path, Map.of(), null, form, files, true);
    }

    public ApiRequest withQuery(String name, Object value) {
        if (value == null) {
            return this;
        }
        Map<String, String> q = new LinkedHashMap<>(query);
        q.put(name, String.valueOf(value));
        return new ApiRequest(method, path, q, json, form, files, auth);
    }

    public ApiRequest withoutAuth() {
        return new ApiRequest(method, path, query, json, form, files, false);
    }

    public boolean multipart() {
        return !form.isEmpty() || !files.isEmpty();
    }

    /** POST and PATCH change state in ways a blind retry could repeat (a second run, a second label). */
    public boolean retryable() {
        return method.equals("GET") || method.equals("PUT") || method.equals("DELETE");
    }

    public String uri() {
        if (query.isEmpty()) {
            return path;
        }
        List<String> parts = new ArrayList<>();
        query.forEach((k, v) -> parts.add(enc(k) + "=" + enc(v)));
        return path + "?" + String.join("&", parts);
    }

    /** Encodes one path segment: '/', '?', '#', '%' and spaces can never change the route. Only {@link Routes} builds paths. */
    static String segment(String value) {
        return enc(value).replace("+", "%20");
    }

    private static String enc(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8);
    }
}
