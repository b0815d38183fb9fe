package io.jettymcp.e2e;

import io.jettymcp.e2e.support.ServerProcess;
import io.jettymcp.e2e.support.SandboxTest;
import io.jettymcp.sandbox.SandboxSeeds;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** --policy: deny hides or refuses, approval asks the person through elicitation, allow passes. */
class PolicyE2ETest extends SandboxTest {

    @TempDir
    static Path dir;
    Path policy;

    @org.junit.jupiter.api.BeforeAll
    void writePolicy() throws Exception {
        policy = dir.resolve("policy.json");
        Files.writeString(policy, """
                {"default": "allow", "rules": [
                  {"tools": ["delete-*"], "permission": "deny"},
                  {"tools": ["create-task"], "collections": ["demo"], "permission": "deny", "reason": "demo is frozen"},
                  {"tools": ["update-task"], "permission": "approval_required"},
                  {"tools": ["update-task"], "permission": "allow"}
                ]}""");
    }

    @Test
    void denyHidesOrRefusesWithoutARequest() {
        try (ServerProcess s = demoServer()
                .args("--policy", policy.toString()).start()) {
            assertThat(s.tools()).extracting(McpSchema.Tool::name).doesNotContain("delete-task").contains("create-task");
            s.ok("whoami", Map.of());
            sandbox.requests().clear();
            String err = s.error("create-task", Map.of("name", "nope", "workflow", Map.of("steps", List.of())));
            assertThat(err).contains("policy denies create-task").contains("demo is frozen");
            assertThat(sandbox.requests().matching("POST", ".*")).isEmpty();
        }
    }

    @Test
    void approvalAsksThePersonAndHonoursTheAnswer() {
        AtomicReference<String> asked = new AtomicReference<>();
        AtomicReference<Boolean> answer = new AtomicReference<>(true);
        try (ServerProcess s = demoServer()
                .args("--policy", policy.toString())
                .elicitation(req -> {
                    asked.set(req.message());
                    return new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT, Map.of("approve", answer.get()), null);
                }).start()) {
            assertThat(s.ok("update-task", Map.of("task", "judge", "description", "approved change"))
                    .path("description").asText()).isEqualTo("approved change");
            assertThat(asked.get()).contains("update-task").contains("demo").doesNotContain(SandboxSeeds.DEMO_TOKEN);
            answer.set(false);
            sandbox.requests().clear();
            assertThat(s.error("update-task", Map.of("task", "judge", "description", "refused")))
                    .contains("did not approve");
            assertThat(sandbox.requests().matching("PUT", ".*")).isEmpty();
        }
    }

    @Test
    void approvalWithoutElicitationSupportIsRefusedClearly() {
        try (ServerProcess s = demoServer()
                .args("--policy", policy.toString()).start()) {
            assertThat(s.error("update-task", Map.of("task", "judge", "description", "x")))
                    .contains("cannot ask").contains("elicitation");
        }
    }
}
