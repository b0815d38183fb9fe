package io.jettymcp.catalog.routines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.JettyApiException;
import io.jettymcp.api.Routes;
import io.jettymcp.catalog.trajectories.TrajectoryIds;
import io.jettymcp.guard.TenantSecrets;
import io.jettymcp.guard.ToolError;
import io.jettymcp.spec.ToolSpec;
import io.jettymcp.tool.ToolCall;
import io.jettymcp.tool.ToolContext;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Routines (scheduled runs, jetty-api.md §2.8). Writes are checked before any request: the cadence
 * against Jetty's rules, and {@code init_params_overrides} keys against the task's
 * {@code workflow.init_params} (one read of the task). Secret params and the webhook secret are
 * registered with the Redactor and removed from every answer, whatever Jetty echoes.
 */
public final class RoutineTools {

    private static final List<String> WRITE_FIELDS = List.of("cadence", "init_params_overrides", "secret_params", "paused",
            "webhook_url", "webhook_secret");

    private final ToolContext ctx;
    private final Cadence createCadence;
    private final Cadence updateCadence;

    /** {@code create}, {@code update}: the two tools' specs, whose cadence schemas state the cadence names. */
    public RoutineTools(ToolContext ctx, ToolSpec create, ToolSpec update) {
        this.ctx = ctx;
        this.createCadence = Cadence.of(create);
        this.updateCadence = Cadence.of(update);
    }

    /**
     * create/update rules checked before any request: the cadence, secret values, something to change. The guard
     * chain runs this before every create/update call, so the handlers below do not check again.
     */
    public void precheck(ObjectNode args, boolean update) {
        JsonNode cadence = args.get("cadence");
        if (cadence != null && !cadence.isNull()) {
            (update ? updateCadence : createCadence).check(cadence);
        }
        JsonNode s = args.get("secret_params");
        if (s != null && s.isObject()) {
            s.properties().forEach(e -> {
                if (!e.getValue().isTextual()) {
                    throw ToolError.argument("secret_params." + e.getKey(), "must be a string value");
                }
            });
        }
        if (update && WRITE_FIELDS.stream().noneMatch(f -> args.hasNonNull(f))) {
            throw new ToolError("Nothing to change: give at least one of " + WRITE_FIELDS + ".");
        }
    }

    public Mono<JsonNode> list(ToolCall call) {
        String path = call.has("task") ? Routes.ROUTINES_IN_TASK.path(call.collection(), call.str("task"))
                : Routes.ROUTINES_IN_COLLECTION.path(call.collection());
        return call.api().json(ApiRequest.get(path)).map(answer -> {
            ObjectNode o = ctx.mapper().createObjectNode();
            ArrayNode rows = o.putArray("routines");
            for (JsonNode r : rows(answer, "routines")) {
                ObjectNode row = ctx.mapper().createObjectNode();
                JsonNode clean = scrub(r, call.secrets());
                copy(clean, row, "name", "task", "task_name", "cadence", "paused", "next_run_at", "id");
                rows.add(row);
            }
            return o;
        });
    }

    public Mono<JsonNode> get(ToolCall call) {
        return call.api().json(ApiRequest.get(routine(Routes.ROUTINE_GET, call))).map(a -> scrub(a, call.secrets()));
    }

    public Mono<JsonNode> create(ToolCall call) {
        return Mono.defer(() -> {
            ObjectNode body = ctx.mapper().createObjectNode();
            body.put("name", call.str("name"));
            body.set("cadence", cadenceAsSent(call.node("cadence")));
            putWriteFields(call, body, false);
            String path = Routes.ROUTINE_CREATE.path(call.collection(), call.str("task"));
            return checkOverrides(call).then(Mono.defer(() -> call.api().json(ApiRequest.json("POST", path, body))))
                    .map(a -> scrub(a, call.secrets()));
        });
    }

    public Mono<JsonNode> update(ToolCall call) {
        return Mono.defer(() -> {
            ObjectNode body = ctx.mapper().createObjectNode();
            if (call.has("cadence")) {
                body.set("cadence", cadenceAsSent(call.node("cadence")));
            }
            putWriteFields(call, body, true);
            return checkOverrides(call)
                    .then(Mono.defer(() -> call.api().json(ApiRequest.json("PATCH", routine(Routes.ROUTINE_UPDATE, call), body))))
                    .map(a -> scrub(a, call.secrets()));
        });
    }

    public Mono<JsonNode> delete(ToolCall call) {
        return call.api().json(new ApiRequest("DELETE", routine(Routes.ROUTINE_DELETE, call), Map.of(), null, Map.of(), List.of(), true))
                .map(answer -> {
                    ObjectNode o = ctx.mapper().createObjectNode().put("deleted", call.str("name"));
                    o.put("task", call.str("task"));
                    if (answer.isObject() && answer.has("message")) {
                        o.set("message", answer.get("message"));
                    }
                    return o;
                });
    }

    public Mono<JsonNode> pause(ToolCall call) {
        return toggle(call, Routes.ROUTINE_PAUSE, true);
    }

    public Mono<JsonNode> resume(ToolCall call) {
        return toggle(call, Routes.ROUTINE_RESUME, false);
    }

    private Mono<JsonNode> toggle(ToolCall call, Routes.Route route, boolean paused) {
        return call.api().json(ApiRequest.json("POST", routine(route, call), null)).map(answer -> {
            if (answer.isObject() && !answer.isEmpty()) {
                return scrub(answer, call.secrets());
            }
            return ctx.mapper().createObjectNode().put("name", call.str("name")).put("paused", paused);
        });
    }

    public Mono<JsonNode> runNow(ToolCall call) {
        return call.api().json(ApiRequest.json("POST", routine(Routes.ROUTINE_RUN_NOW, call), null))
                .onErrorMap(JettyApiException.class, e -> e.outcomeUnknown() || e.status() / 100 == 2
                        ? ToolError.outcomeUnknown("The run-now request failed: " + e.getMessage(),
                        "The routine's run may or may not have started", "check list-routine-runs before firing it again")
                        : e)
                .map(answer -> {
            ObjectNode o = ctx.mapper().createObjectNode();
            o.put("routine", call.str("name"));
            JsonNode clean = scrub(answer, call.secrets());
            if (TrajectoryIds.describe(o, clean, call.collection(), call.str("task"))) {
                ctx.recentRuns().record(call.collection(), call.str("task"), o.path("trajectory_id").asText());
                copy(clean, o, "message", "trial");
                o.put("next", "Started. Follow it with wait-for-trajectory using trajectory_id (not the workflow id). "
                        + "Calling run-routine-now again starts another run.");
            } else {
                o.set("answer", clean);
                o.put("note", "Jetty's answer carried no workflow id; the run may have started. Check list-routine-runs "
                        + "before firing again.");
            }
            return o;
        });
    }

    public Mono<JsonNode> runs(ToolCall call) {
        ApiRequest req = ApiRequest.get(routine(Routes.ROUTINE_RUNS, call))
                .withQuery("limit", call.integer("limit") == null ? 10 : call.integer("limit"));
        return call.api().json(req).map(answer -> {
            ObjectNode o = ctx.mapper().createObjectNode();
            o.put("routine", call.str("name"));
            ArrayNode runs = o.putArray("runs");
            for (JsonNode t : rows(answer, "trajectories")) {
                ObjectNode row = ctx.mapper().createObjectNode();
                JsonNode clean = scrub(t, call.secrets());
                copy(clean, row, "trajectory_id", "status", "created");
                JsonNode ended = clean.hasNonNull("completed") ? clean.get("completed") : clean.get("updated");
                if (ended != null && !ended.isNull()) {
                    row.set("updated", ended);
                }
                if (clean.hasNonNull("error")) {
                    String e = clean.get("error").asText();
                    row.put("error", call.api().redactor().cut(e, 300));
                }
                runs.add(row);
            }
            return o;
        });
    }

    /** The cadence as sent (checked in {@link #precheck}): explicit nulls dropped. */
    private ObjectNode cadenceAsSent(JsonNode cadence) {
        ObjectNode c = ctx.mapper().createObjectNode();
        cadence.properties().forEach(e -> {
            if (!e.getValue().isNull()) {
                c.set(e.getKey(), e.getValue());
            }
        });
        return c;
    }

    private void putWriteFields(ToolCall call, ObjectNode body, boolean withPaused) {
        if (call.has("init_params_overrides")) {
            body.set("init_params_overrides", call.node("init_params_overrides"));
        }
        if (call.has("secret_params")) {
            body.set("secret_params", call.node("secret_params"));
        }
        if (call.has("paused")) {
            body.put("paused", call.bool("paused", false));
        }
        if (call.has("webhook_url")) {
            body.put("webhook_url", call.str("webhook_url"));
        }
        if (call.has("webhook_secret")) {
            body.put("webhook_secret", call.str("webhook_secret"));
        }
    }

    /** Override keys must exist in the task's workflow.init_params: one GET of the task, never a write. */
    private Mono<Void> checkOverrides(ToolCall call) {
        JsonNode overrides = call.node("init_params_overrides");
        if (overrides == null || overrides.isEmpty()) {
            return Mono.empty();
        }
        String task = call.str("task");
        return call.api().json(ApiRequest.get(Routes.TASKS_GET.path(call.collection(), task))).flatMap(t -> {
            Set<String> allowed = new TreeSet<>();
            initParams(t).fieldNames().forEachRemaining(allowed::add);
            Set<String> offending = new TreeSet<>();
            overrides.fieldNames().forEachRemaining(k -> {
                if (!allowed.contains(k)) {
                    offending.add(k);
                }
            });
            if (offending.isEmpty()) {
                return Mono.<Void>empty();
            }
            return Mono.error(new ToolError("Invalid argument 'init_params_overrides': keys " + offending
                    + " are not in task '" + task + "' workflow.init_params " + allowed + ". Jetty only accepts overrides "
                    + "of declared init params: remove those keys, or add them to the task's init_params with update-task. "
                    + "Nothing was created or changed."));
        });
    }

    private JsonNode initParams(JsonNode task) {
        JsonNode wf = task.path("workflow");
        if (wf.isTextual()) {
            try {
                wf = ctx.mapper().readTree(wf.asText());
            } catch (IOException e) {
                return ctx.mapper().createObjectNode();
            }
        }
        JsonNode ip = wf.path("init_params");
        return ip.isObject() ? ip : ctx.mapper().createObjectNode();
    }

    /** One routine's route ({collection}/{task}/{name}) filled from the call. */
    private static String routine(Routes.Route route, ToolCall call) {
        return route.path(call.collection(), call.str("task"), call.str("name"));
    }

    private static JsonNode rows(JsonNode answer, String field) {
        if (answer.isArray()) {
            return answer;
        }
        JsonNode r = answer.path(field);
        return r.isArray() ? r : answer.path("items");
    }

    private static void copy(JsonNode from, ObjectNode to, String... fields) {
        for (String f : fields) {
            if (from.has(f)) {
                to.set(f, from.get(f));
            }
        }
    }

    /**
     * A copy without secrets: {@code secret_params} becomes {@code secret_param_names}, {@code webhook_secret}
     * becomes {@code has_webhook_secret}; every secret value seen is registered with the Redactor.
     */
    JsonNode scrub(JsonNode n, TenantSecrets secrets) {
        List<String> seen = new ArrayList<>();
        JsonNode out = scrub(n, seen);
        secrets.registerAll(seen);
        return out;
    }

    private JsonNode scrub(JsonNode n, List<String> seen) {
        if (n.isArray()) {
            ArrayNode a = ctx.mapper().createArrayNode();
            n.forEach(c -> a.add(scrub(c, seen)));
            return a;
        }
        if (!n.isObject()) {
            return n;
        }
        ObjectNode o = ctx.mapper().createObjectNode();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            String k = e.getKey();
            JsonNode v = e.getValue();
            if (k.equals("secret_params")) {
                collect(v, seen);
                if (v.isObject()) {
                    ArrayNode names = o.putArray("secret_param_names");
                    v.fieldNames().forEachRemaining(names::add);
                }
            } else if (k.equals("webhook_secret")) {
                collect(v, seen);
                o.put("has_webhook_secret", v != null && !v.isNull() && !v.asText().isEmpty());
            } else {
                o.set(k, scrub(v, seen));
            }
        }
        return o;
    }

    private static void collect(JsonNode v, List<String> seen) {
        if (v == null) {
            return;
        }
        if (v.isTextual()) {
            seen.add(v.asText());
        } else if (v.isContainerNode()) {
            v.forEach(c -> collect(c, seen));
        }
    }
}
