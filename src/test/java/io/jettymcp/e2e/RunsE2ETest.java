package io.jettymcp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.e2e.support.ServerProcess;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.sandbox.RecordedRequest;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import io.jettymcp.sandbox.SandboxSwitches;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The run lifecycle over stdio against the sandbox: start a run (multipart, never retried), wait for it
 * with progress, read it compact or in part, read its logs and stats, label it, cancel it.
 */
class RunsE2ETest {

    static final ObjectMapper M = new ObjectMapper();
    static final String SECRET = "per-run-secret-7d1e55c0a9";
    static final String WEBHOOK_SECRET = "whsec-e2e-4b8f0c2a71d3";

    static SandboxServer sandbox;
    static ServerProcess server;
    static Path home;
    static Path outside;
    static final List<McpSchema.ProgressNotification> progress = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void start() throws Exception {
        sandbox = SandboxServer.start(new SandboxOptions(0, 42L, 0.5));
        home = Files.createTempDirectory("jetty-mcp-runs-home");
        outside = Files.createTempDirectory("jetty-mcp-runs-outside");
        server = ServerProcess.builder().sandbox(sandbox.baseUrl(), SandboxSeeds.DEMO_TOKEN).home(home)
                .progress(progress::add).start();
    }

    @AfterAll
    static void stop() {
        server.close();
        sandbox.close();
    }

    @BeforeEach
    void clean() {
        sandbox.requests().clear();
        // every test meets the sandbox's default quirks, as a fresh SandboxSwitches holds them
        SandboxSwitches defaults = new SandboxSwitches();
        assertThat(sandbox.switches().nullStatusForWorkflowId()).as("nullStatusForWorkflowId left changed by a test")
                .isEqualTo(defaults.nullStatusForWorkflowId());
        assertThat(sandbox.switches().labelRaceMillis()).as("labelRaceMillis left changed by a test")
                .isEqualTo(defaults.labelRaceMillis());
    }

    @AfterEach
    void noFaults() {
        sandbox.faults().clear();
        sandbox.switches().reset(); // the defaults, not "off": e.g. the null-status quirk is on by default
    }

    private static String run(String task, Map<String, Object> args) {
        Map<String, Object> a = new LinkedHashMap<>(args);
        a.put("task", task);
        return server.ok("run-task", a).path("trajectory_id").asText();
    }

    @Test
    void runTaskSendsOneMultipartRequestAndReturnsIdsAndLink() {
        JsonNode out = server.ok("run-task", Map.of("task", "text-echo", "init_params", Map.of("text", "hello e2e"),
                "secret_params", Map.of("MY_TOKEN", SECRET), "webhook_url", "https://example.org/hook",
                "webhook_secret", WEBHOOK_SECRET));
        String id = out.path("trajectory_id").asText();
        assertThat(id).matches("[0-9a-f]{8}");
        assertThat(out.path("workflow_id").asText()).isEqualTo("demo-text-echo--" + id);
        assertThat(out.path("link").asText()).isEqualTo("https://jetty.io/demo/text-echo/" + id);
        assertThat(out.path("trial_keys").asText()).contains("OPENROUTER_API_KEY");
        assertThat(out.path("next").asText()).contains("wait-for-trajectory");

        List<RecordedRequest> posts = sandbox.requests().matching("POST", "/api/v1/run/demo/text-echo");
        assertThat(posts).hasSize(1);
        Map<String, String> fields = posts.get(0).multipartFields();
        assertThat(posts.get(0).contentType()).startsWith("multipart/form-data");
        assertThat(fields.get("init_params")).isEqualTo("{\"text\":\"hello e2e\"}");
        assertThat(fields.get("secret_params")).isEqualTo("{\"MY_TOKEN\":\"" + SECRET + "\"}");
        assertThat(fields.get("webhook_url")).isEqualTo("https://example.org/hook");
        assertThat(fields.get("webhook_secret")).isEqualTo(WEBHOOK_SECRET);
        assertThat(fields).doesNotContainKey("use_trial_keys"); // demo has a provider key: auto sends nothing
        assertThat(out.toString()).doesNotContain(SECRET).doesNotContain(WEBHOOK_SECRET);
        assertThat(String.join("\n", server.stderr())).doesNotContain(SECRET).doesNotContain(WEBHOOK_SECRET);
    }

    @Test
    void explicitTrialKeysWinWithoutLookups() {
        server.ok("run-task", Map.of("task", "text-echo", "use_trial_keys", true));
        assertThat(sandbox.requests().matching("POST", "/api/v1/run/demo/text-echo").get(0).multipartFields())
                .containsEntry("use_trial_keys", "true");
        assertThat(sandbox.requests().matching("GET", "/api/v1/trial/.*")).isEmpty();
    }

    @Test
    void aFailedRunPostIsNeverRetriedAndSaysToCheckFirst() {
        sandbox.faults().add(FaultRule.status("POST", "/api/v1/run/.*", 502));
        String err = server.error("run-task", Map.of("task", "text-echo"));
        assertThat(err).contains("may or may not have started").contains("list-trajectories");
        assertThat(sandbox.requests().matching("POST", "/api/v1/run/.*")).hasSize(1);
    }

    @Test
    void edgeTimeoutsResetsAndUnreadableAnswersAreNeverRetriedEither() {
        for (FaultRule f : List.of(FaultRule.html524("POST", "/api/v1/run/.*"), FaultRule.reset("POST", "/api/v1/run/.*"),
                FaultRule.malformedJson("POST", "/api/v1/run/.*"))) {
            sandbox.faults().clear();
            sandbox.requests().clear();
            sandbox.faults().add(f);
            String err = server.error("run-task", Map.of("task", "text-echo", "use_trial_keys", false));
            assertThat(err).as(f.kind().name()).contains("may or may not have started").doesNotContain("<html");
            assertThat(sandbox.requests().matching("POST", "/api/v1/run/.*")).as(f.kind().name()).hasSize(1);
        }
    }

    @Test
    void runWithWaitSecondsReturnsTheFinishedRun() {
        JsonNode out = server.ok("run-task", Map.of("task", "text-echo", "init_params", Map.of("text", "waited"),
                "wait_seconds", 20));
        assertThat(out.path("done").asBoolean()).isTrue();
        JsonNode t = out.path("trajectory");
        assertThat(t.path("status").asText()).isEqualTo("completed");
        assertThat(t.path("steps").path("echo").path("outputs").path("text").asText()).isEqualTo("waited");
        assertThat(sandbox.requests().matching("POST", "/api/v1/run/.*")).hasSize(1);
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
    void waitAcceptsAWorkflowIdAndSaysHowToKeepWaitingWhenTheBudgetEnds() {
        sandbox.switches().nullStatusForWorkflowId(true); // as Jetty does: polling a workflow id never ends
        JsonNode started = server.ok("run-task", Map.of("task", "pdf-amber-hawk")); // a runbook: 15 virtual s
        String wf = started.path("workflow_id").asText();
        String id = started.path("trajectory_id").asText();
        sandbox.requests().clear();
        JsonNode out = server.ok("wait-for-trajectory", Map.of("task", "pdf-amber-hawk", "trajectory_id", wf,
                "timeout_seconds", 2));
        assertThat(out.path("done").asBoolean()).isFalse();
        assertThat(out.path("trajectory_id").asText()).isEqualTo(id);
        assertThat(out.path("status").asText()).isEqualTo("running");
        assertThat(out.path("next").asText()).contains("Call wait-for-trajectory again").contains("do not start the run again");
        List<RecordedRequest> polls = sandbox.requests().matching("GET", "/api/v1/db/trajectory/.*");
        assertThat(polls).hasSizeBetween(2, 4); // 1 s backoff growing: t=0, 1, 2
        assertThat(polls).allSatisfy(p -> assertThat(p.path()).isEqualTo("/api/v1/db/trajectory/demo/pdf-amber-hawk/" + id));

        // cancel the run by workflow id; the next wait ends at once with the terminal status
        JsonNode set = server.ok("set-trajectory-status", Map.of("task", "pdf-amber-hawk", "trajectory_ids", List.of(wf),
                "status", "cancelled"));
        assertThat(set.path("requested").path(id).asText()).isEqualTo("cancelled");
        JsonNode after = server.ok("wait-for-trajectory", Map.of("task", "pdf-amber-hawk", "trajectory_id", id, "timeout_seconds", 5));
        assertThat(after.path("done").asBoolean()).isTrue();
        assertThat(after.path("status").asText()).isEqualTo("cancelled");
    }

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
        String err = server.error("set-trajectory-status", Map.of("task", "pdf-amber-hawk", "trajectory_ids", List.of(a),
                "status", "running"));
        assertThat(err).contains("status").contains("cancelled");
    }

    @Test
    void listAndGetTrajectoriesAreCompactAndSelectable() {
        String id = run("text-echo", Map.of("init_params", Map.of("text", "x".repeat(1200)), "wait_seconds", 20));
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

        JsonNode picked = server.ok("get-trajectory", Map.of("task", "text-echo", "trajectory_id", id,
                "fields", List.of("step_configs.echo.activity", "nope")));
        assertThat(picked.path("fields").path("step_configs.echo.activity").asText()).isEqualTo("text_echo");
        assertThat(picked.path("missing_fields").toString()).contains("nope");
        assertThat(picked.has("steps")).isFalse();
    }

    @Test
    void logsFilterByLevelAndStatsCount() {
        server.ok("create-task", Map.of("name", "e2e-broken", "workflow", Map.of("init_params", Map.of(),
                "step_configs", Map.of("finish", Map.of("activity", "completion")), "steps", List.of("finish"))));
        JsonNode run = server.ok("run-task", Map.of("task", "e2e-broken", "wait_seconds", 20));
        assertThat(run.path("trajectory").path("status").asText()).isEqualTo("failed");
        assertThat(run.path("trajectory").path("error").asText()).contains("No step registered for 'completion'");
        String id = run.path("trajectory_id").asText();

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
    }

    @Test
    void addLabelDefaultsTheAuthorAndVerifiesItStuck() {
        String id = run("text-echo", Map.of("wait_seconds", 20));
        sandbox.requests().clear();
        JsonNode out = server.ok("add-label", Map.of("task", "text-echo", "trajectory_id", id, "key", "quality", "value", "4.5"));
        assertThat(out.path("verified").asBoolean()).isTrue();
        RecordedRequest post = sandbox.requests().matching("POST", "/api/v1/trajectory/demo/text-echo/" + id + "/labels").get(0);
        assertThat(post.bodyJson()).isEqualTo(M.createObjectNode().put("key", "quality").put("value", "4.5").put("author", "demo-key"));
        JsonNode row = server.ok("list-trajectories", Map.of("task", "text-echo", "limit", 1)).path("trajectories").get(0);
        assertThat(row.path("labels").path("quality").asText()).isEqualTo("4.5");
    }

    @Test
    void aDroppedLabelIsReportedAndNotPostedTwice() {
        String id = run("text-echo", Map.of("wait_seconds", 20));
        sandbox.switches().labelRaceMillis(600_000); // Jetty's final write clobbers labels written near completion
        sandbox.requests().clear();
        JsonNode out = server.ok("add-label", Map.of("task", "text-echo", "trajectory_id", id, "key", "k", "value", "v",
                "author", "reviewer"));
        assertThat(out.path("verified").asBoolean()).isFalse();
        assertThat(out.path("warning").asText()).contains("not on the trajectory").contains("not written again");
        assertThat(sandbox.requests().matching("POST", ".*/labels")).hasSize(1);
        assertThat(sandbox.requests().matching("GET", "/api/v1/db/trajectory/demo/text-echo/" + id)).hasSize(1);
    }

    @Test
    void localFilesAreCheckedBeforeAnythingIsSentAndRealFilesReachTheRun() throws Exception {
        Path secret = Files.writeString(outside.resolve("secret.txt"), "outside the roots");
        Path link = home.resolve("link.txt");
        Files.createSymbolicLink(link, secret);
        Path dir = Files.createDirectories(home.resolve("a-directory"));
        for (String bad : List.of(secret.toString(), link.toString(), dir.toString(), home.resolve("missing.csv").toString(),
                home + "/../" + outside.getFileName() + "/secret.txt")) {
            String err = server.error("run-task", Map.of("task", "text-echo", "files", List.of(bad)));
            assertThat(err).as(bad).contains("files");
            assertThat(err).doesNotContain("outside the roots");
        }
        assertThat(sandbox.requests().all()).as("no request for a refused file").isEmpty();

        Path csv = Files.writeString(home.resolve("input.csv"), "a,b\n1,2\n");
        JsonNode out = server.ok("run-task", Map.of("task", "text-echo", "files", List.of(csv.toString()), "wait_seconds", 20));
        assertThat(out.path("files_sent").toString()).contains("input.csv");
        Map<String, String> fields = sandbox.requests().matching("POST", "/api/v1/run/demo/text-echo").get(0).multipartFields();
        assertThat(fields.get("files")).isEqualTo("input.csv:8");
        assertThat(out.path("trajectory").path("init_params").path("file_paths").get(0).asText())
                .startsWith("demo/text-echo/0000/").endsWith(".csv");
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

    @Test
    void anUnknownTrajectoryIsNotVisibleYetNeverATypo() {
        // a 404 may be a row Jetty has not written yet (§7 E4): said so, with how to check, never "run it again"
        String err = server.error("get-trajectory", Map.of("task", "text-echo", "trajectory_id", "deadbeef"));
        assertThat(err).contains("404").contains("not visible yet, it may still be queued").contains("list-trajectories")
                .doesNotContainIgnoringCase("spelling");
        JsonNode waited = server.ok("wait-for-trajectory", Map.of("task", "text-echo", "trajectory_id", "deadbeef",
                "timeout_seconds", 3));
        assertThat(waited.path("visible").asBoolean(true)).isFalse();
        assertThat(waited.path("next").asText()).contains("deadbeef").contains("not visible yet, it may still be queued");
    }

}
