package io.jettymcp.catalog.trajectories;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.JettyApiException;
import io.jettymcp.api.Routes;
import io.jettymcp.guard.ToolError;
import io.jettymcp.tool.ToolCall;
import io.jettymcp.tool.ToolContext;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Trajectories: list, get (compact or selected), logs, status changes and labels. Every tool
 * takes a trajectory id or a full workflow id and uses the form each endpoint wants.
 */
public final class TrajectoryTools {

    public static final List<String> LEVELS = List.of("debug", "info", "warning", "error", "critical");
    public static final int LOG_MESSAGE_CAP = 1000;

    private final ToolContext ctx;
    private final TrajectoryWaiter waiter;
    private final TrajectoryReader reader;

    public TrajectoryTools(ToolContext ctx, TrajectoryWaiter waiter) {
        this.ctx = ctx;
        this.waiter = waiter;
        this.reader = waiter.reader();
    }

    public Mono<JsonNode> list(ToolCall call) {
        String c = call.collection();
        String task = call.str("task");
        ApiRequest req = ApiRequest.get(Routes.TRAJECTORIES_LIST.path(c, task))
                .withQuery("limit", call.integer("limit") == null ? 10 : call.integer("limit"))
                .withQuery("page", call.integer("page") == null ? 1 : call.integer("page"));
        return call.api().json(req).map(answer -> {
            ObjectNode o = ctx.mapper().createObjectNode();
            ArrayNode rows = o.putArray("trajectories");
            JsonNode list = answer.isArray() ? answer : answer.path("trajectories");
            list.forEach(t -> rows.add(view(call).row(t)));
            o.put("count", rows.size());
            for (String f : List.of("total", "page", "limit", "has_more")) {
                if (answer.has(f)) {
                    o.set(f, answer.get(f));
                }
            }
            if (answer.path("has_more").asBoolean(false)) {
                o.put("next", "More runs exist: call again with page " + (answer.path("page").asInt(1) + 1) + ".");
            }
            return o;
        });
    }

    public Mono<JsonNode> get(ToolCall call) {
        String c = call.collection();
        String task = call.str("task");
        String id = TrajectoryIds.trajectoryId(call.str("trajectory_id"));
        List<String> steps = call.has("steps") ? ToolCall.texts(call.node("steps")) : null;
        List<String> fields = call.has("fields") ? ToolCall.texts(call.node("fields")) : null;
        return reader.read(call, c, task, id).map(read -> {
            JsonNode t = read.trajectory();
            ObjectNode o = steps == null && fields == null ? view(call).compact(t, c, task) : view(call).select(t, c, task, steps, fields);
            if (read.outputsNote() != null) {
                o.put("outputs_note", read.outputsNote());
            }
            return o;
        });
    }

    public Mono<JsonNode> logs(ToolCall call) {
        String c = call.collection();
        String task = call.str("task");
        String id = TrajectoryIds.trajectoryId(call.str("trajectory_id"));
        String minLevel = call.str("level");
        String step = call.str("step");
        int limit = call.integer("limit") == null ? 100 : call.integer("limit");
        // Jetty builds the logs id from the stored names, while its name look-ups ignore case (§7 E10): the run
        // itself says how its names are spelled; the names as typed are the fallback when it cannot be read
        return reader.fetch(call, c, task, id)
                .map(t -> canonicalWorkflowId(t, c, task, id))
                .onErrorResume(e -> !(e instanceof Error), e -> Mono.just(TrajectoryIds.workflowId(c, task, id)))
                .flatMap(workflowId -> logs(call, workflowId, minLevel, step, limit));
    }

    /**
     * The run's own workflow id ({@code workflow_id}, else built from {@code name}) when it names the same
     * collection and task as the call, ignoring case: the scope check covers what is sent. Otherwise the id
     * built from the names as given.
     */
    static String canonicalWorkflowId(JsonNode t, String c, String task, String id) {
        String typed = TrajectoryIds.workflowId(c, task, id);
        String wf = t.path("workflow_id").asText("");
        if (wf.equalsIgnoreCase(typed) && SAFE_ID.matcher(wf).matches()) {
            return wf;
        }
        String name = t.path("name").asText("");
        int slash = name.indexOf('/');
        if (slash > 0) {
            String built = TrajectoryIds.workflowId(name.substring(0, slash), name.substring(slash + 1), id);
            if (built.equalsIgnoreCase(typed) && SAFE_ID.matcher(built).matches()) {
                return built;
            }
        }
        return typed;
    }

    private static final java.util.regex.Pattern SAFE_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,400}");

    private Mono<JsonNode> logs(ToolCall call, String workflowId, String minLevel, String step, int limit) {
        return call.api().json(ApiRequest.get(Routes.LOGS.path(workflowId))).map(answer -> {
            JsonNode events = answer.isArray() ? answer : answer.path("events");
            ArrayNode kept = ctx.mapper().createArrayNode();
            int min = minLevel == null ? 0 : LEVELS.indexOf(minLevel);
            for (JsonNode e : events) {
                if (rank(e.path("level").asText("info")) < min) {
                    continue;
                }
                if (step != null && !step.equals(e.path("step").asText(null))) {
                    continue;
                }
                kept.add(e);
            }
            ObjectNode o = ctx.mapper().createObjectNode();
            o.put("workflow_id", workflowId);
            o.put("total_events", events.size());
            o.put("matching", kept.size());
            ArrayNode out = ctx.mapper().createArrayNode();
            int from = Math.max(0, kept.size() - limit); // the last events: where a failure shows
            for (int i = from; i < kept.size(); i++) {
                JsonNode e = kept.get(i);
                if (e.path("message").isTextual() && e.get("message").asText().length() > LOG_MESSAGE_CAP) {
                    ObjectNode copy = e.deepCopy();
                    copy.put("message", view(call).cut(e.get("message").asText(), LOG_MESSAGE_CAP));
                    e = copy;
                }
                out.add(e);
            }
            if (from > 0) {
                o.put("omitted", from + " earlier matching events left out; raise limit (at most 1000) or filter by level or step.");
            }
            o.set("events", out);
            return o;
        });
    }

    static int rank(String level) {
        String l = level.toLowerCase(Locale.ROOT);
        if (l.equals("warn")) {
            l = "warning";
        }
        if (l.equals("fatal")) {
            l = "critical";
        }
        int i = LEVELS.indexOf(l);
        return i < 0 ? 1 : i;
    }

    /**
     * set-trajectory-status: one batch POST, never repeated on its own. Reads the documented answer
     * {@code {results:[{trajectory_id, new_status, updated, storage_path, error}], updated_count}} and reports
     * the count and every per-id error; any other answer may still mean the change happened.
     */
    public Mono<JsonNode> setStatus(ToolCall call) {
        String c = call.collection();
        String task = call.str("task");
        String status = call.str("status");
        Set<String> ids = new LinkedHashSet<>();
        for (String given : ToolCall.texts(call.node("trajectory_ids"))) {
            ids.add(TrajectoryIds.trajectoryId(given));
        }
        ObjectNode body = ctx.mapper().createObjectNode();
        ids.forEach(id -> body.put(id, status));
        return call.api().json(ApiRequest.json("POST", Routes.STATUSES.path(c, task), body))
                .onErrorMap(JettyApiException.class, e -> e.outcomeUnknown() ? new ToolError(e.getMessage() + " " + STATUS_CHECK) : e)
                .map(answer -> statusResult(answer, body));
    }

    private static final String STATUS_CHECK = "The status change may have happened: list-trajectories or get-trajectory "
            + "shows each run's status now.";

    private ObjectNode statusResult(JsonNode answer, ObjectNode requested) {
        ObjectNode o = ctx.mapper().createObjectNode();
        o.set("requested", requested);
        JsonNode results = answer.path("results");
        if (!results.isArray() || !answer.path("updated_count").isNumber()) {
            List<String> missing = new ArrayList<>();
            if (!results.isArray()) {
                missing.add("no `results` list");
            }
            if (!answer.path("updated_count").isNumber()) {
                missing.add("no `updated_count`");
            }
            o.put("warning", "Jetty answered in an unexpected shape (" + String.join(", ", missing) + "). " + STATUS_CHECK);
            if (!answer.isMissingNode() && !answer.isNull()) {
                o.set("jetty", answer);
            }
            return o;
        }
        o.set("updated_count", answer.get("updated_count"));
        ArrayNode rows = o.putArray("results");
        ArrayNode errors = ctx.mapper().createArrayNode();
        Set<String> answered = new HashSet<>();
        for (JsonNode r : results) {
            String id = r.path("trajectory_id").asText("");
            answered.add(id);
            ObjectNode row = rows.addObject().put("trajectory_id", id);
            for (String f : List.of("new_status", "updated", "error")) {
                if (r.hasNonNull(f)) {
                    row.set(f, r.get(f));
                }
            }
            // "updated" is documented as the time of the change; an error text is what marks a failure
            String error = r.path("error").isNull() || r.path("error").isMissingNode() ? "" : r.get("error").asText();
            if (!error.isBlank() || r.path("updated").isBoolean() && !r.get("updated").asBoolean()) {
                errors.addObject().put("trajectory_id", id).put("error", error.isBlank() ? "not updated" : error);
            }
        }
        List<String> problems = new ArrayList<>();
        errors.forEach(e -> problems.add(e.get("trajectory_id").asText() + ": " + e.get("error").asText()));
        requested.fieldNames().forEachRemaining(id -> {
            if (!answered.contains(id)) {
                problems.add(id + ": no result in Jetty's answer");
            }
        });
        if (!errors.isEmpty()) {
            o.set("errors", errors);
        }
        if (!problems.isEmpty()) {
            o.put("warning", "Jetty did not confirm " + problems.size() + " of " + requested.size() + " runs ("
                    + String.join("; ", problems) + "). list-trajectories shows this task's runs, their ids and statuses.");
        }
        return o;
    }

    /**
     * add-label writes once, then re-reads the trajectory: Jetty can answer 200 and still lose a label written
     * while the run completes. It reports a lost label and never posts a second time on its own.
     */
    public Mono<JsonNode> addLabel(ToolCall call) {
        String c = call.collection();
        String task = call.str("task");
        String id = TrajectoryIds.trajectoryId(call.str("trajectory_id"));
        String key = call.str("key");
        String value = call.str("value");
        Mono<String> author = call.has("author") ? Mono.just(call.str("author"))
                : call.tenant().scope().key().map(k -> k.identifier() == null ? "jetty-mcp" : k.identifier());
        return author.flatMap(who -> {
            ObjectNode label = ctx.mapper().createObjectNode().put("key", key).put("value", value).put("author", who);
            return call.api().json(ApiRequest.json("POST", Routes.LABEL.path(c, task, id), label))
                    .onErrorMap(JettyApiException.class, e -> e.outcomeUnknown() ? new ToolError(e.getMessage()
                            + " The label may or may not have been written: get-trajectory shows the labels; add it again only if it is missing.") : e)
                    .then(call.api().json(ApiRequest.get(Routes.TRAJECTORY_GET.path(c, task, id)))
                            .map(t -> verified(t, label, id))
                            .onErrorResume(JettyApiException.class, e -> {
                                ObjectNode o = result(label, id);
                                o.putNull("verified");
                                o.put("note", "Jetty accepted the label, but reading the trajectory back failed (" + e.getMessage()
                                        + "); get-trajectory shows whether it is there.");
                                return Mono.just(o);
                            }));
        });
    }

    private ObjectNode verified(JsonNode t, ObjectNode label, String id) {
        ObjectNode o = result(label, id);
        for (JsonNode l : t.path("labels")) {
            if (label.get("key").asText().equals(l.path("key").asText()) && label.get("value").asText().equals(l.path("value").asText())
                    && label.get("author").asText().equals(l.path("author").asText(label.get("author").asText()))) {
                o.put("verified", true);
                return o;
            }
        }
        o.put("verified", false);
        o.put("warning", "Jetty accepted the label, but it is not on the trajectory when read back (status "
                + t.path("status").asText("unknown") + "): a label written while a run completes can be lost. It was not "
                + "written again; call add-label once more after the run has finished.");
        return o;
    }

    private ObjectNode result(ObjectNode label, String id) {
        ObjectNode o = ctx.mapper().createObjectNode();
        o.put("trajectory_id", id);
        o.set("label", label);
        return o;
    }

    /** Cuts with the caller's own redaction set, so no head of the caller's secrets is left at a cut. */
    private TrajectoryView view(ToolCall call) {
        return new TrajectoryView(ctx.mapper(), call.api().redactor());
    }
}
