package io.jettymcp.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;

/** A saved schedule that fires a task. Secrets are kept for runs but never rendered. Guarded by the Sim lock. */
final class RoutineRec {

    final int id;
    final int collectionId;
    final int taskId;
    final String name;
    Cadence cadence;
    ObjectNode overrides = Json.obj();
    Map<String, String> secretParams = Map.of();
    boolean paused;
    String webhookUrl;
    String webhookSecret;
    final Instant createdAt;
    Instant updatedAt;
    Instant nextRunAt;
    Instant lastRunAt;
    String lastWorkflowId;

    RoutineRec(int id, int collectionId, int taskId, String name, Instant createdAt) {
        this.id = id;
        this.collectionId = collectionId;
        this.taskId = taskId;
        this.name = name;
        this.createdAt = createdAt;
        this.updatedAt = createdAt;
    }

    /** Recomputes next_run_at from {@code from}: none while paused or for manual cadences. */
    void reschedule(Instant from) {
        nextRunAt = paused ? null : cadence.next(from);
    }

    ObjectNode toJson(String collection, String task) {
        ObjectNode o = Json.obj();
        o.put("id", id);
        o.put("name", name);
        o.put("collection", collection);
        o.put("task", task);
        o.set("cadence", cadence.toJson());
        o.set("init_params_overrides", overrides.deepCopy());
        o.put("paused", paused);
        o.put("webhook_url", webhookUrl);
        o.put("has_webhook_secret", webhookSecret != null);
        o.put("has_secret_params", !secretParams.isEmpty());
        o.put("next_run_at", Json.ts(nextRunAt));
        o.put("last_run_at", Json.ts(lastRunAt));
        o.put("last_workflow_id", lastWorkflowId);
        o.put("created_at", Json.ts(createdAt));
        o.put("updated_at", Json.ts(updatedAt));
        return o;
    }
}
