package io.jettymcp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.e2e.support.DemoServerTest;
import io.jettymcp.e2e.support.ServerProcess;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.sandbox.RecordedRequest;
import io.jettymcp.sandbox.SandboxSeeds;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.jettymcp.e2e.support.ServerProcess.args;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * run-runbook over stdio: chat-completions runbook mode started with stream:false and a timeout_hint
 * (answered 202 with the workflow id), checks made before the start, the 500-with-metadata quirk and the
 * unconfirmed-start fallback, against the sandbox's production profile. A user token, so both demo (own
 * provider key) and acme (trial, no key) can be used; a 3 s Jetty timeout keeps the start bound short
 * (and the hint at 1 s).
 */
class RunbookE2ETest extends DemoServerTest {

    private static final ObjectMapper M = new ObjectMapper();

    static final String RUNBOOK = """
            ---
            version: 1.0
            agent: claude-code
            model: anthropic/claude-sonnet-4.6
            model_provider: openrouter
            snapshot: python312-uv
            secrets:
              OPENROUTER:
                env: OPENROUTER_API_KEY
                required: true
            parameters:
              sample_size:
                default: 5
            ---
            # Sample tables
            Read {{sample_size}} rows from /app/assets. Write summary.md to {{results_dir}}.
            """;

    @Override
    protected String token() {
        return SandboxSeeds.USER_TOKEN;
    }

    @Override
    protected ServerProcess.Builder configure(ServerProcess.Builder builder) {
        return builder.env("JETTY_TIMEOUT_SECONDS", "3");
    }

    @BeforeAll
    void writeRunbook() throws Exception {
        Files.writeString(server.home().resolve("RUNBOOK.md"), RUNBOOK);
    }

    @BeforeEach
    void clean() {
        sandbox.reset();
        sandbox.switches().production();
    }

    private RecordedRequest chat() {
        List<RecordedRequest> posts = sandbox.requests().matching("POST", "/v1/chat/completions");
        assertThat(posts).hasSize(1);
        return posts.get(0);
    }

    @Test
    void runbookFileStartsAndReturnsIdsWithVariablesInTheJettyBlock() {
        JsonNode out = server.ok("run-runbook", args("collection", "demo", "task", "rb-e2e", "runbook_path", "~/RUNBOOK.md",
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
        assertThat(body.path("jetty").path("timeout_hint").asInt()).as("half the 3 s bound, at least 1").isEqualTo(1);
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
        String rb = RUNBOOK.replace("OPENROUTER_API_KEY", "PDF_SERVICE_KEY");
        String err = server.error("run-runbook", args("collection", "demo", "task", "rb-e2e", "runbook", rb));
        assertThat(err).contains("[PDF_SERVICE_KEY]").contains("set-env-vars").contains("Nothing was started");
        assertThat(sandbox.requests().matching("POST", ".*")).isEmpty();
    }

    @Test
    void modelAndSourceProblemsAreRefusedBeforeAnyRequest() {
        String bare = RUNBOOK.replace("anthropic/claude-sonnet-4.6", "claude-sonnet-4-6");
        assertThat(server.error("run-runbook", args("collection", "demo", "task", "t", "runbook", bare)))
                .contains("anthropic/claude-sonnet-4.6").contains("provider-qualified");
        String noModel = RUNBOOK.replace("model: anthropic/claude-sonnet-4.6\n", "");
        assertThat(server.error("run-runbook", args("collection", "demo", "task", "t", "runbook", noModel)))
                .contains("'model'").contains("empty");
        assertThat(server.error("run-runbook", args("collection", "demo", "task", "t", "runbook", RUNBOOK, "model", " ")))
                .contains("empty");
        assertThat(server.error("run-runbook", args("collection", "demo", "task", "t"))).contains("runbook_path");
        // outside the allowed folders an existing and a missing file are refused alike, as for upload-file
        String existing = server.error("run-runbook", args("collection", "demo", "task", "t", "runbook_path", "/etc/hostname"));
        String missing = server.error("run-runbook", args("collection", "demo", "task", "t", "runbook_path", "/etc/no-such-rb.md"));
        assertThat(existing).contains("outside the folders");
        assertThat(missing.replace("/etc/no-such-rb.md", "/etc/hostname")).isEqualTo(existing);
        assertThat(server.error("run-runbook", args("collection", "demo", "task", "t", "runbook", RUNBOOK,
                "file_paths", List.of("file-abc123")))).contains("not a storage path");
        assertThat(server.error("run-runbook", args("collection", "demo", "task", "t", "runbook", RUNBOOK,
                "file_paths", List.of("other/_sandbox_uploads/x/in.csv")))).contains("'other'");
        assertThat(sandbox.requests().matching("*", "/(v1|api/v1/(collections|run|db)).*")).isEmpty();
    }

    @Test
    void trialKeysAreUsedWhenTheTrialIsActiveAndNoProviderKeyExists() {
        String rb = RUNBOOK.replace("secrets:\n  OPENROUTER:\n    env: OPENROUTER_API_KEY\n    required: true\n", "");
        JsonNode out = server.ok("run-runbook", args("collection", "acme", "task", "rb-trial", "runbook", rb));
        assertThat(out.path("started").asBoolean()).isTrue();
        assertThat(out.path("use_trial_keys").asBoolean()).isTrue();
        assertThat(chat().bodyJson().path("jetty").path("use_trial_keys").asBoolean()).isTrue();
        assertThat(sandbox.requests().matching("GET", "/api/v1/trial/acme")).hasSize(1);
    }

    @Test
    void anExplicitNoToTrialKeysIsSentSoJettyDoesNotApplyThemItself() {
        String rb = RUNBOOK.replace("secrets:\n  OPENROUTER:\n    env: OPENROUTER_API_KEY\n    required: true\n", "");
        JsonNode out = server.ok("run-runbook", args("collection", "acme", "task", "rb-trial", "runbook", rb,
                "use_trial_keys", false));
        assertThat(out.path("use_trial_keys").asBoolean()).isFalse();
        JsonNode jetty = chat().bodyJson().path("jetty");
        assertThat(jetty.has("use_trial_keys")).isTrue();
        assertThat(jetty.path("use_trial_keys").asBoolean(true)).isFalse();
        assertThat(sandbox.requests().matching("GET", "/api/v1/trial/acme")).as("no look-up for an explicit value").isEmpty();
    }

    @Test
    void a500CarryingJettyMetadataCountsAsStarted() {
        sandbox.switches().chat500WithMetadata(true);
        JsonNode out = server.ok("run-runbook", args("collection", "demo", "task", "rb-500", "runbook", RUNBOOK));
        assertThat(out.path("started").asBoolean()).isTrue();
        assertThat(out.path("trajectory_id").asText()).matches("[0-9a-f]{8}");
        assertThat(out.path("note").asText()).contains("500").contains("do not run it again");
        chat();
    }

    @Test
    void jettysValidationErrorsAreToolErrors() {
        String err = server.error("run-runbook", args("collection", "demo", "task", "t", "runbook", RUNBOOK,
                "snapshot", "no-such-snapshot"));
        assertThat(err).contains("422").contains("snapshot");
        chat();
    }

    @Test
    void anEdge524IsAnUnconfirmedStartNeverARetry() {
        sandbox.faults().add(FaultRule.html524("POST", "/v1/chat/completions"));
        JsonNode out = server.ok("run-runbook", args("collection", "demo", "task", "text-echo", "runbook", RUNBOOK));
        assertThat(out.path("started").asText()).isEqualTo("unconfirmed");
        assertThat(out.path("note").asText()).contains("524").contains("may have started").contains("Do not run");
        chat();
    }

    @Test
    void aStartNotConfirmedInTimeIsClosedAndReportsTheNewestTrajectory() throws Exception {
        sandbox.faults().add(FaultRule.hang("POST", "/v1/chat/completions"));
        // while the request hangs, a run of the task appears (as when Jetty started it but never answered)
        CompletableFuture<Integer> other = CompletableFuture.supplyAsync(() -> {
            try {
                Thread.sleep(800);
                return startRunDirectly("demo", "text-echo").statusCode();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        JsonNode out = server.ok("run-runbook", args("collection", "demo", "task", "text-echo", "runbook", RUNBOOK));
        assertThat(other.get()).isEqualTo(200);
        assertThat(out.path("started").asText()).isEqualTo("unconfirmed");
        String id = out.path("trajectory_id").asText();
        assertThat(id).matches("[0-9a-f]{8}");
        assertThat(out.path("link").asText()).endsWith("/demo/text-echo/" + id);
        assertThat(out.path("note").asText()).contains("sent but not confirmed within 3 s").contains("may be running")
                .contains(id).contains("wait-for-trajectory");
        assertThat(out.path("newest_trajectory").path("trajectory_id").asText()).isEqualTo(id);
        chat();
        List<RecordedRequest> lists = sandbox.requests().matching("GET", "/api/v1/db/trajectories/demo/text-echo");
        assertThat(lists).hasSize(2); // the newest before the start, and again after the bound
    }

    @Test
    void whenTheNewestCouldNotBeListedBeforeTheStartAnOlderRunIsNotCalledNew() throws Exception {
        HttpResponse<String> earlier = startRunDirectly("demo", "text-echo");
        assertThat(earlier.statusCode()).isEqualTo(200);
        String wf = M.readTree(earlier.body()).path("workflow_id").asText();
        String old = wf.substring(wf.lastIndexOf("--") + 2);
        // the look-up before the start fails, then the start is never confirmed
        sandbox.faults().add(FaultRule.status("GET", "/api/v1/db/trajectories/demo/text-echo", 403).withTimes(1));
        sandbox.faults().add(FaultRule.hang("POST", "/v1/chat/completions"));
        JsonNode out = server.ok("run-runbook", args("collection", "demo", "task", "text-echo", "runbook", RUNBOOK));
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
