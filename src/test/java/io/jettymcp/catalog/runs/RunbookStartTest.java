package io.jettymcp.catalog.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.api.JettyApi;
import io.jettymcp.api.RetryPolicy;
import io.jettymcp.catalog.files.LocalFiles;
import io.jettymcp.config.Token;
import io.jettymcp.guard.CollectionScope;
import io.jettymcp.guard.Tenant;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.sandbox.RecordedRequest;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import io.jettymcp.tool.TestContexts;
import io.jettymcp.tool.ToolCall;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How run-runbook starts a run (jetty-api.md §7 E2): {@code stream:false} with a short
 * {@code jetty.timeout_hint}; 200, 202 and the 500-with-metadata quirk all count as started; anything
 * else is an unconfirmed start that reports the task's newest trajectory and is never sent twice.
 * Against the sandbox in its production profile.
 */
class RunbookStartTest {

    private static final ObjectMapper M = new ObjectMapper();
    private static final String RUNBOOK = """
            ---
            model: anthropic/claude-sonnet-4.6
            model_provider: openrouter
            ---
            Write summary.md to {{results_dir}}.
            """;

    @TempDir
    Path dir;
    private SandboxServer sandbox;

    @AfterEach
    void stop() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    /** A sandbox where a successful runbook run takes {@code 30 * stepSeconds} virtual seconds. */
    private void sandbox(double stepSeconds) {
        sandbox = SandboxServer.start(new SandboxOptions(0, 42L, stepSeconds));
        sandbox.switches().production();
    }

    private JsonNode run(String task, Duration abort) {
        JettyApi api = JettyApi.create(sandbox.baseUrl(), new Token(SandboxSeeds.DEMO_TOKEN, "t"), Duration.ofSeconds(2),
                Duration.ofSeconds(30), RetryPolicy.NONE, M, "t");
        RunbookTools tools = new RunbookTools(TestContexts.ctx(dir), TestContexts.spec("run-runbook"),
                new LocalFiles(List.of(dir), Long.MAX_VALUE, dir, dir), abort);
        ObjectNode args = M.createObjectNode().put("task", task).put("runbook", RUNBOOK);
        ToolCall call = new ToolCall(null, args, "demo", new Tenant(api, new CollectionScope(Set.of(), api)),
                ToolCall.Progress.NONE);
        JsonNode out = tools.run(call).block(Duration.ofSeconds(60));
        assertThat(out.toString().toLowerCase()).doesNotContain("try again").doesNotContain("re-run")
                .doesNotContain("rerun");
        return out;
    }

    private RecordedRequest onlyChatPost() {
        List<RecordedRequest> posts = sandbox.requests().matching("POST", "/v1/chat/completions");
        assertThat(posts).as("a start is sent once, never retried").hasSize(1);
        return posts.get(0);
    }

    /** Pushes the virtual clock once the start has arrived, so the sandbox's hold ends without real waiting. */
    private void advanceOnceStarted(Duration by) {
        CompletableFuture.runAsync(() -> {
            try {
                while (sandbox.requests().matching("POST", "/v1/chat/completions").isEmpty()) {
                    Thread.sleep(5);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            sandbox.clock().advance(by);
        });
    }

    @Test
    void startsWithStreamFalseAndATimeoutHintAndTakesA200AsAFinishedRun() {
        sandbox(0.01); // the run ends 0.3 virtual seconds after it starts: within the hint
        JsonNode out = run("rb-quick", RunbookTools.START_ABORT);
        JsonNode body = onlyChatPost().bodyJson();
        assertThat(body.path("stream").isBoolean()).isTrue();
        assertThat(body.path("stream").asBoolean(true)).isFalse();
        assertThat(body.path("jetty").path("timeout_hint").asInt()).isEqualTo(RunbookTools.TIMEOUT_HINT_SECONDS);
        assertThat(out.path("started").asBoolean()).isTrue();
        String id = out.path("trajectory_id").asText();
        assertThat(id).matches("[0-9a-f]{8}");
        assertThat(out.path("status").asText()).isEqualTo("completed");
        assertThat(out.path("next").asText()).contains("get-trajectory").contains(id);
    }

    @Test
    void a202WithOnlyAWorkflowIdIsARunningStart() {
        sandbox(1.0); // 30 virtual seconds: longer than the hint
        advanceOnceStarted(Duration.ofSeconds(RunbookTools.TIMEOUT_HINT_SECONDS + 1));
        JsonNode out = run("rb-long", RunbookTools.START_ABORT);
        onlyChatPost();
        assertThat(out.path("started").asBoolean()).isTrue();
        String id = out.path("trajectory_id").asText();
        assertThat(id).matches("[0-9a-f]{8}");
        assertThat(out.path("workflow_id").asText()).isEqualTo("demo-rb-long--" + id);
        assertThat(out.path("status").asText()).isEqualTo("running");
        assertThat(out.path("next").asText()).contains("wait-for-trajectory");
    }

    @Test
    void a500CarryingMetadataIsStarted() {
        sandbox(1.0);
        sandbox.switches().chat500WithMetadata(true);
        JsonNode out = run("rb-500", RunbookTools.START_ABORT);
        onlyChatPost();
        assertThat(out.path("started").asBoolean()).isTrue();
        assertThat(out.path("trajectory_id").asText()).matches("[0-9a-f]{8}");
        assertThat(out.path("note").asText()).contains("500").contains("do not run it again");
    }

    @Test
    void aTopLevelWorkflowIdIsEnough() {
        sandbox(1.0);
        sandbox.faults().add(FaultRule.status("POST", "/v1/chat/completions", 202)
                .withBody("{\"status\":\"running\",\"workflow_id\":\"demo-rb-top--0badf00d\"}"));
        JsonNode out = run("rb-top", RunbookTools.START_ABORT);
        onlyChatPost();
        assertThat(out.path("started").asBoolean()).isTrue();
        assertThat(out.path("trajectory_id").asText()).isEqualTo("0badf00d");
        assertThat(out.path("workflow_id").asText()).isEqualTo("demo-rb-top--0badf00d");
    }

    @Test
    void idsAreReadFromMetadataOrTheTopLevel() throws Exception {
        assertThat(RunbookTools.ids(M.readTree("{\"jetty_metadata\":{\"trajectory_id\":\"ab12cd34\"}}"))
                .path("trajectory_id").asText()).isEqualTo("ab12cd34");
        assertThat(RunbookTools.ids(M.readTree("{\"jetty_metadata\":{\"workflow_id\":\"c-t--ab12cd34\"},"
                + "\"workflow_id\":\"ignored--x\"}")).path("workflow_id").asText()).isEqualTo("c-t--ab12cd34");
        assertThat(RunbookTools.ids(M.readTree("{\"trajectory_id\":\"ab12cd34\"}")).path("trajectory_id").asText())
                .isEqualTo("ab12cd34");
        assertThat(RunbookTools.ids(M.readTree("{\"id\":\"chatcmpl-1\",\"jetty_metadata\":{}}"))).isNull();
        assertThat(RunbookTools.ids(M.readTree("[1]"))).isNull();
    }

    @Test
    void aStartHeldPastTheAbortIsUnconfirmedAndNamesTheNewestTrajectory() {
        sandbox(1.0);
        sandbox.switches().chatHoldSeconds(3); // the run starts at once, the answer comes 3 s later
        // the row lag (E4) is shorter than a real 30 s abort: here the abort is 1 s, so the row is let show at once
        sandbox.switches().rowLagSeconds(0);
        JsonNode out = run("rb-held", Duration.ofSeconds(1));
        onlyChatPost();
        assertThat(out.path("started").asText()).isEqualTo("unconfirmed");
        String note = out.path("note").asText();
        assertThat(note).contains("sent but not confirmed within 1 s").contains("may be running")
                .contains("Do not run the runbook again");
        String id = out.path("trajectory_id").asText();
        assertThat(id).as(out.toString()).matches("[0-9a-f]{8}");
        assertThat(note).contains(id).contains("wait-for-trajectory");
        JsonNode newest = out.path("newest_trajectory");
        assertThat(newest.path("trajectory_id").asText()).isEqualTo(id);
        assertThat(newest.path("status").asText()).isIn("pending", "running");
        assertThat(newest.path("created").asText()).isNotEmpty();
    }

    @Test
    void a5xxWithoutMetadataIsUnconfirmed() {
        sandbox(1.0);
        sandbox.faults().add(FaultRule.html5xx("POST", "/v1/chat/completions", 502));
        JsonNode out = run("text-echo", RunbookTools.START_ABORT);
        onlyChatPost();
        assertThat(out.path("started").asText()).isEqualTo("unconfirmed");
        assertThat(out.path("note").asText()).contains("502").contains("may have started")
                .contains("list-trajectories").contains("Do not run the runbook again");
        assertThat(out.has("trajectory_id")).as("no run appeared after the request").isFalse();
    }

    @Test
    void aConnectionResetAfterSendingIsUnconfirmed() {
        sandbox(1.0);
        sandbox.faults().add(FaultRule.reset("POST", "/v1/chat/completions"));
        JsonNode out = run("text-echo", RunbookTools.START_ABORT);
        onlyChatPost();
        assertThat(out.path("started").asText()).isEqualTo("unconfirmed");
        assertThat(out.path("note").asText()).contains("may have started").contains("list-trajectories");
    }

    @Test
    void anAnswerWithoutAnIdIsUnconfirmed() {
        sandbox(1.0);
        sandbox.faults().add(FaultRule.status("POST", "/v1/chat/completions", 200).withBody("{\"id\":\"chatcmpl-1\"}"));
        JsonNode out = run("text-echo", RunbookTools.START_ABORT);
        onlyChatPost();
        assertThat(out.path("started").asText()).isEqualTo("unconfirmed");
        assertThat(out.path("note").asText()).contains("without a trajectory id").contains("may have started");
    }
}
