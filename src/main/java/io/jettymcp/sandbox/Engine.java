package io.jettymcp.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Deterministic step engine on the virtual clock. A run is pending until the clock passes its
 * creation instant, then each step occupies its duration back to back; a step's outcome is
 * computed when it starts and committed when the clock reaches its end. Callers hold the Sim lock.
 */
final class Engine {

    /** Options of one launch. */
    record Launch(String author, boolean keysAvailable, boolean trialKeys, Integer routineId, String webhookUrl,
                  String webhookSecret) {
    }

    private final Sim sim;
    private final List<Consumer<Trajectory>> onFinish = new ArrayList<>();

    Engine(Sim sim) {
        this.sim = sim;
    }

    Instant now() {
        return sim.clock.now();
    }

    /** Called (under the lock) when a run reaches a terminal status through the engine. */
    void onFinish(Consumer<Trajectory> listener) {
        onFinish.add(listener);
    }

    /** A fresh 8-hex trajectory id, deterministic under the seed. */
    String newId() {
        SimState st = sim.state();
        String id;
        do {
            id = st.hex8();
        } while (st.trajectories.containsKey(id) || st.reservedIds.contains(id));
        st.reservedIds.add(id);
        return id;
    }

    Trajectory launch(CollectionRec c, TaskRec task, ObjectNode initParams, Launch opts) {
        return launchAt(c, task, initParams, opts, now(), null, newId());
    }

    /** Launch with an id taken from {@link #newId()} earlier (uploads are stored under it first). */
    Trajectory launch(CollectionRec c, TaskRec task, ObjectNode initParams, Launch opts, String id) {
        return launchAt(c, task, initParams, opts, now(), null, id);
    }

    Trajectory launchChild(CollectionRec c, TaskRec task, ObjectNode childParams, Trajectory parent, Instant at) {
        ObjectNode ip = defaults(task);
        ip.setAll(childParams);
        Launch l = new Launch(parent.author, parent.keysAvailable, parent.trialKeys, null, null, null);
        return launchAt(c, task, ip, l, at, parent.id, newId());
    }

    /** The task's init_params defaults (a copy). */
    static ObjectNode defaults(TaskRec task) {
        JsonNode ip = task.workflow.get("init_params");
        return ip != null && ip.isObject() ? ((ObjectNode) ip).deepCopy() : Json.obj();
    }

    Trajectory launchAt(CollectionRec c, TaskRec task, ObjectNode initParams, Launch opts, Instant at,
                        String parentId, String id) {
        return launchWorkflow(c, task.name, task.workflow, initParams, opts, at, parentId, id);
    }

    /** Launches an explicit workflow under a task name (chat passthrough records use their own one-step flow). */
    Trajectory launchWorkflow(CollectionRec c, String taskName, ObjectNode workflow, ObjectNode initParams, Launch opts,
                              Instant at, String parentId, String id) {
        SimState st = sim.state();
        st.reservedIds.remove(id);
        JsonNode cfg = workflow.get("step_configs");
        ObjectNode stepConfigs = cfg != null && cfg.isObject() ? ((ObjectNode) cfg).deepCopy() : Json.obj();
        List<String> names = new ArrayList<>();
        JsonNode steps = workflow.get("steps");
        if (steps != null && steps.isArray()) {
            steps.forEach(s -> names.add(s.asText()));
        }
        Trajectory t = new Trajectory(id, c.name, taskName, at, initParams, stepConfigs, names, opts.author());
        t.keysAvailable = opts.keysAvailable();
        t.trialKeys = opts.trialKeys();
        t.routineId = opts.routineId();
        t.webhookUrl = opts.webhookUrl();
        t.webhookSecret = opts.webhookSecret();
        t.parentId = parentId;
        double lag = sim.switches.rowLagSeconds();
        if (lag > 0) {
            t.visibleAt = at.plusMillis(Math.round(lag * 1000));
        }
        t.log("info", "Workflow " + t.workflowId + " queued", at, null);
        t.seq = st.nextSeq++;
        st.trajectories.put(id, t);
        if (names.isEmpty()) {
            // an empty workflow is a no-op that completes at once with zero steps
            t.status = "running";
            t.startedAt = at;
            t.cursor = at;
            finish(t, "completed", null, at);
        }
        return t;
    }

    private final List<Consumer<Instant>> tickHooks = new ArrayList<>();

    /** Runs before each tick (routine schedules fire here, so their runs advance in the same tick). */
    void onTick(Consumer<Instant> hook) {
        tickHooks.add(hook);
    }

    /** Brings every unfinished run up to the current virtual time. */
    void tick() {
        Instant now = now();
        tickHooks.forEach(h -> h.accept(now));
        for (Trajectory t : new ArrayList<>(sim.state().trajectories.values())) {
            advance(t, now);
        }
    }

    void advance(Trajectory t, Instant now) {
        while (!t.terminal() && !t.stopped) {
            if ("pending".equals(t.status)) {
                if (now.isBefore(t.created)) {
                    return;
                }
                t.status = "running";
                t.startedAt = t.created;
                t.cursor = t.created;
                t.updated = t.created;
                t.log("info", "Workflow started", t.created, null);
            }
            if (t.inFlight != null) {
                if (now.isBefore(t.inFlight.endAt())) {
                    return;
                }
                commit(t);
                continue;
            }
            if (t.nextStep >= t.stepNames.size()) {
                finish(t, "completed", null, t.cursor);
                return;
            }
            begin(t);
        }
    }

    private void begin(Trajectory t) {
        String name = t.stepNames.get(t.nextStep);
        Instant start = t.cursor;
        double step = sim.options.stepSeconds();
        JsonNode cfgNode = t.stepConfigs.get(name);
        ObjectNode config = cfgNode != null && cfgNode.isObject() ? ((ObjectNode) cfgNode).deepCopy() : null;
        String activity = config == null ? name : config.path("activity").asText(name);
        ObjectNode inputs = Json.obj();
        Activities.Outcome out;
        if (config == null) {
            out = Activities.Outcome.fail("No step registered for '" + name + "'", Math.min(step, 0.1));
        } else {
            try {
                inputs = resolveInputs(config, t);
                CollectionRec c = sim.state().collection(t.collection);
                out = Activities.run(activity, config, inputs,
                        new Activities.Ctx(t, name, c, sim.state(), start, step, this));
            } catch (Refs.BadRef e) {
                out = Activities.Outcome.fail(e.getMessage(), step);
            }
            JsonNode override = config.get("sim_seconds");
            if (override != null && override.isNumber()) {
                out = new Activities.Outcome(out.outputs(), out.error(), override.asDouble(), out.logs(), out.atCommit());
            }
        }
        Instant end = start.plus(Duration.ofMillis(Math.round(out.seconds() * 1000)));
        t.log("info", "Step '" + name + "' started (" + activity + ")", start, name);
        for (String l : out.logs()) {
            t.log("info", l, start, name);
        }
        t.inFlight = new Trajectory.InFlight(name, activity, config == null ? Json.obj() : config, inputs,
                out.outputs(), out.error(), start, end, out.atCommit());
    }

    private void commit(Trajectory t) {
        Trajectory.InFlight f = t.inFlight;
        ObjectNode outputs = f.outputs();
        String error = f.error();
        if (f.atCommit() != null && error == null) {
            Activities.Outcome late = f.atCommit().get();
            outputs = late.outputs();
            error = late.error();
        }
        ObjectNode s = Json.obj();
        s.set("inputs", f.inputs());
        s.set("outputs", outputs);
        s.put("activity", f.activity());
        s.put("key", f.name());
        ArrayNode deps = s.putArray("depends_on");
        if (t.nextStep > 0) {
            deps.add(t.stepNames.get(t.nextStep - 1));
        }
        s.put("created", Json.ts(f.startAt()));
        s.put("ended", Json.ts(f.endAt()));
        s.put("duration_seconds", Duration.between(f.startAt(), f.endAt()).toMillis() / 1000.0);
        s.put("author", t.author);
        s.put("origin", "sandbox");
        s.set("config", f.config());
        t.inFlight = null;
        t.cursor = f.endAt();
        t.updated = f.endAt();
        t.nextStep++;
        if (error != null) {
            s.put("status", "failed");
            s.put("error", error);
            t.steps.set(f.name(), s);
            t.log("error", "Step '" + f.name() + "' failed: " + error, f.endAt(), f.name());
            finish(t, "failed", error, f.endAt());
            return;
        }
        s.put("status", "completed");
        s.putNull("error");
        t.steps.set(f.name(), s);
        t.completedSteps.add(f.name());
        t.log("info", "Step '" + f.name() + "' completed in " + s.get("duration_seconds").asDouble() + "s", f.endAt(),
                f.name());
    }

    /** Moves a run to a terminal status; the label race drops labels written just before the final write. */
    void finish(Trajectory t, String status, String error, Instant at) {
        t.status = status;
        t.error = error;
        t.endedAt = at;
        t.updated = at;
        t.inFlight = null;
        t.log("failed".equals(status) ? "error" : "info", "Workflow " + status, at, null);
        long race = sim.switches.labelRaceMillis();
        if (race > 0) {
            Instant cutoff = at.minusMillis(race);
            Iterator<JsonNode> it = t.labels.iterator();
            while (it.hasNext()) {
                Instant created = Instant.parse(it.next().get("created").asText());
                if (!created.isBefore(cutoff)) {
                    it.remove();
                }
            }
        }
        onFinish.forEach(l -> l.accept(t));
    }

    /** Resolves X_path references into inputs.X (image_path is a literal storage key, not a reference). */
    private static ObjectNode resolveInputs(ObjectNode config, Trajectory t) {
        ObjectNode in = Json.obj();
        Iterator<Map.Entry<String, JsonNode>> it = config.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            JsonNode v = e.getValue();
            if (k.equals("activity") || k.equals("sim_seconds")) {
                continue;
            }
            String base = null;
            if (k.equals("image_path_expr")) {
                base = "image_path";
            } else if (k.endsWith("_path") && !k.equals("image_path") && v.isTextual()) {
                base = k.substring(0, k.length() - 5);
            }
            if (base == null) {
                if (!in.has(k)) {
                    in.set(k, v.deepCopy());
                }
                continue;
            }
            JsonNode r = Refs.resolve(v.asText(), t.initParams, t.steps);
            in.set(base, r == null ? Json.F.nullNode() : r.deepCopy());
        }
        return in;
    }
}
