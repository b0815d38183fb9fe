package io.jettymcp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.api.Routes.Route;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The routes the tools call against an OpenAPI document ({@code GET /openapi.json}), by method and path
 * shape. Parameter names do not count ({@code {collection}} and bakery's {@code {collection_name}} are the
 * same segment), and a path converter ({@code {file_path:path}}, rendered {@code {file_path}} by FastAPI)
 * matches our rest-of-path parameter ({@code {path*}}). Trailing slashes do count: FastAPI redirects
 * between the two forms and our client does not follow redirects.
 *
 * @param missing per route absent from the document, a hint (empty when there is nothing to add)
 * @param extras  {@code "METHOD /path"} of every operation in the document no route of ours matches
 */
record OpenApiDiff(Map<Route, String> missing, List<String> extras) {

    private static final List<String> METHODS = List.of("get", "post", "put", "patch", "delete");

    static OpenApiDiff of(JsonNode doc, List<Route> routes) {
        Map<String, String> operations = new LinkedHashMap<>(); // shape key -> "METHOD /path" as written
        doc.path("paths").fields().forEachRemaining(p -> {
            for (String m : METHODS) {
                if (p.getValue().has(m)) {
                    String method = m.toUpperCase(Locale.ROOT);
                    operations.putIfAbsent(method + " " + shape(p.getKey()), method + " " + p.getKey());
                }
            }
        });
        Map<Route, String> missing = new LinkedHashMap<>();
        Set<String> matched = new LinkedHashSet<>();
        for (Route r : routes) {
            String key = r.method() + " " + shape(r.template());
            if (operations.containsKey(key)) {
                matched.add(key);
            } else {
                missing.put(r, hint(r, operations));
            }
        }
        List<String> extras = new ArrayList<>();
        operations.forEach((key, written) -> {
            if (!matched.contains(key)) {
                extras.add(written);
            }
        });
        return new OpenApiDiff(missing, extras);
    }

    /** The path with every parameter segment, whatever its name or converter, written {@code {}}. */
    static String shape(String template) {
        return template.replaceAll("\\{[^}/]*}", "{}");
    }

    private static String hint(Route r, Map<String, String> operations) {
        String path = shape(r.template());
        String flipped = path.endsWith("/") ? path.substring(0, path.length() - 1) : path + "/";
        if (operations.containsKey(r.method() + " " + flipped)) {
            return "openapi.json has it " + (path.endsWith("/") ? "without" : "with")
                    + " the trailing slash (Jetty would redirect)";
        }
        List<String> others = new ArrayList<>();
        for (String m : METHODS) {
            String method = m.toUpperCase(Locale.ROOT);
            if (!method.equals(r.method()) && operations.containsKey(method + " " + path)) {
                others.add(method);
            }
        }
        return others.isEmpty() ? "" : "openapi.json has this path for " + String.join(", ", others) + " only";
    }
}
