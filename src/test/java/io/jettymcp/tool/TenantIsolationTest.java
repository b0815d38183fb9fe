package io.jettymcp.tool;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.RetryPolicy;
import io.jettymcp.guard.Policy;
import io.jettymcp.guard.Tenant;
import io.jettymcp.guard.ToolError;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * F3: a tenant's answers depend on that tenant only. Two tenants (demo's key and acme's key) share one guard
 * chain in-process, as per-request keys do over HTTP; what one registers or learns never changes the other's answers.
 */
class TenantIsolationTest {

    static final ObjectMapper M = new ObjectMapper();

    Policy policy = Policy.ALLOW_ALL;
    /** no key of its own: each call is made as the tenant it names, as per-request keys do */
    final InProcess server = InProcess.builder().token(null).policy((s, a, r, e) -> policy.check(s, a, r, e)).build();
    final SandboxServer sandbox = server.sandbox();
    final Tenant demo = tenant(SandboxSeeds.DEMO_TOKEN);
    final Tenant acme = tenant(SandboxSeeds.ACME_TOKEN);

    Tenant tenant(String key) {
        return server.tenant(key, RetryPolicy.NONE);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    McpSchema.CallToolResult call(Tenant as, String tool, Map<String, Object> args) {
        return server.call(as, tool, args);
    }

    static String text(McpSchema.CallToolResult r) {
        return InProcess.text(r);
    }

    String answer(Tenant as, String tool, Map<String, Object> args) throws Exception {
        McpSchema.CallToolResult r = call(as, tool, args);
        return text(r) + "\n" + (r.structuredContent() == null ? "" : M.writeValueAsString(r.structuredContent()));
    }

    @Test
    void tenantBsAnswersAreByteIdenticalWhateverTenantARegistersOrLearns() throws Exception {
        String run = demo.api().json(ApiRequest.json("POST", "/api/v1/trajectories/demo/text-echo/ingest",
                        M.createObjectNode().put("status", "completed"))).block().get("trajectory_id").asText();
        Map<String, Object> get = Map.of("collection", "demo", "task", "text-echo", "trajectory_id", run);
        Map<String, Object> list = Map.of("collection", "demo", "task", "text-echo");
        String before = answer(demo, "get-trajectory", get) + answer(demo, "list-trajectories", list);
        assertThat(before).contains("completed").contains("trajectory_id");

        // A registers words that occur in B's answers, as secret arguments and as learned environment values
        assertThat(call(acme, "set-env-vars", Map.of("collection", "acme",
                "variables", Map.of("LEAK", "trajectory_id", "LEAK2", "completed")))).extracting(McpSchema.CallToolResult::isError)
                .isEqualTo(false);
        call(acme, "list-env-vars", Map.of("collection", "acme"));
        call(acme, "run-task", Map.of("collection", "acme", "task", "triage",
                "secret_params", Map.of("a", "completed", "b", "text-echo", "c", run + "0000"),
                "webhook_url", "https://example.com/h", "webhook_secret", "demo-text-echo"));
        call(acme, "run-task", Map.of("collection", "acme", "task", "triage", "wait_seconds", -1,
                "secret_params", Map.of("a", "collection")));

        String after = answer(demo, "get-trajectory", get) + answer(demo, "list-trajectories", list);
        assertThat(after).isEqualTo(before);
    }

    @Test
    void aGuessEchoedToTenantAIsShownTheSameWhetherOrNotItIsOneOfBsValues() {
        call(demo, "run-task", Map.of("collection", "demo", "task", "text-echo",
                "secret_params", Map.of("pw", "hunter2-b-password")));
        String hit = text(call(acme, "get-task", Map.of("collection", "acme", "task", "hunter2-b-password")));
        String miss = text(call(acme, "get-task", Map.of("collection", "acme", "task", "hunter3-b-password")));
        assertThat(hit).contains("hunter2-b-password");
        assertThat(hit.replace("hunter2", "hunter3")).isEqualTo(miss);
    }

    @Test
    void secretArgumentsOfARefusedCallAreNotRegistered() {
        policy = (s, a, r, e) -> s.name().equals("run-task") ? reactor.core.publisher.Mono.error(new ToolError("denied"))
                : reactor.core.publisher.Mono.empty();
        assertThat(call(demo, "run-task", Map.of("collection", "demo", "task", "text-echo",
                "secret_params", Map.of("pw", "refused-call-value")))).extracting(McpSchema.CallToolResult::isError).isEqualTo(true);
        call(demo, "run-task", Map.of("collection", "demo", "task", "text-echo", "wait_seconds", -1,
                "webhook_secret", "invalid-call-value"));
        // the caller's own echo shows them: they were never taken for secrets
        assertThat(text(call(demo, "get-task", Map.of("collection", "demo", "task", "refused-call-value"))))
                .contains("refused-call-value");
        assertThat(text(call(demo, "get-task", Map.of("collection", "demo", "task", "invalid-call-value"))))
                .contains("invalid-call-value");
        assertThat(sandbox.requests().matching("POST", "/api/v1/run/.*")).isEmpty();
    }

    @Test
    void registrationsPastATenantsCapAreRefusedAndOlderValuesKept() {
        int perCall = 5_000;
        int calls = 240; // 1.2 M values in all
        int accepted = 0;
        for (int c = 0; c < calls; c++) {
            Map<String, Object> secrets = new LinkedHashMap<>();
            for (int i = 0; i < perCall; i++) {
                secrets.put("k" + i, String.format("v%03d-%05d-secret", c, i));
            }
            McpSchema.CallToolResult r = call(acme, "run-task", Map.of("collection", "acme", "task", "triage",
                    "secret_params", secrets));
            if (Boolean.TRUE.equals(r.isError())) {
                assertThat(text(r)).as("call " + c).contains("10000").doesNotContain("v" + String.format("%03d", c));
            } else {
                accepted++;
                assertThat(accepted * perCall).as("call %d was accepted past the cap", c).isLessThanOrEqualTo(10_000);
            }
        }
        assertThat(accepted).isEqualTo(2);
        assertThat(sandbox.requests().matching("POST", "/api/v1/run/acme/triage")).hasSize(2);
        // the first value is still hidden from acme's own echo; demo's answers never hid it
        assertThat(text(call(acme, "get-task", Map.of("collection", "acme", "task", "v000-00000-secret"))))
                .doesNotContain("v000-00000-secret");
        assertThat(text(call(demo, "get-task", Map.of("collection", "demo", "task", "v000-00000-secret"))))
                .contains("v000-00000-secret");
    }
}
