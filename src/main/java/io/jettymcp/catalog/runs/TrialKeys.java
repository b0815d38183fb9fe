package io.jettymcp.catalog.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.Routes;
import io.jettymcp.catalog.environment.EnvTools;
import io.jettymcp.tool.ToolCall;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * use_trial_keys, one rule for run-task and run-runbook: an explicit true/false wins; otherwise "auto" sends
 * true when the collection's trial is active with runs left and no provider key is configured (jetty-api.md
 * §2.3, §2.7). A run never depends on it (§7 E9: Jetty applies trial keys itself where eligible), so anything
 * unknown (a failed or slow look-up, an answer of another shape) means the field is not sent.
 *
 * @param value the value to send ("true"/"false"), or null for none
 * @param why   what was decided and why, for the tool's answer
 */
record TrialKeys(String value, String why) {

    static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(5);

    static TrialKeys explicit(boolean v) {
        return new TrialKeys(String.valueOf(v), "sent " + v + " (explicit)");
    }

    /** The value as a JSON boolean; empty when nothing is sent. */
    Optional<Boolean> sent() {
        return value == null ? Optional.empty() : Optional.of(Boolean.parseBoolean(value));
    }

    /** The collection's trial; a failed or slow look-up gives a missing node: never an error, never a long wait. */
    static Mono<JsonNode> lookupTrial(ToolCall call, String collection, Duration timeout) {
        return lookup(call, Routes.TRIAL_GET.path(collection), timeout);
    }

    static Mono<JsonNode> lookup(ToolCall call, String path, Duration timeout) {
        return call.api().json(ApiRequest.get(path))
                .timeout(timeout)
                .onErrorResume(e -> !(e instanceof Error), e -> Mono.just(MissingNode.getInstance()));
    }

    /**
     * The auto decision. Unknowns are mentioned only where they decided the outcome (a provider key or an
     * inactive trial settles it alone).
     *
     * @param trial the trial answer; missing or of another shape is "unknown"
     * @param env   each environment variable's name and whether it is set ({@link EnvTools#names}); null if unknown
     */
    static TrialKeys decide(JsonNode trial, Map<String, Boolean> env) {
        boolean envKnown = env != null;
        JsonNode left = trial.path("runs_remaining");
        boolean trialKnown = trial.isObject() && (trial.path("active").isBoolean() || trial.path("status").isTextual())
                && (left.isMissingNode() || left.isNull() || left.isNumber());
        if (envKnown) {
            for (String k : EnvTools.PROVIDER_KEYS) {
                if (Boolean.TRUE.equals(env.get(k))) {
                    return new TrialKeys(null, "not sent (auto: the collection has " + k + ")");
                }
            }
        }
        if (trialKnown && !EnvTools.trialActive(trial)) {
            return new TrialKeys(null, envKnown ? "not sent (auto: no active trial and no provider key; model steps may fail "
                    + "without a key: activate-trial or set a provider key)" : "not sent (auto: no active trial)");
        }
        if (trialKnown && left.isNumber() && left.asInt() <= 0) {
            return new TrialKeys(null, "not sent (auto: the trial has no runs left)");
        }
        if (!trialKnown || !envKnown) {
            return new TrialKeys(null, "not sent (auto: could not read the " + (trialKnown ? "" : "trial")
                    + (!trialKnown && !envKnown ? " or the " : "") + (envKnown ? "" : "collection's provider keys")
                    + "; Jetty applies trial keys itself where the collection is eligible)");
        }
        return new TrialKeys("true", "sent true (auto: trial active, no provider key)");
    }
}
