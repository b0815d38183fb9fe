package io.jettymcp.catalog.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.JettyApiException;
import io.jettymcp.api.Routes;
import io.jettymcp.guard.CollectionScope;
import io.jettymcp.guard.ToolError;
import io.jettymcp.tool.ToolCall;
import io.jettymcp.tool.ToolContext;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Locale;

/**
 * search-tasks and validate-workflow. Search uses Jetty's global task search, narrowed to the collections
 * in scope; when that route is not there (404, 405, a redirect, 5xx) or answers in an unknown shape, it
 * filters one collection's task list by name and description instead, and says so.
 */
public final class TaskTools {

    /** The most hits Jetty's search returns in one answer (bakery: {@code limit <= 100}). */
    static final int SEARCH_MAX = 100;

    /** Envelopes a search answer has been seen in or documented with: Typesense's, and plain lists. */
    private static final List<String> HIT_LISTS = List.of("hits", "results", "tasks");

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
                ? call.tenant().scope().resolve(call.str("collection"))
                        .flatMap(c -> call.api().json(ApiRequest.get(Routes.TASKS_GET.path(c, call.str("task")))))
                        .map(t -> t.path("workflow"))
                : Mono.error(new ToolError("Give either 'workflow' (a document to check) or 'task' (a saved task)."));
        Mono<JsonNode> templates = call.api().json(ApiRequest.get(Routes.TEMPLATES_LIST.path()).withoutAuth());
        return workflow.zipWith(templates).map(t -> validator.validate(t.getT1(), t.getT2()));
    }

    public Mono<JsonNode> search(ToolCall call) {
        String q = call.str("query");
        int limit = call.integer("limit") == null ? 20 : call.integer("limit");
        String only = call.str("collection");
        return call.tenant().scope().allowed().flatMap(allowed -> {
            // Jetty's search is global: when we narrow its hits, ask for as many as it gives
            boolean narrowed = only != null || allowed.names() != null;
            int ask = narrowed ? SEARCH_MAX : limit;
            ApiRequest req = ApiRequest.get(Routes.TASKS_SEARCH.path()).withQuery("q", q).withQuery("limit", ask);
            return call.api().json(req)
                    .flatMap(answer -> {
                        JsonNode hits = hitsOf(answer);
                        if (hits == null) {
                            return fallback(call, q, limit, "Jetty's task search answered in an unexpected shape (no `hits` list)");
                        }
                        ObjectNode out = fromSearch(hits, allowed, only, limit);
                        if (out.path("tasks").isEmpty() && narrowed && hits.size() >= ask) {
                            return fallback(call, q, limit, "Jetty's task search returned only tasks of other collections");
                        }
                        return Mono.just((JsonNode) out);
                    })
                    .onErrorResume(e -> e instanceof JettyApiException x && notThere(x.status()),
                            e -> fallback(call, q, limit, "Jetty's task search is not available here (it answered "
                                    + ((JettyApiException) e).status() + ")"));
        });
    }

    /** 3xx: FastAPI redirects a path it has no route for to the slash-flipped one, which is not the search. */
    static boolean notThere(int status) {
        return status == 404 || status == 405 || status / 100 == 3 || status >= 500;
    }

    /** The list of hits: Typesense's {@code {hits:[…]}}, a bare array, or a {@code results}/{@code tasks} list. */
    static JsonNode hitsOf(JsonNode answer) {
        if (answer.isArray()) {
            return answer;
        }
        for (String f : HIT_LISTS) {
            if (answer.path(f).isArray()) {
                return answer.get(f);
            }
        }
        return null;
    }

    private ObjectNode fromSearch(JsonNode hits, CollectionScope.Allowed allowed, String only, int limit) {
        ObjectNode out = ctx.mapper().createObjectNode();
        ArrayNode rows = out.putArray("tasks");
        int unnamed = 0;
        for (JsonNode h : hits) {
            JsonNode d = h.path("document").isObject() ? h.get("document") : h;
            String type = d.path("entity_type").asText("task");
            if (!type.equals("task")) {
                continue;
            }
            String name = nameOf(d);
            String c = collectionOf(d);
            if (name.isEmpty() || c.isEmpty()) {
                unnamed++;
                continue;
            }
            if (allowed.names() != null && !allowed.names().contains(c) || only != null && !only.equals(c)) {
                continue;
            }
            if (rows.size() < limit) {
                rows.add(row(c, name, d));
            }
        }
        out.put("source", "search");
        if (unnamed > 0) {
            out.put("warning", unnamed + " search hit(s) carried no task name or collection (no `entity_name`, `name` "
                    + "or `full_name`) and were left out; list-tasks shows a collection's tasks.");
        }
        return out;
    }

    /** Bakery's documents carry {@code entity_name} and {@code full_name} ({@code task/<c>/<t>}), not {@code name}. */
    static String nameOf(JsonNode d) {
        for (String f : List.of("entity_name", "name")) {
            if (d.path(f).isTextual() && !d.get(f).asText().isBlank()) {
                return d.get(f).asText();
            }
        }
        String full = d.path("full_name").asText("");
        return full.substring(full.lastIndexOf('/') + 1);
    }

    /** {@code collection_name}, else the segment before the name in {@code full_name} ({@code task/<c>/<t>} or {@code <c>/<t>}). */
    static String collectionOf(JsonNode d) {
        for (String f : List.of("collection_name", "collection")) {
            if (d.path(f).isTextual() && !d.get(f).asText().isBlank()) {
                return d.get(f).asText();
            }
        }
        String[] parts = d.path("full_name").asText("").split("/");
        return parts.length >= 2 ? parts[parts.length - 2] : "";
    }

    private Mono<JsonNode> fallback(ToolCall call, String q, int limit, String why) {
        return call.tenant().scope().resolve(call.str("collection"))
                .onErrorMap(ToolError.class, e -> new ToolError(why + ", and filtering a task list instead needs one "
                        + "collection: " + e.getMessage()))
                .flatMap(c -> call.api().json(ApiRequest.get(Routes.TASKS_LIST.path(c)).withQuery("limit", 500))
                        .map(list -> {
                            ObjectNode out = ctx.mapper().createObjectNode();
                            ArrayNode rows = out.putArray("tasks");
                            List<String> words = List.of(q.toLowerCase(Locale.ROOT).trim().split("\\s+"));
                            for (JsonNode d : list.isArray() ? list : ctx.mapper().createArrayNode()) {
                                String hay = (d.path("name").asText() + " " + d.path("description").asText()).toLowerCase(Locale.ROOT);
                                if (words.stream().allMatch(hay::contains) && rows.size() < limit) {
                                    rows.add(row(c, d.path("name").asText(), d));
                                }
                            }
                            out.put("source", "task-list");
                            if (!list.isArray()) {
                                out.put("warning", "Jetty answered the task list of '" + c + "' in an unexpected shape (not a list).");
                            }
                            out.put("note", why + ", so these are the tasks of '" + c + "' (first 500) whose name or "
                                    + "description contains every word of the query.");
                            return out;
                        }));
    }

    private ObjectNode row(String collection, String name, JsonNode d) {
        ObjectNode o = ctx.mapper().createObjectNode();
        o.put("collection", collection);
        o.put("name", name);
        String description = d.path("description").isTextual() ? d.get("description").asText()
                : d.path("metadata").path("description").isTextual() ? d.get("metadata").get("description").asText() : null;
        if (description != null) {
            o.put("description", description);
        }
        return o;
    }
}
