package io.jettymcp.spec;

import io.jettymcp.api.Routes;

import java.util.List;
import java.util.Map;

/**
 * How a spec-driven tool maps onto one Jetty request.
 *
 * @param path  template such as {@code /api/v1/tasks/{collection}/{task}}; every placeholder is an
 *              argument, URL-encoded as one path segment
 * @param route the {@link Routes} entry the template names (matched when the spec loads), which builds the path
 * @param query argument name to query parameter name
 * @param body  argument name to JSON body field; empty for no body
 * @param bodyArg an argument whose whole value is the JSON body (e.g. a partial update), or null
 */
public record HttpMapping(String method, String path, Routes.Route route, Map<String, String> query,
                          Map<String, String> body, String bodyArg) {

    public HttpMapping {
        query = Map.copyOf(query);
        body = Map.copyOf(body);
    }

    /** The placeholders of the path template, in order. */
    public List<String> placeholders() {
        return java.util.regex.Pattern.compile("\\{([a-z_]+)\\}").matcher(path).results()
                .map(m -> m.group(1)).toList();
    }
}
