package io.jettymcp.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.guard.ToolError;
import io.jettymcp.spec.HttpMapping;
import reactor.core.publisher.Mono;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one handler behind every spec-driven tool: fills the spec's route (matched in {@link io.jettymcp.api.Routes}
 * when the spec loaded; each value encoded as a single segment), maps arguments to query and body fields, and
 * returns Jetty's JSON answer.
 */
public final class RestHandler implements ToolHandler {

    private final ObjectMapper mapper;

    public RestHandler(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public Mono<JsonNode> handle(ToolCall call) {
        return Mono.defer(() -> call.api().json(request(call))).map(n -> n.isNull() ? ok() : n);
    }

    ApiRequest request(ToolCall call) {
        HttpMapping h = call.spec().http();
        String path = h.route().path(h.placeholders().stream()
                .map(p -> p.equals("collection") ? call.collection() : call.str(p)).toArray(String[]::new));
        Map<String, String> query = new LinkedHashMap<>();
        h.query().forEach((arg, param) -> {
            if (call.has(arg)) {
                query.put(param, call.node(arg).asText());
            }
        });
        JsonNode body = null;
        if (h.bodyArg() != null) {
            body = call.node(h.bodyArg());
        } else if (!h.body().isEmpty()) {
            ObjectNode o = mapper.createObjectNode();
            h.body().forEach((arg, field) -> {
                if (call.has(arg)) {
                    o.set(field, call.node(arg));
                }
            });
            if (o.isEmpty() && (h.method().equals("PUT") || h.method().equals("PATCH"))) {
                throw new ToolError("Nothing to change: give at least one of " + List.copyOf(h.body().keySet()) + ".");
            }
            body = o;
        }
        return new ApiRequest(h.method(), path, query, body, Map.of(), List.of(), call.spec().auth());
    }

    private JsonNode ok() {
        return mapper.createObjectNode().put("ok", true);
    }
}
