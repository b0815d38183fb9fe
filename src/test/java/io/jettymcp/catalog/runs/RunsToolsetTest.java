package io.jettymcp.catalog.runs;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.catalog.ToolsetTestBase;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.sandbox.RecordedRequest;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.tool.InProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.jettymcp.tool.InProcess.M;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * tool-specs/runs (run-task, run-runbook, wait-for-trajectory) through the real registry and guard chain against
 * one in-process sandbox, reset before each test: what a call returns and what reached the wire. Starts are never
 * retried; every refusal sends nothing.
 */
class RunsToolsetTest extends ToolsetTestBase {

    static final String SECRET = "per-run-secret-7d1e55c0a9";
    static final String WEBHOOK_SECRET = "whsec-e2e-4b8f0c2a71d3";
    /** Jetty's timeout for the runbook harness: it bounds an unconfirmed start (the e2e class used 3 s). */
    static final int BOUND_SECONDS = 2;

    static final String RUNBOOK = Runbooks.SAMPLE_TABLES;
    static final String NO_SECRETS_RUNBOOK = RUNBOOK.replace(
            "secrets:\n  OPENROUTER:\n    env: OPENROUTER_API_KEY\n    required: true\n", "");

    /** a user token: run-runbook on demo (own provider key) and acme (trial, no key) */
    InProcess user;
    /** acme's key: a collection on trial without a provider key */
    InProcess acme;
    Path home;
    Path outside;

    /** The demo collection's key: runs and waits. */
    @Override
    protected InProcess.Builder harness() throws Exception {
        home = Files.createTempDirectory("jetty-mcp-runs-home").toRealPath();
        outside = Files.createTempDirectory("jetty-mcp-runs-outside").toRealPath();
        return InProcess.builder().options(new SandboxOptions(0, 42L, 0.05)).settings(s -> s.filesRoots(List.of(home), true));
    }

    /** The user's and acme's harnesses on the same sandbox. */
    @Override
    protected void warmUp() {
        user = InProcess.builder().sandbox(sandbox).token(SandboxSeeds.USER_TOKEN)
                .settings(s -> s.filesRoots(List.of(home), true).responseTimeout(Duration.ofSeconds(BOUND_SECONDS))).build();
        acme = InProcess.builder().sandbox(sandbox).token(SandboxSeeds.ACME_TOKEN).build();
    }

    @AfterAll
    void closeOtherKeys() {
        user.close();
        acme.close();
    }

    // ---- run-task

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
    void aFailingWorkflowEndsFailedWithItsError() {
        server.ok("create-task", Map.of("name", "e2e-broken", "workflow", Map.of("init_params", Map.of(),
                "step_configs", Map.of("finish", Map.of("activity", "completion")), "steps", List.of("finish"))));
        String id = run("e2e-broken", Map.of());
        sandbox.clock().advance(Duration.ofSeconds(30));
        JsonNode run = server.ok("wait-for-trajectory", Map.of("task", "e2e-broken", "trajectory_id", id, "timeout_seconds", 5));
        assertThat(run.path("status").asText()).isEqualTo("failed");
        assertThat(run.path("error").asText()).contains("No step registered for 'completion'");
    }

    @Test
    void localFilesAreCheckedBeforeAnythingIsSentAndRealFilesReachTheRun() throws Exception {
        Path secret = Files.writeString(outside.resolve("secret.txt"), "outside the roots");
        Path link = home.resolve("link.txt");
        Files.deleteIfExists(link);
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
        JsonNode out = server.ok("run-task", Map.of("task", "text-echo", "files", List.of(csv.toString())));
        assertThat(out.path("files_sent").toString()).contains("input.csv");
        Map<String, String> fields = sandbox.requests().matching("POST", "/api/v1/run/demo/text-echo").get(0).multipartFields();
        assertThat(fields.get("files")).isEqualTo("input.csv:8");
        sandbox.clock().advance(Duration.ofSeconds(30));
        JsonNode run = server.ok("wait-for-trajectory", Map.of("task", "text-echo",
                "trajectory_id", out.path("trajectory_id").asText(), "timeout_seconds", 5));
        assertThat(run.path("init_params").path("file_paths").get(0).asText())
                .startsWith("demo/text-echo/0000/").endsWith(".csv");
    }

    // ---- run-task on a trial collection (was TrialRunE2ETest)

    private Map<String, String> lastAcmeRunFields() {
        var posts = sandbox.requests().matching("POST", "/api/v1/run/acme/triage");
        assertThat(posts).hasSize(1);
        return posts.get(0).multipartFields();
    }

    @Test
    void autoSendsTrialKeysWhenTheTrialIsActiveAndNoProviderKeyExists() {
        JsonNode out = acme.ok("run-task", Map.of("task", "triage", "wait_seconds", 20));
        assertThat(lastAcmeRunFields()).containsEntry("use_trial_keys", "true");
        assertThat(out.path("trial_keys").asText()).startsWith("sent true (auto");
        assertThat(out.path("trial").path("runs_limit").asInt()).isEqualTo(10);
        assertThat(out.path("trajectory").path("status").asText()).isEqualTo("completed");
        assertThat(sandbox.requests().matching("GET", "/api/v1/trial/acme")).hasSize(1);
        // one for the trial decision, one the guard chain's check of what the answer shows (F5)
        assertThat(sandbox.requests().matching("GET", "/api/v1/collections/acme/environment")).hasSize(2);
        assertThat(out.toString()).doesNotContain("sk-");

        sandbox.requests().clear();
        acme.ok("run-task", Map.of("task", "triage", "use_trial_keys", false));
        assertThat(lastAcmeRunFields()).containsEntry("use_trial_keys", "false");

        sandbox.requests().clear();
        sandbox.faults().add(FaultRule.status("GET", "/api/v1/trial/acme", 404).withTimes(1));
        JsonNode blind = acme.ok("run-task", Map.of("task", "triage"));
        assertThat(lastAcmeRunFields()).doesNotContainKey("use_trial_keys");
        assertThat(blind.path("trial_keys").asText()).contains("could not read the trial");
    }

    @Test
    void warnsWhenTwoOrFewerTrialRunsRemain() {
        for (int i = 0; i < 10; i++) {
            JsonNode out = acme.ok("run-task", Map.of("task", "triage", "use_trial_keys", true));
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

    // ---- wait-for-trajectory

    @Test
    void waitReturnsTheEndedRunFromOnePoll() {
        String id = run("text-echo", Map.of("init_params", Map.of("text", "awaited")));
        sandbox.clock().advance(Duration.ofSeconds(30));
        sandbox.requests().clear();
        JsonNode out = server.ok("wait-for-trajectory", Map.of("task", "text-echo", "trajectory_id", id, "timeout_seconds", 5));
        assertThat(out.path("done").asBoolean()).isTrue();
        assertThat(out.path("status").asText()).isEqualTo("completed");
        assertThat(out.path("steps_done").asText()).isEqualTo("1/1");
        assertThat(sandbox.requests().matching("GET", "/api/v1/(db|run|trajectory).*")).extracting(RecordedRequest::path)
                .containsExactly("/api/v1/db/trajectory/demo/text-echo/" + id);
    }

    /** A stopping HTTP server's drain limit (JettyMcpServer.endWaits) ends a long wait with its usual answer. */
    @Test
    void theDrainLimitEndsAWaitWithItsStillRunningAnswer() throws Exception {
        try (io.jettymcp.tool.InProcess own = io.jettymcp.tool.InProcess.builder().sandbox(sandbox).build()) {
            own.ok("create-task", Map.of("name", "slow-echo", "workflow", Map.of("init_params", Map.of("text", "x"),
                    "step_configs", Map.of("echo", Map.of("activity", "text_echo", "text_path", "init_params.text",
                            "sim_seconds", 600)), "steps", List.of("echo"))));
            String id = own.ok("run-task", Map.of("task", "slow-echo")).path("trajectory_id").asText();
            sandbox.requests().clear();
            java.util.concurrent.CompletableFuture<JsonNode> wait = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                    own.ok("wait-for-trajectory", Map.of("task", "slow-echo", "trajectory_id", id, "timeout_seconds", 600)));
            for (int i = 0; i < 500 && sandbox.requests().matching("GET", "/api/v1/db/trajectory/.*").isEmpty(); i++) {
                Thread.sleep(10);
            }
            own.ctx().waits().reach(); // what the drain limit does, through JettyMcpServer.endWaits
            JsonNode out = wait.get(20, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(out.path("done").asBoolean()).isFalse();
            assertThat(out.path("trajectory_id").asText()).isEqualTo(id);
            assertThat(out.path("status").asText()).isEqualTo("running");
            assertThat(out.path("next").asText()).contains("Call wait-for-trajectory again");
        }
    }

    @Test
    void waitAcceptsAWorkflowIdAndSaysHowToKeepWaitingWhenTheBudgetEnds() {
        sandbox.switches().nullStatusForWorkflowId(true); // as Jetty does: polling a workflow id never ends
        server.ok("create-task", Map.of("name", "slow-echo", "workflow", Map.of("init_params", Map.of("text", "x"),
                "step_configs", Map.of("echo", Map.of("activity", "text_echo", "text_path", "init_params.text",
                        "sim_seconds", 600)), "steps", List.of("echo"))));
        JsonNode started = server.ok("run-task", Map.of("task", "slow-echo")); // 600 virtual s
        String wf = started.path("workflow_id").asText();
        String id = started.path("trajectory_id").asText();
        sandbox.requests().clear();
        JsonNode out = server.ok("wait-for-trajectory", Map.of("task", "slow-echo", "trajectory_id", wf,
                "timeout_seconds", 2));
        assertThat(out.path("done").asBoolean()).isFalse();
        assertThat(out.path("trajectory_id").asText()).isEqualTo(id);
        assertThat(out.path("status").asText()).isEqualTo("running");
        assertThat(out.path("next").asText()).contains("Call wait-for-trajectory again").contains("do not start the run again");
        List<RecordedRequest> polls = sandbox.requests().matching("GET", "/api/v1/db/trajectory/.*");
        assertThat(polls).hasSizeBetween(2, 4); // 1 s backoff growing: t=0, 1, 2
        assertThat(polls).allSatisfy(p -> assertThat(p.path()).isEqualTo("/api/v1/db/trajectory/demo/slow-echo/" + id));

        // cancel the run by workflow id; the next wait ends at once with the terminal status
        JsonNode set = server.ok("set-trajectory-status", Map.of("task", "slow-echo", "trajectory_ids", List.of(wf),
                "status", "cancelled"));
        assertThat(set.path("requested").path(id).asText()).isEqualTo("cancelled");
        JsonNode after = server.ok("wait-for-trajectory", Map.of("task", "slow-echo", "trajectory_id", id, "timeout_seconds", 5));
        assertThat(after.path("done").asBoolean()).isTrue();
        assertThat(after.path("status").asText()).isEqualTo("cancelled");
    }

    @Test
    void waitingOnAnUnknownRunSaysNotVisibleYetNeverATypo() {
        // a 404 may be a row Jetty has not written yet (§7 E4): said so, with how to check, never "run it again"
        JsonNode waited = server.ok("wait-for-trajectory", Map.of("task", "text-echo", "trajectory_id", "deadbeef",
                "timeout_seconds", 1));
        assertThat(waited.path("visible").asBoolean(true)).isFalse();
        assertThat(waited.path("next").asText()).contains("deadbeef").contains("not visible yet, it may still be queued")
                .doesNotContainIgnoringCase("spelling");
        assertThat(sandbox.requests().matching("GET", "/api/v1/db/trajectory/.*"))
                .allSatisfy(p -> assertThat(p.path()).isEqualTo("/api/v1/db/trajectory/demo/text-echo/deadbeef"));
    }

    @Test
    void aWaitWithABadIdOrBudgetIsRefusedBeforeAnyRequest() {
        assertThat(server.error("wait-for-trajectory", Map.of("task", "text-echo", "trajectory_id", "../etc",
                "timeout_seconds", 5))).contains("trajectory_id");
        assertThat(server.error("wait-for-trajectory", Map.of("task", "text-echo", "trajectory_id", "deadbeef",
                "timeout_seconds", 0))).contains("timeout_seconds");
        assertThat(sandbox.requests().matching("GET", "/api/v1/db/.*")).isEmpty();
    }

    // ---- run-runbook (was RunbookE2ETest), against the production profile

    private RecordedRequest chat() {
        List<RecordedRequest> posts = sandbox.requests().matching("POST", "/v1/chat/completions");
        assertThat(posts).hasSize(1);
        return posts.get(0);
    }

    private void production() {
        sandbox.switches().production();
    }

    @Test
    void runbookFileStartsAndReturnsIdsWithVariablesInTheJettyBlock() throws Exception {
        production();
        Path file = Files.writeString(home.resolve("RUNBOOK.md"), RUNBOOK);
        JsonNode out = user.ok("run-runbook", args("collection", "demo", "task", "rb-e2e", "runbook_path", file.toString(),
                "template_variables", Map.of("sample_size", "7")));
        String id = out.path("trajectory_id").asText();
        assertThat(out.path("started").asBoolean()).isTrue();
        assertThat(id).matches("[0-9a-f]{8}");
        assertThat(out.path("workflow_id").asText()).isEqualTo("demo-rb-e2e--" + id);
        assertThat(out.path("link").asText()).isEqualTo("https://jetty.io/demo/rb-e2e/" + id);
        assertThat(out.path("use_trial_keys").asBoolean()).isFalse();
        assertThat(out.path("secrets_checked").toString()).isEqualTo("[\"OPENROUTER_API_KEY\"]");

        JsonNode body = chat().bodyJson();
        assertThat(body.path("model").asText()).isEqualTo("anthropic/claude-sonnet-4.6");
        assertThat(body.path("stream").isBoolean()).isTrue();
        assertThat(body.path("stream").asBoolean(true)).isFalse();
        assertThat(body.path("jetty").path("timeout_hint").asInt()).as("half the 2 s bound, at least 1").isEqualTo(1);
        assertThat(out.path("status").asText()).as("a 202: the run goes on").isEqualTo("running");
        assertThat(body.path("messages").get(0).path("role").asText()).isEqualTo("system");
        assertThat(body.path("messages").get(0).path("content").asText()).isEqualTo(RUNBOOK);
        assertThat(body.path("messages").get(1).path("content").asText()).isEqualTo("Execute the runbook.");
        JsonNode j = body.path("jetty");
        assertThat(j.path("runbook").asBoolean()).isTrue();
        assertThat(j.path("collection").asText()).isEqualTo("demo");
        assertThat(j.path("task").asText()).isEqualTo("rb-e2e");
        assertThat(j.path("agent").asText()).isEqualTo("claude-code");
        assertThat(j.path("model_provider").asText()).isEqualTo("openrouter");
        assertThat(j.path("template_variables").path("sample_size").asText()).isEqualTo("7");
        assertThat(j.has("use_trial_keys")).isFalse();
        assertThat(chat().header("authorization")).isEqualTo("Bearer " + SandboxSeeds.USER_TOKEN);
        // the secrets were checked against the env names before the start
        RecordedRequest env = sandbox.requests().matching("GET", "/api/v1/collections/demo/environment").get(0);
        assertThat(env.seq()).isLessThan(chat().seq());
        assertThat(out.toString()).doesNotContain(SandboxSeeds.DEMO_OPENROUTER_KEY);
    }

    @Test
    void missingSecretsAreListedAndNothingStarts() {
        production();
        String rb = RUNBOOK.replace("OPENROUTER_API_KEY", "PDF_SERVICE_KEY");
        String err = user.error("run-runbook", args("collection", "demo", "task", "rb-e2e", "runbook", rb));
        assertThat(err).contains("[PDF_SERVICE_KEY]").contains("set-env-vars").contains("Nothing was started");
        assertThat(sandbox.requests().matching("POST", ".*")).isEmpty();
    }

    @Test
    void modelAndSourceProblemsAreRefusedBeforeAnyRequest() {
        production();
        String bare = RUNBOOK.replace("anthropic/claude-sonnet-4.6", "claude-sonnet-4-6");
        assertThat(user.error("run-runbook", args("collection", "demo", "task", "t", "runbook", bare)))
                .contains("anthropic/claude-sonnet-4.6").contains("provider-qualified");
        String noModel = RUNBOOK.replace("model: anthropic/claude-sonnet-4.6\n", "");
        assertThat(user.error("run-runbook", args("collection", "demo", "task", "t", "runbook", noModel)))
                .contains("'model'").contains("empty");
        assertThat(user.error("run-runbook", args("collection", "demo", "task", "t", "runbook", RUNBOOK, "model", " ")))
                .contains("empty");
        assertThat(user.error("run-runbook", args("collection", "demo", "task", "t"))).contains("runbook_path");
        // outside the allowed folders an existing and a missing file are refused alike, as for upload-file
        String existing = user.error("run-runbook", args("collection", "demo", "task", "t", "runbook_path", "/etc/hostname"));
        String missing = user.error("run-runbook", args("collection", "demo", "task", "t", "runbook_path", "/etc/no-such-rb.md"));
        assertThat(existing).contains("outside the folders");
        assertThat(missing.replace("/etc/no-such-rb.md", "/etc/hostname")).isEqualTo(existing);
        assertThat(user.error("run-runbook", args("collection", "demo", "task", "t", "runbook", RUNBOOK,
                "file_paths", List.of("file-abc123")))).contains("not a storage path");
        assertThat(user.error("run-runbook", args("collection", "demo", "task", "t", "runbook", RUNBOOK,
                "file_paths", List.of("other/_sandbox_uploads/x/in.csv")))).contains("'other'");
        assertThat(sandbox.requests().matching("*", "/(v1|api/v1/(collections|run|db)).*")).isEmpty();
    }

    @Test
    void trialKeysAreUsedWhenTheTrialIsActiveAndNoProviderKeyExists() {
        production();
        JsonNode out = user.ok("run-runbook", args("collection", "acme", "task", "rb-trial", "runbook", NO_SECRETS_RUNBOOK));
        assertThat(out.path("started").asBoolean()).isTrue();
        assertThat(out.path("use_trial_keys").asBoolean()).isTrue();
        assertThat(chat().bodyJson().path("jetty").path("use_trial_keys").asBoolean()).isTrue();
        assertThat(sandbox.requests().matching("GET", "/api/v1/trial/acme")).hasSize(1);
    }

    @Test
    void anExplicitNoToTrialKeysIsSentSoJettyDoesNotApplyThemItself() {
        production();
        JsonNode out = user.ok("run-runbook", args("collection", "acme", "task", "rb-trial", "runbook", NO_SECRETS_RUNBOOK,
                "use_trial_keys", false));
        assertThat(out.path("use_trial_keys").asBoolean()).isFalse();
        JsonNode jetty = chat().bodyJson().path("jetty");
        assertThat(jetty.has("use_trial_keys")).isTrue();
        assertThat(jetty.path("use_trial_keys").asBoolean(true)).isFalse();
        assertThat(sandbox.requests().matching("GET", "/api/v1/trial/acme")).as("no look-up for an explicit value").isEmpty();
    }

    @Test
    void a500CarryingJettyMetadataCountsAsStarted() {
        production();
        sandbox.switches().chat500WithMetadata(true);
        JsonNode out = user.ok("run-runbook", args("collection", "demo", "task", "rb-500", "runbook", RUNBOOK));
        assertThat(out.path("started").asBoolean()).isTrue();
        assertThat(out.path("trajectory_id").asText()).matches("[0-9a-f]{8}");
        assertThat(out.path("note").asText()).contains("500").contains("do not run it again");
        chat();
    }

    @Test
    void jettysValidationErrorsAreToolErrors() {
        production();
        String err = user.error("run-runbook", args("collection", "demo", "task", "t", "runbook", RUNBOOK,
                "snapshot", "no-such-snapshot"));
        assertThat(err).contains("422").contains("snapshot");
        chat();
    }

    @Test
    void anEdge524IsAnUnconfirmedStartNeverARetry() {
        production();
        sandbox.faults().add(FaultRule.html524("POST", "/v1/chat/completions"));
        JsonNode out = user.ok("run-runbook", args("collection", "demo", "task", "text-echo", "runbook", RUNBOOK));
        assertThat(out.path("started").asText()).isEqualTo("unconfirmed");
        assertThat(out.path("note").asText()).contains("524").contains("may have started").contains("Do not run");
        chat();
    }

    @Test
    void aStartNotConfirmedInTimeIsClosedAndReportsTheNewestTrajectory() throws Exception {
        production();
        sandbox.faults().add(FaultRule.hang("POST", "/v1/chat/completions"));
        // once the start hangs, a run of the task appears (as when Jetty started it but never answered)
        CompletableFuture<Integer> other = CompletableFuture.supplyAsync(() -> {
            try {
                while (sandbox.requests().matching("POST", "/v1/chat/completions").isEmpty()) {
                    Thread.sleep(10);
                }
                int status = startRunDirectly("demo", "text-echo").statusCode();
                // past the production row lag, so the run is listed when the bound ends
                sandbox.clock().advance(Duration.ofSeconds(3));
                return status;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        JsonNode out = user.ok("run-runbook", args("collection", "demo", "task", "text-echo", "runbook", RUNBOOK));
        assertThat(other.get()).isEqualTo(200);
        assertThat(out.path("started").asText()).isEqualTo("unconfirmed");
        String id = out.path("trajectory_id").asText();
        assertThat(id).matches("[0-9a-f]{8}");
        assertThat(out.path("link").asText()).endsWith("/demo/text-echo/" + id);
        assertThat(out.path("note").asText()).contains("sent but not confirmed within " + BOUND_SECONDS + " s")
                .contains("may be running").contains(id).contains("wait-for-trajectory");
        assertThat(out.path("newest_trajectory").path("trajectory_id").asText()).isEqualTo(id);
        chat();
        List<RecordedRequest> lists = sandbox.requests().matching("GET", "/api/v1/db/trajectories/demo/text-echo");
        assertThat(lists).hasSize(2); // the newest before the start, and again after the bound
    }

    @Test
    void whenTheNewestCouldNotBeListedBeforeTheStartAnOlderRunIsNotCalledNew() throws Exception {
        production();
        HttpResponse<String> earlier = startRunDirectly("demo", "text-echo");
        assertThat(earlier.statusCode()).isEqualTo(200);
        String wf = M.readTree(earlier.body()).path("workflow_id").asText();
        String old = wf.substring(wf.lastIndexOf("--") + 2);
        // the look-up before the start fails, then the start is never confirmed
        sandbox.faults().add(FaultRule.status("GET", "/api/v1/db/trajectories/demo/text-echo", 403).withTimes(1));
        sandbox.faults().add(FaultRule.hang("POST", "/v1/chat/completions"));
        JsonNode out = user.ok("run-runbook", args("collection", "demo", "task", "text-echo", "runbook", RUNBOOK));
        assertThat(out.path("started").asText()).isEqualTo("unconfirmed");
        assertThat(out.has("trajectory_id")).as("the earlier run must not be offered as this one").isFalse();
        assertThat(out.has("link")).isFalse();
        assertThat(out.path("newest_trajectory_id").asText()).isEqualTo(old);
        assertThat(out.path("note").asText()).doesNotContain("appeared after the request")
                .contains("cannot be told").contains(old).contains("get-trajectory").contains("Do not run");
        chat();
        assertThat(sandbox.requests().matching("GET", "/api/v1/db/trajectories/demo/text-echo")).hasSize(2);
    }

    private HttpResponse<String> startRunDirectly(String c, String t) throws Exception {
        String boundary = "e2eBoundary7";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"init_params\"\r\n\r\n{}\r\n--" + boundary + "--\r\n";
        HttpRequest req = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/api/v1/run/" + c + "/" + t))
                .header("Authorization", "Bearer " + SandboxSeeds.USER_TOKEN)
                .header("User-Agent", "jetty-mcp-e2e/1.0")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
    }
}
