package io.jettymcp.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    /**
     * A {@code List[UploadFile]} field: every part of that name, in order. As in FastAPI, a part without a
     * filename is a string, and a string where a file is expected is a 422 at its index — this is what a
     * nested {@code multipart/mixed} part holding several files becomes (jetty-api.md §7 E1).
     */
    List<Multipart.Part> files(String name) {
        List<Multipart.Part> out = new ArrayList<>();
        List<ObjectNode> errors = new ArrayList<>();
        for (Multipart.Part p : parts) {
            if (p.name().equals(name)) {
                if (!p.isFile()) {
                    errors.add(notAFile(List.of("body", name, out.size() + errors.size()), p));
                }
                out.add(p);
            }
        }
        if (!errors.isEmpty()) {
            throw ApiError.validation(errors);
        }
        return out;
    }

    /** A single {@code UploadFile} field: null when absent, a 422 when it is a string (FastAPI reads the last value). */
    Multipart.Part file(String name) {
        Multipart.Part last = null;
        for (Multipart.Part p : parts) {
            if (p.name().equals(name)) {
                last = p;
            }
        }
        if (last != null && !last.isFile()) {
            throw ApiError.validation(List.of(notAFile(List.of("body", name), last)));
        }
        return last;
    }

    /** FastAPI's UploadFile validator failing under pydantic v2, as its 422 handler serialises it. */
    private static ObjectNode notAFile(List<Object> loc, Multipart.Part p) {
        ObjectNode e = ApiError.entry(loc, "Value error, Expected UploadFile, received: <class 'str'>", "value_error");
        e.put("input", p.text());
        e.putObject("ctx").putObject("error"); // the ValueError, which FastAPI's JSON encoder turns into {}
        return e;
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
