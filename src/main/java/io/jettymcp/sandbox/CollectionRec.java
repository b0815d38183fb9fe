package io.jettymcp.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** A collection and what hangs off it directly (env, trial, datasets, models). Guarded by the Sim lock. */
final class CollectionRec {

    /** Env keys whose presence means "the collection brings its own provider key". */
    static final Set<String> PROVIDER_KEYS = Set.of("OPENROUTER_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_API_KEY",
            "GEMINI_API_KEY", "GOOGLE_API_KEY", "REPLICATE_API_TOKEN", "AWS_BEARER_TOKEN_BEDROCK");

    final int id;
    String name;
    String description;
    String authOrgId = "org_sandbox";
    String ownerIdentifier;
    final Map<String, String> env = new LinkedHashMap<>();
    final Set<String> redactedKeys = new LinkedHashSet<>();
    final Trial trial = new Trial();
    final ArrayNode datasets = Json.arr();
    final ArrayNode models = Json.arr();
    final Instant createdAt;

    CollectionRec(int id, String name, String description, String ownerIdentifier, Instant createdAt) {
        this.id = id;
        this.name = name;
        this.description = description;
        this.ownerIdentifier = ownerIdentifier;
        this.createdAt = createdAt;
    }

    boolean hasProviderKey() {
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (PROVIDER_KEYS.contains(e.getKey()) && e.getValue() != null && !e.getValue().isBlank()) {
                return true;
            }
        }
        return false;
    }

    /** CollectionResponse: deliberately without environment variables. */
    ObjectNode toJson() {
        ObjectNode o = Json.obj();
        o.put("id", id);
        o.put("name", name);
        o.put("description", description);
        o.put("auth_org_id", authOrgId);
        o.put("owner_identifier", ownerIdentifier);
        return o;
    }

    ObjectNode envJson() {
        ObjectNode o = toJson();
        ObjectNode vars = o.putObject("environment_variables");
        env.forEach((k, v) -> {
            if (v == null) {
                vars.putNull(k);
            } else {
                vars.put(k, redactedKeys.contains(k) ? "********" : v);
            }
        });
        return o;
    }

    /** Trial counters; runs-only metering (time metering was dropped upstream). */
    static final class Trial {
        boolean active;
        int runsUsed;
        int runsLimit = 10;
        Instant activatedAt;

        int remaining() {
            return Math.max(0, runsLimit - runsUsed);
        }

        /**
         * A run starting on this collection takes one trial run when the trial is active and has runs
         * left, unless the request opted out (an explicit use_trial_keys=false).
         *
         * @return whether the run gets the trial's keys
         */
        boolean charge(boolean optedOut) {
            if (!active || optedOut || remaining() <= 0) {
                return false;
            }
            runsUsed++;
            return true;
        }

        /** The trial counts a run's answer carries (WorkflowResponse.trial), or null without an active trial. */
        ObjectNode runJson() {
            if (!active) {
                return null;
            }
            ObjectNode o = Json.obj();
            o.put("runs_used", runsUsed);
            o.put("runs_limit", runsLimit);
            o.put("runs_remaining", remaining());
            o.putNull("minutes_remaining");
            return o;
        }

        ObjectNode toJson() {
            ObjectNode o = Json.obj();
            o.put("active", active);
            o.put("status", active ? (remaining() > 0 ? "active" : "exhausted") : "inactive");
            o.put("runs_used", runsUsed);
            o.put("runs_limit", runsLimit);
            o.put("runs_remaining", remaining());
            o.putNull("minutes_remaining");
            return o;
        }
    }
}
