package io.jettymcp.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** One run of a task, advanced by the {@link Engine}. Guarded by the Sim lock. */
final class Trajectory {

    static final Set<String> TERMINAL = Set.of("completed", "failed", "cancelled", "archived", "timed_out");

    /** A step that has started and will be committed at {@code endAt}. */
    record InFlight(String name, String activity, ObjectNode config, ObjectNode inputs, ObjectNode outputs,
                    String error, Instant startAt, Instant endAt,
                    java.util.function.Supplier<Activities.Outcome> atCommit) {
    }

    /** A workflow-log event. */
    record Event(String level, String message, Instant at, String step) {
    }

    final String id;
    final String collection;
    final String task;
    final String workflowId;
    final Instant created;
    final ObjectNode initParams;
    final ObjectNode stepConfigs;
    final List<String> stepNames;
    final String author;
    final ObjectNode steps = Json.obj();
    final List<String> completedSteps = new ArrayList<>();
    final ArrayNode labels = Json.arr();
    final List<Event> events = new ArrayList<>();
    String status = "pending";
    String error;
    Instant updated;
    Instant startedAt;
    Instant endedAt;
    Instant cursor;
    int nextStep;
    InFlight inFlight;
    /** True once a status was set by hand: the engine leaves the run alone from then on. */
    boolean stopped;
    /** Whether provider credentials reach the run (env key, trial keys, secret_params or a subscription). */
    boolean keysAvailable;
    boolean trialKeys;
    Integer routineId;
    String webhookUrl;
    String webhookSecret;
    String parentId;
    String source = "run";
    /** Creation order, to break ties between runs created at the same instant. */
    long seq;
    /** Before this virtual instant the run's row is not written yet (row lag, §7 E4); null: visible at once. */
    Instant visibleAt;

    Trajectory(String id, String collection, String task, Instant created, ObjectNode initParams, ObjectNode stepConfigs,
               List<String> stepNames, String author) {
        this.id = id;
        this.collection = collection;
        this.task = task;
        this.workflowId = (collection + "/" + task).replace('/', '-') + "--" + id;
        this.created = created;
        this.updated = created;
        this.initParams = initParams;
        this.stepConfigs = stepConfigs;
        this.stepNames = List.copyOf(stepNames);
        this.author = author;
    }

    boolean terminal() {
        return TERMINAL.contains(status);
    }

    String storagePath() {
        return collection + "/" + task + "/0000";
    }

    void log(String level, String message, Instant at, String step) {
        events.add(new Event(level, message, at, step));
    }

    /** Whether Jetty's index and storage would show this run at {@code now}. */
    boolean visible(Instant now) {
        return visibleAt == null || !now.isBefore(visibleAt);
    }

    /** The DB index's answer when it keeps outputs in storage only (§7 E5): no step outputs, files or usage. */
    ObjectNode toIndexJson() {
        ObjectNode o = toJson();
        for (String f : STORAGE_ONLY) {
            o.remove(f);
        }
        for (com.fasterxml.jackson.databind.JsonNode s : o.path("steps")) {
            if (s instanceof ObjectNode step) {
                step.remove("outputs");
                for (String f : STORAGE_ONLY) {
                    step.remove(f);
                }
            }
        }
        return o;
    }

    /** Fields only the storage detail route carries when the index strips them. */
    static final List<String> STORAGE_ONLY = List.of("results_files", "primary_files", "usage");

    Double durationSeconds() {
        if (endedAt == null) {
            return null;
        }
        return Duration.between(created, endedAt).toMillis() / 1000.0;
    }

    ObjectNode toJson() {
        ObjectNode o = Json.obj();
        o.put("name", collection + "/" + task);
        o.put("trajectory_id", id);
        o.put("workflow_id", workflowId);
        o.put("storage_path", storagePath());
        o.put("status", status);
        ObjectNode attrs = o.putObject("attributes");
        attrs.put("asset_type", "trajectory");
        attrs.putNull("asset_filename");
        attrs.put("created", Json.ts(created));
        attrs.set("params", initParams.deepCopy());
        o.put("created", Json.ts(created));
        o.put("updated", Json.ts(updated));
        o.put("ended", Json.ts(endedAt));
        Double d = durationSeconds();
        if (d == null) {
            o.putNull("duration_seconds");
        } else {
            o.put("duration_seconds", d);
        }
        o.put("author", author);
        o.put("metadata_uri", storagePath() + "/" + id + "/metadata.json");
        o.set("steps", steps.deepCopy());
        o.set("labels", labels.deepCopy());
        ArrayNode total = o.putArray("total_steps");
        stepNames.forEach(total::add);
        ArrayNode done = o.putArray("completed_steps");
        completedSteps.forEach(done::add);
        o.set("init_params", initParams.deepCopy());
        o.set("step_configs", stepConfigs.deepCopy());
        o.put("org_id", "org_sandbox");
        o.put("error", error);
        if (routineId == null) {
            o.putNull("triggered_by_routine_id");
        } else {
            o.put("triggered_by_routine_id", routineId);
        }
        o.put("webhook_url", webhookUrl);
        if (parentId != null) {
            o.put("parent_trajectory_id", parentId);
        }
        return o;
    }
}
