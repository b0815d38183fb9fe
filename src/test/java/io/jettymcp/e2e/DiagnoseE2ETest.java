package io.jettymcp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.e2e.support.DemoServerTest;
import io.jettymcp.sandbox.SandboxSeeds;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** diagnose-trajectory finds the failed step, the gotcha it matches, and what to do. */
class DiagnoseE2ETest extends DemoServerTest {

    /** Starts a run straight through the sandbox's multipart run endpoint; returns the workflow id. */
    private String startRun(String task) throws Exception {
        String boundary = "b0undary";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"init_params\"\r\n\r\n{}\r\n--" + boundary + "--\r\n";
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(sandbox.baseUrl() + "/api/v1/run/demo/" + task))
                .header("Authorization", "Bearer " + SandboxSeeds.DEMO_TOKEN).header("User-Agent", "test")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new ObjectMapper().readTree(r.body()).path("workflow_id").asText();
    }

    @Test
    void aWrongParameterNameIsFoundAndExplained() throws Exception {
        server.ok("create-task", Map.of("name", "bad-chat", "workflow", Map.of(
                "init_params", Map.of("q", "hi"), "steps", List.of("chat"),
                "step_configs", Map.of("chat", Map.of("activity", "litellm_chat", "model", "anthropic/claude-sonnet-4.6",
                        "user_prompt_path", "init_params.q")))));
        String workflowId = startRun("bad-chat");
        sandbox.clock().advance(Duration.ofSeconds(30));

        JsonNode d = server.ok("diagnose-trajectory", Map.of("task", "bad-chat", "trajectory_id", workflowId));
        assertThat(d.path("status").asText()).isEqualTo("failed");
        assertThat(d.path("failed_step").path("step").asText()).isEqualTo("chat");
        assertThat(d.path("failed_step").path("error").asText()).contains("prompt");
        assertThat(d.path("likely_causes").toString()).contains("wrong name");
        assertThat(d.path("workflow_problems").toString()).contains("use prompt_path");
        assertThat(d.path("next_steps").toString()).contains("get-workflow-logs");
        assertThat(sandbox.requests().matching("GET", "/api/v1/db/trajectory/demo/bad-chat/[0-9a-f]{8}")).isNotEmpty();
        assertThat(sandbox.requests().all()).allMatch(r -> !r.method().equals("POST") || r.path().startsWith("/api/v1/run/")
                || r.path().equals("/api/v1/tasks/demo"));
    }

    @Test
    void aHealthyRunHasNoInventedCauses() throws Exception {
        String workflowId = startRun("text-echo");
        sandbox.clock().advance(Duration.ofSeconds(30));
        JsonNode d = server.ok("diagnose-trajectory", Map.of("task", "text-echo",
                "trajectory_id", workflowId.substring(workflowId.lastIndexOf("--") + 2)));
        assertThat(d.path("status").asText()).isEqualTo("completed");
        assertThat(d.has("failed_step")).isFalse();
        assertThat(d.path("likely_causes")).isEmpty();
    }
}
