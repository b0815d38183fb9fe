package io.jettymcp.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A form body (multipart or urlencoded), as FastAPI's Form()/File() parameters read it. */
final class Form {

    final List<Multipart.Part> parts;

    private Form(List<Multipart.Part> parts) {
        this.parts = parts;
    }

    /** The form, or null when the body is not a form at all (e.g. JSON). */
    static Form of(Exchange ex) {
        String ct = ex.contentType == null ? "" : ex.contentType.toLowerCase(Locale.ROOT);
        if (Multipart.isMultipart(ct)) {
            return new Form(Multipart.parse(ex.contentType, ex.body));
        }
        if (ct.startsWith("application/x-www-form-urlencoded")) {
            List<Multipart.Part> parts = new ArrayList<>();
            for (Map.Entry<String, List<String>> e : Exchange.parseQuery(new String(ex.body, StandardCharsets.UTF_8))
                    .entrySet()) {
                for (String v : e.getValue()) {
                    parts.add(new Multipart.Part(e.getKey(), null, null, v.getBytes(StandardCharsets.UTF_8)));
                }
            }
            return new Form(parts);
        }
        return null;
    }

    String text(String name) {
        for (Multipart.Part p : parts) {
            if (p.name().equals(name) && !p.isFile()) {
                return p.text();
            }
        }
        return null;
    }

    List<Multipart.Part> files(String name) {
        List<Multipart.Part> out = new ArrayList<>();
        for (Multipart.Part p : parts) {
            if (p.name().equals(name) && p.isFile()) {
                out.add(p);
            }
        }
        return out;
    }

    /** A JSON-object field; null when absent or blank; 422 when it is not a JSON object. */
    JsonNode jsonObject(String name) {
        String v = text(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        JsonNode n = Json.parse(v);
        if (n == null || !n.isObject()) {
            throw ApiError.validation(List.of("body", name), name + " must be a JSON object string", "json_invalid");
        }
        return n;
    }

    static String safeName(String filename, String dflt) {
        if (filename == null || filename.isBlank()) {
            return dflt;
        }
        String n = filename.replace('\\', '/');
        n = n.substring(n.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
        return n.isEmpty() || n.equals(".") || n.equals("..") ? dflt : n;
    }

    static String extension(String filename) {
        String n = safeName(filename, "");
        int dot = n.lastIndexOf('.');
        return dot <= 0 || dot == n.length() - 1 ? "bin" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
