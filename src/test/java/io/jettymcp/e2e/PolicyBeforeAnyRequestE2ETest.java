package io.jettymcp.e2e;

import io.jettymcp.e2e.support.DemoServerTest;
import io.jettymcp.e2e.support.ServerProcess;
import io.jettymcp.sandbox.RecordedRequest;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No step of the chain sends anything to Jetty before the policy has decided: every listed tool, called with
 * arguments that pass validation, under a policy that needs approval for everything and a person who declines,
 * reaches Jetty only to ask whoami the key's collection (the policy's one input from Jetty). A step moved
 * before the policy — an environment read, a look-up, the handler itself — fails this test by name.
 */
class PolicyBeforeAnyRequestE2ETest extends DemoServerTest {

    private Path local;

    @Override
    protected ServerProcess.Builder configure(ServerProcess.Builder builder) {
        return builder.args("--policy", policyFile("{\"default\": \"approval_required\"}").toString())
                .elicitation(req -> new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.DECLINE, null, null));
    }

    @BeforeAll
    void localFile() throws Exception {
        local = Files.writeString(server.home().resolve("notes.txt"), "a local file");
    }

    @Test
    void everyToolIsDecidedBeforeAnyRequestButWhoami() {
        List<String> listed = server.tools().stream().map(McpSchema.Tool::name).sorted().toList();
        assertThat(listed).hasSizeGreaterThan(30);
        int checked = 0;
        for (String tool : listed) {
            Map<String, Object> args = SecretsPropertyE2ETest.fixture(tool, "00000000", local);
            if (args == null) {
                args = extra(tool);
            }
            assertThat(args).as("sample arguments for " + tool).isNotNull();
            sandbox.requests().clear();
            McpSchema.CallToolResult r = server.call(tool, args);
            String text = ServerProcess.text(r);
            List<RecordedRequest> sent = sandbox.requests().all().stream()
                    .filter(q -> !q.path().equals("/api/v1/auth/whoami")).toList();
            assertThat(sent).as(tool + " sent before the policy decided: " + text).isEmpty();
            assertThat(r.isError()).as(tool + ": " + text).isTrue();
            assertThat(text).as(tool).containsIgnoringCase("approv");
            checked++;
        }
        assertThat(checked).isEqualTo(listed.size());
    }

    /** Arguments for the tools the secrets suite reaches by other means. */
    private Map<String, Object> extra(String tool) {
        return switch (tool) {
            case "run-task" -> Map.of("task", "text-echo");
            case "create-routine" -> Map.of("task", "text-echo", "name", "nightly", "cadence", Map.of("type", "manual"));
            default -> null;
        };
    }
}
