package io.jettymcp.catalog.trajectories;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.catalog.ToolsetTestBase;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.sandbox.RecordedRequest;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.tool.InProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.jettymcp.tool.InProcess.M;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * tool-specs/trajectories (list, get, logs, stats, status, labels, diagnosis) through the real registry and guard
 * chain against one in-process sandbox, reset before each test. Runs are finished with the virtual clock.
 */
class TrajectoriesToolsetTest extends ToolsetTestBase {

    @Override
    protected InProcess.Builder harness() {
        return InProcess.builder().options(new SandboxOptions(0, 42L, 0.5));
    }

    /** A run of {@code task} that has ended (the virtual clock passed it); no requests recorded yet. */
    private String ended(String task, Map<String, Object> args) {
        String id = run(task, args);
        sandbox.clock().advance(Duration.ofSeconds(30));
        sandbox.requests().clear();
        return id;
    }

    private void createTask(String name, Map<String, Object> workflow) {
        server.ok("create-task", Map.of("name", name, "workflow", workflow));
    }

    /** A workflow whose only step names an activity that does not exist: it fails. */
    private void createBrokenTask() {
        createTask("e2e-broken", Map.of("init_params", Map.of(),
                "step_configs", Map.of("finish", Map.of("activity", "completion")), "steps", List.of("finish")));
    }

    // ---- list-trajectories, get-trajectory

    @Test
    void listAndGetTrajectoriesAreCompactAndSelectable() {
        run("text-echo", Map.of()); // an older run: the list has more than one page
        String id = ended("text-echo", Map.of("init_params", Map.of("text", "x".repeat(1200))));
        JsonNode list = server.ok("list-trajectories", Map.of("task", "text-echo", "limit", 1));
        JsonNode row = list.path("trajectories").get(0);
        assertThat(row.path("trajectory_id").asText()).isEqualTo(id);
        assertThat(row.path("status").asText()).isEqualTo("completed");
        assertThat(row.has("duration_seconds")).isTrue();
        assertThat(row.has("steps")).isFalse();
        assertThat(list.path("has_more").asBoolean()).isTrue();
        assertThat(list.path("next").asText()).contains("page 2");
        assertThat(sandbox.requests().matching("GET", "/api/v1/db/trajectories/demo/text-echo").get(0).query())
                .contains("limit=1").contains("page=1");

        JsonNode compact = server.ok("get-trajectory", Map.of("task", "text-echo", "trajectory_id", id));
        assertThat(compact.path("status").asText()).isEqualTo("completed");
        assertThat(compact.path("storage_path").asText()).isEqualTo("demo/text-echo/0000");
        JsonNode echo = compact.path("steps").path("echo");
        assertThat(echo.path("status").asText()).isEqualTo("completed");
        assertThat(echo.path("outputs").path("text").asText()).hasSizeLessThan(600).contains("more characters");
        assertThat(echo.has("inputs")).isFalse();
        assertThat(compact.path("note").asText()).contains("steps=");

        JsonNode full = server.ok("get-trajectory", Map.of("task", "text-echo", "trajectory_id", "demo-text-echo--" + id,
                "steps", List.of("echo")));
        assertThat(full.path("steps").path("echo").path("outputs").path("text").asText()).hasSize(1200);
        assertThat(full.path("steps").path("echo").has("inputs")).isTrue();
        assertThat(sandbox.requests().matching("GET", "/api/v1/db/trajectory/.*")).extracting(RecordedRequest::path)
                .containsOnly("/api/v1/db/trajectory/demo/text-echo/" + id);

        JsonNode picked = server.ok("get-trajectory", Map.of("task", "text-echo", "trajectory_id", id,
                "fields", List.of("step_configs.echo.activity", "nope")));
        assertThat(picked.path("fields").path("step_configs.echo.activity").asText()).isEqualTo("text_echo");
        assertThat(picked.path("missing_fields").toString()).contains("nope");
        assertThat(picked.has("steps")).isFalse();
    }

    @Test
    void aListPageOutOfRangeIsRefusedBeforeAnyRequest() {
        assertThat(server.error("list-trajectories", Map.of("task", "text-echo", "limit", 0))).contains("limit");
        assertThat(server.error("list-trajectories", Map.of("task", "text-echo", "limit", 101))).contains("limit");
        assertThat(sandbox.requests().matching("GET", "/api/v1/db/.*")).isEmpty();
    }

    // an unknown id's 404 ("not visible yet") is read again for production's 10 s window: RunReadsTest checks its
    // text with a short window

    @Test
    void aRefusedReadIsAToolErrorFromOneRequestAndABadIdSendsNothing() {
        sandbox.faults().add(FaultRule.status("GET", "/api/v1/db/trajectory/.*", 403));
        String err = server.error("get-trajectory", Map.of("task", "text-echo", "trajectory_id", "deadbeef"));
        assertThat(err).contains("403").doesNotContainIgnoringCase("spelling");
        assertThat(sandbox.requests().matching("GET", "/api/v1/db/trajectory/.*")).extracting(RecordedRequest::path)
                .containsExactly("/api/v1/db/trajectory/demo/text-echo/deadbeef");
        assertThat(server.error("get-trajectory", Map.of("task", "text-echo", "trajectory_id", "../../etc")))
                .contains("trajectory_id");
        assertThat(sandbox.requests().matching("GET", "/api/v1/db/trajectory/.*")).hasSize(1);
    }

    // ---- get-workflow-logs, get-stats

    @Test
    void logsFilterByLevelAndStatsCount() {
        createBrokenTask();
        String id = ended("e2e-broken", Map.of());

        JsonNode all = server.ok("get-workflow-logs", Map.of("task", "e2e-broken", "trajectory_id", id));
        assertThat(all.path("workflow_id").asText()).isEqualTo("demo-e2e-broken--" + id);
        assertThat(all.path("events").size()).isGreaterThan(2);
        JsonNode errors = server.ok("get-workflow-logs", Map.of("task", "e2e-broken", "trajectory_id", id, "level", "error"));
        assertThat(errors.path("events").size()).isBetween(1, all.path("events").size() - 1);
        assertThat(errors.path("events")).allSatisfy(e -> assertThat(e.path("level").asText()).isEqualTo("error"));
        JsonNode last = server.ok("get-workflow-logs", Map.of("task", "e2e-broken", "trajectory_id", id, "limit", 1));
        assertThat(last.path("events").size()).isEqualTo(1);
        assertThat(last.path("omitted").asText()).contains("earlier");
        assertThat(sandbox.requests().matching("GET", "/api/v1/workflows-logs/demo-e2e-broken--" + id)).hasSize(3);

        JsonNode stats = server.ok("get-stats", Map.of("task", "e2e-broken"));
        assertThat(stats.path("by_status").path("failed").asInt()).isEqualTo(1);
        assertThat(sandbox.requests().matching("GET", "/api/v1/db/stats/.*")).extracting(RecordedRequest::path)
                .containsExactly("/api/v1/db/stats/demo/e2e-broken");
    }

    @Test
    void aBadLogLevelIsRefusedBeforeAnyRequest() {
        String err = server.error("get-workflow-logs", Map.of("task", "text-echo", "trajectory_id", "deadbeef", "level", "loud"));
        assertThat(err).contains("level").contains("error");
        assertThat(sandbox.requests().matching("GET", "/api/v1/workflows-logs/.*")).isEmpty();
    }

    @Test
    void statsOfAnUnknownTaskAreAToolErrorFromOneRequest() {
        String err = server.error("get-stats", Map.of("task", "no-such-task"));
        assertThat(err).contains("404");
        assertThat(sandbox.requests().matching("GET", "/api/v1/db/stats/.*")).extracting(RecordedRequest::path)
                .containsExactly("/api/v1/db/stats/demo/no-such-task");
        assertThat(server.error("get-stats", Map.of("task", "../text-echo"))).contains("task");
        assertThat(sandbox.requests().matching("GET", "/api/v1/db/stats/.*")).hasSize(1);
    }

    // ---- set-trajectory-status

    @Test
    void setStatusChangesManyRunsInOneRequest() {
        String a = run("pdf-amber-hawk", Map.of());
        String b = run("pdf-amber-hawk", Map.of());
        sandbox.requests().clear();
        JsonNode out = server.ok("set-trajectory-status", Map.of("task", "pdf-amber-hawk",
                "trajectory_ids", List.of(a, "demo-pdf-amber-hawk--" + b), "status", "archived"));
        assertThat(out.path("requested").size()).isEqualTo(2);
        List<RecordedRequest> posts = sandbox.requests().matching("POST", "/api/v1/trajectory/demo/pdf-amber-hawk/statuses");
        assertThat(posts).hasSize(1);
        assertThat(posts.get(0).bodyJson()).isEqualTo(M.createObjectNode().put(a, "archived").put(b, "archived"));
        JsonNode unknown = server.ok("set-trajectory-status", Map.of("task", "pdf-amber-hawk",
                "trajectory_ids", List.of("0badc0de"), "status", "cancelled"));
        assertThat(unknown.path("warning").asText()).contains("0badc0de").contains("list-trajectories");
        sandbox.requests().clear();
        String err = server.error("set-trajectory-status", Map.of("task", "pdf-amber-hawk", "trajectory_ids", List.of(a),
                "status", "running"));
        assertThat(err).contains("status").contains("cancelled");
        assertThat(sandbox.requests().matching("POST", ".*")).as("nothing sent for a refused status").isEmpty();
    }

    // ---- add-label

    @Test
    void addLabelDefaultsTheAuthorAndVerifiesItStuck() {
        String id = ended("text-echo", Map.of());
        JsonNode out = server.ok("add-label", Map.of("task", "text-echo", "trajectory_id", id, "key", "quality", "value", "4.5"));
        assertThat(out.path("verified").asBoolean()).isTrue();
        RecordedRequest post = sandbox.requests().matching("POST", "/api/v1/trajectory/demo/text-echo/" + id + "/labels").get(0);
        assertThat(post.bodyJson()).isEqualTo(M.createObjectNode().put("key", "quality").put("value", "4.5").put("author", "demo-key"));
        JsonNode row = server.ok("list-trajectories", Map.of("task", "text-echo", "limit", 1)).path("trajectories").get(0);
        assertThat(row.path("labels").path("quality").asText()).isEqualTo("4.5");
    }

    @Test
    void aDroppedLabelIsReportedAndNotPostedTwice() {
        String id = ended("text-echo", Map.of());
        sandbox.switches().labelRaceMillis(600_000); // Jetty's final write clobbers labels written near completion
        JsonNode out = server.ok("add-label", Map.of("task", "text-echo", "trajectory_id", id, "key", "k", "value", "v",
                "author", "reviewer"));
        assertThat(out.path("verified").asBoolean()).isFalse();
        assertThat(out.path("warning").asText()).contains("not on the trajectory").contains("not written again");
        assertThat(sandbox.requests().matching("POST", ".*/labels")).hasSize(1);
        assertThat(sandbox.requests().matching("GET", "/api/v1/db/trajectory/demo/text-echo/" + id)).hasSize(1);
    }

    @Test
    void anEmptyLabelKeyIsRefusedBeforeAnyRequest() {
        String err = server.error("add-label", Map.of("task", "text-echo", "trajectory_id", "deadbeef", "key", "", "value", "v"));
        assertThat(err).contains("key");
        assertThat(sandbox.requests().all()).as("nothing sent for a refused label").isEmpty();
    }

    // ---- diagnose-trajectory (was DiagnoseE2ETest)

    @Test
    void aWrongParameterNameIsFoundAndExplained() {
        createTask("bad-chat", Map.of("init_params", Map.of("q", "hi"), "steps", List.of("chat"),
                "step_configs", Map.of("chat", Map.of("activity", "litellm_chat", "model", "anthropic/claude-sonnet-4.6",
                        "user_prompt_path", "init_params.q"))));
        String workflowId = server.ok("run-task", Map.of("task", "bad-chat")).path("workflow_id").asText();
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
    void aHealthyRunHasNoInventedCauses() {
        String workflowId = server.ok("run-task", Map.of("task", "text-echo")).path("workflow_id").asText();
        sandbox.clock().advance(Duration.ofSeconds(30));
        JsonNode d = server.ok("diagnose-trajectory", Map.of("task", "text-echo",
                "trajectory_id", workflowId.substring(workflowId.lastIndexOf("--") + 2)));
        assertThat(d.path("status").asText()).isEqualTo("completed");
        assertThat(d.has("failed_step")).isFalse();
        assertThat(d.path("likely_causes")).isEmpty();
    }

    @Test
    void diagnosingARunJettyRefusesIsAToolErrorThatNeverSaysRunAgain() {
        sandbox.faults().add(FaultRule.status("GET", "/api/v1/db/trajectory/.*", 403));
        String err = server.error("diagnose-trajectory", Map.of("task", "text-echo", "trajectory_id", "deadbeef"));
        assertThat(err).contains("403").doesNotContainIgnoringCase("spelling").doesNotContainIgnoringCase("try again");
        assertThat(sandbox.requests().matching("GET", "/api/v1/db/trajectory/.*")).extracting(RecordedRequest::path)
                .containsExactly("/api/v1/db/trajectory/demo/text-echo/deadbeef");
        assertThat(sandbox.requests().matching("POST", ".*")).isEmpty();
    }
}
