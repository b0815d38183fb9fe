package io.jettymcp.tool;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.guard.PolicyRules;
import io.jettymcp.redact.Redactor;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * --policy: deny hides or refuses, approval asks the person through elicitation (the SDK's client, against the
 * whole server on loopback), allow passes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyTest {

    @TempDir
    static Path dir;
    Path policy;
    SandboxServer sandbox;

    @BeforeAll
    void start() throws Exception {
        sandbox = SandboxServer.start(SandboxOptions.defaults());
        policy = Files.writeString(dir.resolve("policy.json"), """
                {"default": "allow", "rules": [
                  {"tools": ["delete-*"], "permission": "deny"},
                  {"tools": ["create-task"], "collections": ["demo"], "permission": "deny", "reason": "demo is frozen"},
                  {"tools": ["update-task"], "permission": "approval_required"},
                  {"tools": ["update-task"], "permission": "allow"}
                ]}""");
    }

    @AfterAll
    void stop() {
        sandbox.close();
    }

    @Test
    void denyHidesOrRefusesWithoutARequest() {
        Redactor redactor = new Redactor();
        InProcess s = InProcess.builder().sandbox(sandbox).redactor(redactor)
                .policy(PolicyRules.load(policy, new ObjectMapper())).build();
        assertThat(s.tools()).doesNotContainKey("delete-task").containsKey("create-task");
        s.ok("whoami", Map.of());
        sandbox.requests().clear();
        String err = s.error("create-task", Map.of("name", "nope", "workflow", Map.of("steps", List.of())));
        assertThat(err).contains("policy denies create-task").contains("demo is frozen");
        assertThat(sandbox.requests().matching("POST", ".*")).isEmpty();
    }

    @Test
    void approvalAsksThePersonAndHonoursTheAnswer() throws Exception {
        AtomicReference<String> asked = new AtomicReference<>();
        AtomicReference<Boolean> answer = new AtomicReference<>(true);
        try (LoopbackServer server = LoopbackServer.start(sandbox, policy)) {
            McpSyncClient client = server.client(req -> {
                asked.set(req.message());
                return new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT, Map.of("approve", answer.get()), null);
            });
            McpSchema.CallToolResult ok = client.callTool(new McpSchema.CallToolRequest("update-task",
                    Map.of("task", "judge", "description", "approved change")));
            assertThat(ok.isError()).as(InProcess.text(ok)).isFalse();
            assertThat(InProcess.M.readTree(InProcess.text(ok)).path("description").asText()).isEqualTo("approved change");
            assertThat(asked.get()).contains("update-task").contains("demo").doesNotContain(SandboxSeeds.DEMO_TOKEN);
            answer.set(false);
            sandbox.requests().clear();
            McpSchema.CallToolResult no = client.callTool(new McpSchema.CallToolRequest("update-task",
                    Map.of("task", "judge", "description", "refused")));
            assertThat(no.isError()).isTrue();
            assertThat(InProcess.text(no)).contains("did not approve");
            assertThat(sandbox.requests().matching("PUT", ".*")).isEmpty();
            client.closeGracefully();
        }
    }

    @Test
    void approvalWithoutElicitationSupportIsRefusedClearly() {
        try (LoopbackServer server = LoopbackServer.start(sandbox, policy)) {
            McpSyncClient client = server.client(null);
            sandbox.requests().clear();
            McpSchema.CallToolResult r = client.callTool(new McpSchema.CallToolRequest("update-task",
                    Map.of("task", "judge", "description", "x")));
            assertThat(r.isError()).isTrue();
            assertThat(InProcess.text(r)).contains("cannot ask").contains("elicitation");
            assertThat(sandbox.requests().matching("PUT", ".*")).isEmpty();
            client.closeGracefully();
        }
    }
}
