package io.jettymcp.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.JettyApiException;
import io.jettymcp.guard.CollectionScope;
import reactor.core.publisher.Mono;

import java.util.Locale;

/**
 * search-tasks: Jetty's global search, narrowed to the collections in scope; when the search
 * endpoint is unavailable it falls back to filtering the collection's task list by name and description.
 */
public final class TaskTools {

    private final ToolContext ctx;
    private final WorkflowValidator validator;

    public TaskTools(ToolContext ctx) {
        this.ctx = ctx;
        this.validator = new WorkflowValidator(ctx.mapper());
    }

    /** validate-workflow: a given workflow document, or a saved task's, checked against the live template catalog. */
    public Mono<JsonNode> validate(ToolCall call) {
        Mono<JsonNode> workflow = call.has("workflow") ? Mono.just(call.node("workflow"))
                : call.has("task")
                ? call.tenant().scope().resolve(call.str("collection")).flatMap(c -> call.api().json(ApiRequest.get(
                        "/api/v1/tasks/" + ApiRequest.segment(c) + "/" + ApiRequest.segment(call.str("task")))))
                        .map(t -> t.path("workflow"))
                : Mono.error(new io.jettymcp.guard.ToolError("Give either 'workflow' (a document to check) or 'task' (a saved task)."));
        Mono<JsonNode> templates = call.api().json(ApiRequest.get("/api/v1/step-templates").withoutAuth());
        return workflow.zipWith(templates).map(t -> validator.validate(t.getT1(), t.getT2()));
    }

    public Mono<JsonNode> search(ToolCall call) {
        String q = call.str("query");
        int limit = call.integer("limit") == null ? 20 : call.integer("limit");
        ApiRequest req = ApiRequest.get("/api/v1/tasks/search").withQuery("q", q).withQuery("limit", limit);
        return call.api().json(req).zipWith(call.tenant().scope().allowed())
                .map(t -> fromSearch(t.getT1(), t.getT2(), call.str("collection"), limit))
                .onErrorResume(e -> e instanceof JettyApiException x && (x.status() == 404 || x.status() == 405
                        || x.status() >= 500), e -> fallback(call, q, limit));
    }

    private JsonNode fromSearch(JsonNode answer, CollectionScope.Allowed allowed, String collection, int limit) {
        ArrayNode rows = ctx.mapper().createArrayNode();
        JsonNode hits = answer.has("hits") ? answer.get("hits") : answer;
        for (JsonNode h : hits) {
            JsonNode d = h.has("document") ? h.get("document") : h;
            String c = d.path("collection_name").asText(d.path("collection").asText(""));
            if (allowed.names() != null && !allowed.names().contains(c)) {
                continue;
            }
            if (collection != null && !collection.equals(c)) {
                continue;
            }
            if (rows.size() < limit) {
                rows.add(row(c, d));
            }
        }
        return rows;
    }

    private Mono<JsonNode> fallback(ToolCall call, String q, int limit) {
        return call.tenant().scope().resolve(call.str("collection")).flatMap(c ->
                call.api().json(ApiRequest.get("/api/v1/tasks/" + ApiRequest.segment(c) + "/").withQuery("limit", 500))
                        .map(list -> {
                            ArrayNode rows = ctx.mapper().createArrayNode();
                            String needle = q.toLowerCase(Locale.ROOT);
                            for (JsonNode d : list) {
                                String hay = (d.path("name").asText() + " " + d.path("description").asText()).toLowerCase(Locale.ROOT);
                                if (hay.contains(needle) && rows.size() < limit) {
                                    rows.add(row(c, d));
                                }
                            }
                            return rows;
                        }));
    }

    private ObjectNode row(String collection, JsonNode d) {
        ObjectNode o = ctx.mapper().createObjectNode();
        o.put("collection", collection);
        o.put("name", d.path("name").asText());
        if (d.hasNonNull("description")) {
            o.put("description", d.get("description").asText());
        }
        return o;
    }
}
