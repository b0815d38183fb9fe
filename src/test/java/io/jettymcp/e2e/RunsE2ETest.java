package io.jettymcp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.e2e.support.DemoServerTest;
import io.jettymcp.e2e.support.ServerProcess;
import io.jettymcp.sandbox.SandboxOptions;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The run lifecycle in a server process: what only a process shows. A run's secrets never reach stderr, a wait's
 * progress notifications reach the client over stdio, and a run is readable as an MCP resource. Each tool's own
 * behaviour is checked in-process by {@code io.jettymcp.catalog.runs.RunsToolsetTest} and
 * {@code io.jettymcp.catalog.trajectories.TrajectoriesToolsetTest}.
 */
class RunsE2ETest extends DemoServerTest {

    static final ObjectMapper M = new ObjectMapper();
    static final String SECRET = "per-run-secret-7d1e55c0a9";
    static final String WEBHOOK_SECRET = "whsec-e2e-4b8f0c2a71d3";

    final List<McpSchema.ProgressNotification> progress = Collections.synchronizedList(new ArrayList<>());

    @Override
    protected SandboxOptions sandboxOptions() {
        return new SandboxOptions(0, 42L, 0.5);
    }

    @Override
    protected ServerProcess.Builder configure(ServerProcess.Builder builder) {
        return builder.progress(progress::add);
    }

    @BeforeEach
    void clean() {
        sandbox.requests().clear();
    }

    private String run(String task, Map<String, Object> args) {
        Map<String, Object> a = new LinkedHashMap<>(args);
        a.put("task", task);
        return server.ok("run-task", a).path("trajectory_id").asText();
    }

    @Test
    void aRunsSecretsReachTheRunButNeverTheAnswerOrStderr() {
        JsonNode out = server.ok("run-task", Map.of("task", "text-echo", "init_params", Map.of("text", "hello e2e"),
                "secret_params", Map.of("MY_TOKEN", SECRET), "webhook_url", "https://example.org/hook",
                "webhook_secret", WEBHOOK_SECRET));
        Map<String, String> fields = sandbox.requests().matching("POST", "/api/v1/run/demo/text-echo").get(0).multipartFields();
        assertThat(fields.get("secret_params")).isEqualTo("{\"MY_TOKEN\":\"" + SECRET + "\"}");
        assertThat(fields.get("webhook_secret")).isEqualTo(WEBHOOK_SECRET);
        assertThat(out.toString()).doesNotContain(SECRET).doesNotContain(WEBHOOK_SECRET);
        assertThat(String.join("\n", server.stderr())).doesNotContain(SECRET).doesNotContain(WEBHOOK_SECRET);
    }

    @Test
    void waitSendsProgressNotificationsToTheClient() throws InterruptedException {
        server.ok("create-task", Map.of("name", "e2e-three-steps", "workflow", Map.of(
                "init_params", Map.of("text", "x"),
                "step_configs", Map.of(
                        "first", Map.of("activity", "text_echo", "text_path", "init_params.text"),
                        "second", Map.of("activity", "text_echo", "text_path", "first.outputs.text"),
                        "third", Map.of("activity", "text_echo", "text_path", "second.outputs.text")),
                "steps", List.of("first", "second", "third"))));
        String id = run("e2e-three-steps", Map.of());
        progress.clear();
        McpSchema.CallToolResult r = server.callWithProgress("wait-for-trajectory",
                Map.of("task", "e2e-three-steps", "trajectory_id", id, "timeout_seconds", 30), "wait-1");
        JsonNode out = ServerProcess.json(r);
        assertThat(out.path("done").asBoolean()).isTrue();
        assertThat(out.path("status").asText()).isEqualTo("completed");
        assertThat(out.path("steps_done").asText()).isEqualTo("3/3");

        // the client hands notifications to its consumer on another thread: the last may land just after the result
        long until = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < until && progress.stream().noneMatch(p -> p.progress() == 3.0)) {
            Thread.sleep(20);
        }
        List<McpSchema.ProgressNotification> got = List.copyOf(progress);
        assertThat(got).hasSizeGreaterThanOrEqualTo(2);
        assertThat(got).allSatisfy(p -> assertThat(p.progressToken()).isEqualTo("wait-1"));
        for (int i = 1; i < got.size(); i++) {
            assertThat(got.get(i).progress()).as("progress grows").isGreaterThan(got.get(i - 1).progress());
        }
        McpSchema.ProgressNotification last = got.get(got.size() - 1);
        assertThat(last.progress()).isEqualTo(3.0);
        assertThat(last.total()).isEqualTo(3.0);
        assertThat(last.message()).startsWith("completed");
        assertThat(got).anySatisfy(p -> assertThat(p.message()).containsPattern("running: step '(first|second|third)' \\(\\d of 3 steps done\\)"));
    }

    @Test
    void aRunIsReadableAsAResourceAndTheDebugPromptIsOffered() throws Exception {
        String id = run("text-echo", Map.of("init_params", Map.of("text", "as a resource"), "wait_seconds", 20));
        McpSchema.ReadResourceResult r = server.client().readResource(
                new McpSchema.ReadResourceRequest("jetty://trajectories/demo/text-echo/" + id));
        JsonNode t = M.readTree(((McpSchema.TextResourceContents) r.contents().get(0)).text());
        assertThat(t.path("status").asText()).isEqualTo("completed");
        assertThat(t.path("steps").path("echo").path("outputs").path("text").asText()).isEqualTo("as a resource");
        assertThat(server.client().listPrompts().prompts()).extracting(McpSchema.Prompt::name).contains("debug-failed-run");
    }
}
