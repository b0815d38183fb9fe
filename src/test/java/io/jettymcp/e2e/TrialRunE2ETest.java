package io.jettymcp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.e2e.support.DemoServerTest;
import io.jettymcp.e2e.support.ServerProcess;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * run-task on a collection that is on trial and has no provider key (acme): use_trial_keys "auto",
 * explicit values, a failed look-up, and the warning when few trial runs remain.
 */
class TrialRunE2ETest extends DemoServerTest {


    @Override
    protected SandboxOptions sandboxOptions() {
        return new SandboxOptions(0, 11L, 0.2);
    }

    @Override
    protected String token() {
        return SandboxSeeds.ACME_TOKEN;
    }

    @BeforeEach
    void clean() {
        sandbox.requests().clear();
        sandbox.faults().clear();
    }

    private Map<String, String> lastRunFields() {
        var posts = sandbox.requests().matching("POST", "/api/v1/run/acme/triage");
        assertThat(posts).hasSize(1);
        return posts.get(0).multipartFields();
    }

    @Test
    void autoSendsTrialKeysWhenTheTrialIsActiveAndNoProviderKeyExists() {
        JsonNode out = server.ok("run-task", Map.of("task", "triage", "wait_seconds", 20));
        assertThat(lastRunFields()).containsEntry("use_trial_keys", "true");
        assertThat(out.path("trial_keys").asText()).startsWith("sent true (auto");
        assertThat(out.path("trial").path("runs_limit").asInt()).isEqualTo(10);
        assertThat(out.path("trajectory").path("status").asText()).isEqualTo("completed");
        assertThat(sandbox.requests().matching("GET", "/api/v1/trial/acme")).hasSize(1);
        // one for the trial decision, one the guard chain's check of what the answer shows (F5)
        assertThat(sandbox.requests().matching("GET", "/api/v1/collections/acme/environment")).hasSize(2);
        assertThat(out.toString()).doesNotContain("sk-");

        sandbox.requests().clear();
        server.ok("run-task", Map.of("task", "triage", "use_trial_keys", false));
        assertThat(lastRunFields()).containsEntry("use_trial_keys", "false");

        sandbox.requests().clear();
        sandbox.faults().add(FaultRule.status("GET", "/api/v1/trial/acme", 404).withTimes(1));
        JsonNode blind = server.ok("run-task", Map.of("task", "triage"));
        assertThat(lastRunFields()).doesNotContainKey("use_trial_keys");
        assertThat(blind.path("trial_keys").asText()).contains("could not read the trial");
    }

    @Test
    void warnsWhenTwoOrFewerTrialRunsRemain() {
        for (int i = 0; i < 10; i++) {
            JsonNode out = server.ok("run-task", Map.of("task", "triage", "use_trial_keys", true));
            int left = out.path("trial").path("runs_remaining").asInt();
            if (left > 2) {
                assertThat(out.has("warning")).as("no warning with " + left + " left").isFalse();
                continue;
            }
            assertThat(out.path("warning").asText()).startsWith("Only " + left + " free trial run").contains("provider key");
            return;
        }
        throw new AssertionError("the trial never got down to 2 runs");
    }
}
