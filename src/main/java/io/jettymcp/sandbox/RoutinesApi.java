package io.jettymcp.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Routines (jetty-api.md §2.8): CRUD, pause/resume, run-now, runs, and schedules that fire on the
 * virtual clock. Another collection's routines answer 404, never 403.
 */
final class RoutinesApi {

    /** A routine name; create-routine's spec states the same pattern (SandboxSpecFactsTest). */
    static final Pattern SLUG = Pattern.compile("^[a-z0-9]+([-_][a-z0-9]+)*$");
    /** Bound on catch-up firings per tick when the clock jumps far ahead. */
    private static final int MAX_CATCH_UP = 100;

    private final Sim sim;

    RoutinesApi(Sim sim) {
        this.sim = sim;
        sim.engine.onTick(this::fireDue);
    }

    void register(Router r) {
        String base = "/api/v1/routines/{c}/{t}/{name}";
        r.add("GET", "/api/v1/routines/{c}", this::listCollection);
        r.add("GET", "/api/v1/routines/{c}/{t}", this::listTask);
        r.add("POST", "/api/v1/routines/{c}/{t}", this::create);
        r.add("GET", base, ex -> Reply.json(render(routine(ex))));
        r.add("PATCH", base, this::update);
        r.add("DELETE", base, this::delete);
        r.add("POST", base + "/pause", ex -> setPaused(ex, true));
        r.add("POST", base + "/resume", ex -> setPaused(ex, false));
        r.add("POST", base + "/run-now", this::runNow);
        r.add("GET", base + "/runs", this::runs);
    }

    private CollectionRec collection(Principal p, String c) {
        CollectionRec col = sim.state().collection(c);
        if (col == null || !Auth.canSee(p, col)) {
            throw ApiError.detail(404, "Collection '" + c + "' not found");
        }
        return col;
    }

    private TaskRec task(CollectionRec col, String t) {
        TaskRec task = sim.state().task(col, t);
        if (task == null) {
            throw ApiError.detail(404, "Task '" + t + "' not found in collection '" + col.name + "'");
        }
        return task;
    }

    private RoutineRec routine(Exchange ex) {
        Principal p = sim.auth.require(ex);
        CollectionRec col = collection(p, ex.param("c"));
        TaskRec task = task(col, ex.param("t"));
        String name = ex.param("name");
        for (RoutineRec r : sim.state().routines) {
            if (r.taskId == task.id && r.name.equals(name)) {
                return r;
            }
        }
        throw ApiError.detail(404, "Routine '" + name + "' not found for task '" + col.name + "/" + task.name + "'");
    }

    private ObjectNode render(RoutineRec r) {
        CollectionRec c = sim.state().collectionById(r.collectionId);
        TaskRec t = sim.state().tasks.stream().filter(x -> x.id == r.taskId).findFirst().orElse(null);
        return r.toJson(c == null ? null : c.name, t == null ? null : t.name);
    }

    private Reply listCollection(Exchange ex) {
        Principal p = sim.auth.require(ex);
        CollectionRec col = collection(p, ex.param("c"));
        return list(r -> r.collectionId == col.id);
    }

    private Reply listTask(Exchange ex) {
        Principal p = sim.auth.require(ex);
        TaskRec task = task(collection(p, ex.param("c")), ex.param("t"));
        return list(r -> r.taskId == task.id);
    }

    private Reply list(java.util.function.Predicate<RoutineRec> filter) {
        ObjectNode o = Json.obj();
        ArrayNode a = o.putArray("routines");
        sim.state().routines.stream().filter(filter).forEach(r -> a.add(render(r)));
        o.put("count", a.size());
        return Reply.json(o);
    }

    private Reply create(Exchange ex) {
        Principal p = sim.auth.require(ex);
        CollectionRec col = collection(p, ex.param("c"));
        TaskRec task = task(col, ex.param("t"));
        Auth.write(p);
        JsonNode b = ex.jsonBody();
        JsonNode name = b.get("name");
        if (name == null || name.isNull()) {
            throw ApiError.missing("body", "name");
        }
        if (!name.isTextual() || name.asText().length() > 64 || !SLUG.matcher(name.asText()).matches()) {
            throw ApiError.validation(List.of("body", "name"),
                    "name must be a slug: lowercase letters and digits separated by '-' or '_' (max 64)", "value_error");
        }
        for (RoutineRec r : sim.state().routines) {
            if (r.taskId == task.id && r.name.equals(name.asText())) {
                throw ApiError.detail(409, "Routine '" + name.asText() + "' already exists for task '" + col.name + "/"
                        + task.name + "'");
            }
        }
        Cadence cadence = Cadence.parse(b.get("cadence"));
        Instant now = sim.clock.now();
        RoutineRec r = new RoutineRec(sim.state().nextRoutineId++, col.id, task.id, name.asText(), now);
        r.cadence = cadence;
        applyOptional(r, b, task);
        r.reschedule(now);
        sim.state().routines.add(r);
        return Reply.json(201, render(r));
    }

    private Reply update(Exchange ex) {
        RoutineRec r = routine(ex);
        Principal p = sim.auth.require(ex);
        Auth.write(p);
        JsonNode b = ex.jsonBody();
        if (b.hasNonNull("name") && !b.get("name").asText().equals(r.name)) {
            throw ApiError.detail(400, "A routine's name cannot be changed; create a new routine instead");
        }
        TaskRec task = sim.state().tasks.stream().filter(x -> x.id == r.taskId).findFirst().orElseThrow();
        Cadence cadence = b.has("cadence") ? Cadence.parse(b.get("cadence")) : r.cadence;
        applyOptional(r, b, task);
        r.cadence = cadence;
        Instant now = sim.clock.now();
        r.updatedAt = now;
        r.reschedule(now);
        return Reply.json(render(r));
    }

    /** Validates and applies the optional create/update fields (all-or-nothing). */
    private static void applyOptional(RoutineRec r, JsonNode b, TaskRec task) {
        ObjectNode overrides = null;
        JsonNode o = b.get("init_params_overrides");
        if (o != null && !o.isNull()) {
            if (!o.isObject()) {
                throw ApiError.validation(List.of("body", "init_params_overrides"), "Input should be a valid dictionary",
                        "dict_type");
            }
            JsonNode defaults = task.workflow.get("init_params");
            List<String> bad = new ArrayList<>();
            for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (defaults == null || !defaults.has(k)) {
                    bad.add(k);
                }
            }
            if (!bad.isEmpty()) {
                List<String> allowed = new ArrayList<>();
                if (defaults != null) {
                    defaults.fieldNames().forEachRemaining(allowed::add);
                }
                throw ApiError.detail(400, "init_params_overrides keys must be a subset of task.workflow.init_params; "
                        + "unknown keys: " + String.join(", ", bad) + " (allowed: "
                        + (allowed.isEmpty() ? "none" : String.join(", ", allowed)) + ")");
            }
            overrides = ((ObjectNode) o).deepCopy();
        }
        Map<String, String> secrets = null;
        JsonNode s = b.get("secret_params");
        if (s != null && !s.isNull()) {
            if (!s.isObject()) {
                throw ApiError.validation(List.of("body", "secret_params"), "Input should be a valid dictionary", "dict_type");
            }
            secrets = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = s.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    throw ApiError.validation(List.of("body", "secret_params", e.getKey()), "Input should be a valid string",
                            "string_type");
                }
                secrets.put(e.getKey(), e.getValue().asText());
            }
        }
        JsonNode paused = b.get("paused");
        if (paused != null && !paused.isNull() && !paused.isBoolean()) {
            throw ApiError.validation(List.of("body", "paused"), "Input should be a valid boolean", "bool_type");
        }
        JsonNode url = b.get("webhook_url");
        if (url != null && !url.isNull() && (!url.isTextual() || !url.asText().matches("https?://\\S+"))) {
            throw ApiError.validation(List.of("body", "webhook_url"), "Input should be a valid URL", "url_parsing");
        }
        JsonNode secret = b.get("webhook_secret");
        if (secret != null && !secret.isNull() && !secret.isTextual()) {
            throw ApiError.validation(List.of("body", "webhook_secret"), "Input should be a valid string", "string_type");
        }
        if (overrides != null) {
            r.overrides = overrides;
        }
        if (secrets != null) {
            r.secretParams = Map.copyOf(secrets);
        }
        if (paused != null && paused.isBoolean()) {
            r.paused = paused.asBoolean();
        }
        if (url != null) {
            r.webhookUrl = url.isNull() ? null : url.asText();
        }
        if (secret != null) {
            r.webhookSecret = secret.isNull() ? null : secret.asText();
        }
    }

    private Reply delete(Exchange ex) {
        RoutineRec r = routine(ex);
        Auth.write(sim.auth.require(ex));
        sim.state().routines.remove(r);
        ObjectNode o = Json.obj();
        o.put("deleted", true);
        o.put("name", r.name);
        o.put("id", r.id);
        return Reply.json(o);
    }

    private Reply setPaused(Exchange ex, boolean paused) {
        RoutineRec r = routine(ex);
        Auth.write(sim.auth.require(ex));
        r.paused = paused;
        Instant now = sim.clock.now();
        r.updatedAt = now;
        r.reschedule(now);
        return Reply.json(render(r));
    }

    private Reply runNow(Exchange ex) {
        RoutineRec r = routine(ex);
        Auth.write(sim.auth.require(ex));
        Fired f = fire(r, sim.clock.now());
        ObjectNode o = RunsApi.workflowResponse("started", f.t, f.trial);
        o.put("routine_id", r.id);
        o.put("routine", r.name);
        return Reply.json(o);
    }

    private Reply runs(Exchange ex) {
        RoutineRec r = routine(ex);
        int limit = ex.intQuery("limit", 10, 1, 100);
        List<Trajectory> mine = new ArrayList<>();
        for (Trajectory t : sim.state().trajectories.values()) {
            if (t.routineId != null && t.routineId == r.id) {
                mine.add(t);
            }
        }
        mine.sort((a, b) -> {
            int c = b.created.compareTo(a.created);
            return c != 0 ? c : Long.compare(b.seq, a.seq);
        });
        ObjectNode o = Json.obj();
        ArrayNode a = o.putArray("trajectories");
        mine.stream().limit(limit).forEach(t -> a.add(t.toJson()));
        o.put("total", mine.size());
        return Reply.json(o);
    }

    private record Fired(Trajectory t, ObjectNode trial) {
    }

    /** Starts one run of the routine at virtual instant {@code at}: task defaults + overrides. */
    private Fired fire(RoutineRec r, Instant at) {
        CollectionRec c = sim.state().collectionById(r.collectionId);
        TaskRec task = sim.state().tasks.stream().filter(x -> x.id == r.taskId).findFirst().orElse(null);
        if (c == null || task == null) {
            throw ApiError.detail(404, "Task for routine '" + r.name + "' no longer exists");
        }
        ObjectNode ip = Engine.defaults(task);
        ip.setAll(r.overrides.deepCopy());
        boolean trialKeys = c.trial.charge(false);
        ObjectNode trial = c.trial.runJson();
        boolean keys = c.hasProviderKey() || trialKeys || r.secretParams.keySet().stream()
                .anyMatch(CollectionRec.PROVIDER_KEYS::contains);
        Engine.Launch l = new Engine.Launch("routine:" + r.name, keys, trialKeys, r.id, r.webhookUrl, r.webhookSecret);
        Trajectory t = sim.engine.launchAt(c, task, ip, l, at, null, sim.engine.newId());
        r.lastRunAt = at;
        r.lastWorkflowId = t.workflowId;
        return new Fired(t, trial);
    }

    /** Fires every scheduled slot the virtual clock has passed (bounded catch-up), then reschedules. */
    private void fireDue(Instant now) {
        for (RoutineRec r : new ArrayList<>(sim.state().routines)) {
            int fired = 0;
            while (!r.paused && r.nextRunAt != null && !r.nextRunAt.isAfter(now) && fired < MAX_CATCH_UP) {
                Instant slot = r.nextRunAt;
                try {
                    fire(r, slot);
                } catch (ApiError e) {
                    r.nextRunAt = null;
                    break;
                }
                fired++;
                r.nextRunAt = r.cadence.next(slot);
            }
            if (fired == MAX_CATCH_UP && r.nextRunAt != null && !r.nextRunAt.isAfter(now)) {
                r.nextRunAt = r.cadence.next(now);
            }
        }
    }
}
