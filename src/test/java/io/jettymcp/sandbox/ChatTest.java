package io.jettymcp.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ChatTest extends SandboxTestBase {

    static final String RUNBOOK = "---\\nprimary_outputs: [report.md]\\n---\\nRead the input. Write report.md to {{results_dir}}.";

    String runbookBody(String task, String extraJetty, boolean stream) {
        return "{\"model\":\"anthropic/claude-sonnet-4.6\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"system\",\"content\":\""
                + RUNBOOK + "\"},{\"role\":\"user\",\"content\":\"Execute the runbook.\"}],\"jetty\":{\"runbook\":true,"
                + "\"collection\":\"demo\",\"task\":\"" + task + "\",\"agent\":\"claude-code\"" + extraJetty + "}}";
    }

    @Test
    void passthroughReturnsCompletionAndRecordsChatTrajectory() {
        Http.Resp r = http.post("/v1/chat/completions", DEMO,
                "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}]}");
        assertThat(r.status()).isEqualTo(200);
        JsonNode j = r.json();
        assertThat(j.get("object").asText()).isEqualTo("chat.completion");
        assertThat(j.at("/choices/0/message/content").asText()).contains("Say hi");
        String id = j.at("/jetty_metadata/trajectory_id").asText();
        JsonNode t = http.get("/api/v1/db/trajectory/demo/_chat/" + id, DEMO).json();
        assertThat(t.get("status").asText()).isEqualTo("completed");
        assertThat(http.post("/v1/chat/completions", DEMO, "{\"messages\":[]}").status()).isEqualTo(422);
    }

    @Test
    void runbookModeValidatesAutoCreatesAndRuns() throws Exception {
        Http.Resp bad = http.post("/v1/chat/completions", DEMO, "{\"model\":\"m\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"x\"}],\"jetty\":{\"runbook\":true,\"agent\":\"bogus\"}}");
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.json().get("detail")).extracting(n -> n.get("loc").get(n.get("loc").size() - 1).asText())
                .contains("collection", "task", "agent", "messages");
        assertThat(http.post("/v1/chat/completions", ACME, runbookBody("rb", "", false)).status()).isEqualTo(403);

        CompletableFuture<HttpResponse<byte[]>> call = async(runbookBody("fresh-runbook",
                ",\"template_variables\":{\"topic\":\"tides\"}", false));
        waitForTask("fresh-runbook");
        JsonNode task = http.get("/api/v1/tasks/demo/fresh-runbook", DEMO).json();
        assertThat(task.at("/workflow/steps/0").asText()).isEqualTo("run");
        assertThat(task.at("/workflow/step_configs/run/activity").asText()).isEqualTo("runbook");
        sandbox.clock().advance(Duration.ofSeconds(31));
        HttpResponse<byte[]> res = call.get(10, TimeUnit.SECONDS);
        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode body = Http.M.readTree(res.body());
        String tid = body.at("/jetty_metadata/trajectory_id").asText();
        assertThat(body.at("/jetty_metadata/workflow_id").asText()).isEqualTo("demo-fresh-runbook--" + tid);
        JsonNode t = http.get("/api/v1/db/trajectory/demo/fresh-runbook/" + tid, DEMO).json();
        assertThat(t.get("status").asText()).isEqualTo("completed");
        assertThat(t.at("/steps/run/outputs/primary_files/0").asText()).isEqualTo("report.md");
        assertThat(t.at("/init_params/vars/results_dir").asText()).isEqualTo("/app/results");
        assertThat(t.at("/init_params/instruction").asText()).contains("/app/results").doesNotContain("{{");
    }

    @Test
    void streamingFirstEventCarriesMetadata() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/v1/chat/completions"))
                .header("User-Agent", Http.UA).header("Authorization", "Bearer " + DEMO)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(runbookBody("pdf-amber-hawk", "", true))).build();
        HttpResponse<Stream<String>> res = java.net.http.HttpClient.newHttpClient().send(req,
                HttpResponse.BodyHandlers.ofLines());
        assertThat(res.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<String> data = new ArrayList<>();
        var it = res.body().filter(l -> l.startsWith("data: ")).iterator();
        data.add(it.next());
        JsonNode first = Http.M.readTree(data.get(0).substring(6));
        assertThat(first.at("/jetty_metadata/trajectory_id").asText()).matches("[0-9a-f]{8}");
        sandbox.clock().advance(Duration.ofSeconds(40));
        while (it.hasNext()) {
            data.add(it.next());
        }
        assertThat(data.get(data.size() - 1)).isEqualTo("data: [DONE]");
        assertThat(String.join("\n", data)).contains("Running agent: claude-code via openrouter");
    }

    @Test
    void aTimeoutHintShorterThanTheRunAnswers202WithTheWorkflowIdOnly() throws Exception {
        CompletableFuture<HttpResponse<byte[]>> call = async(runbookBody("rb-hint", ",\"timeout_hint\":5", false));
        waitForTask("rb-hint");
        sandbox.clock().advance(Duration.ofSeconds(6)); // past the hint; the run takes 30 s
        HttpResponse<byte[]> res = call.get(10, TimeUnit.SECONDS);
        assertThat(res.statusCode()).isEqualTo(202);
        JsonNode body = Http.M.readTree(res.body());
        assertThat(body.path("status").asText()).isEqualTo("running");
        String wf = body.at("/jetty_metadata/workflow_id").asText();
        assertThat(wf).matches("demo-rb-hint--[0-9a-f]{8}");
        assertThat(body.path("jetty_metadata").has("trajectory_id")).isFalse();
        String tid = wf.substring(wf.lastIndexOf("--") + 2);
        assertThat(http.get("/api/v1/db/trajectory/demo/rb-hint/" + tid, DEMO).json().get("status").asText())
                .isEqualTo("running");
    }

    @Test
    void aRunEndingWithinTheHintAnswers200WithTheTrajectoryId() throws Exception {
        // no provider key and no trial keys: the agent exits after 3 virtual seconds
        String body = runbookBody("rb-fast", ",\"use_trial_keys\":false,\"timeout_hint\":5", false)
                .replace("\"collection\":\"demo\"", "\"collection\":\"acme\"");
        HttpRequest req = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/v1/chat/completions"))
                .header("User-Agent", Http.UA).header("Authorization", "Bearer " + ACME)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        CompletableFuture<HttpResponse<byte[]>> call = java.net.http.HttpClient.newHttpClient()
                .sendAsync(req, HttpResponse.BodyHandlers.ofByteArray());
        for (int i = 0; i < 500 && http.get("/api/v1/tasks/acme/rb-fast", ACME).status() != 200; i++) {
            Thread.sleep(10);
        }
        sandbox.clock().advance(Duration.ofSeconds(60)); // however far the clock jumps, the run ended within the hint
        HttpResponse<byte[]> res = call.get(10, TimeUnit.SECONDS);
        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode j = Http.M.readTree(res.body());
        String tid = j.at("/jetty_metadata/trajectory_id").asText();
        assertThat(j.at("/jetty_metadata/workflow_id").asText()).isEqualTo("acme-rb-fast--" + tid);
        assertThat(j.at("/jetty_metadata/status").asText()).isEqualTo("completed"); // the agent failed, the step did not
    }

    @Test
    void aTimeoutHintMustBeANumber() {
        Http.Resp r = http.post("/v1/chat/completions", DEMO, runbookBody("rb", ",\"timeout_hint\":\"soon\"", false));
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.text()).contains("timeout_hint");
    }

    @Test
    void inTheProductionProfileOnlyTheLastStreamedEventCarriesMetadata() throws Exception {
        sandbox.switches().production();
        HttpRequest req = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/v1/chat/completions"))
                .header("User-Agent", Http.UA).header("Authorization", "Bearer " + DEMO)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(runbookBody("pdf-amber-hawk", "", true))).build();
        HttpResponse<Stream<String>> res = java.net.http.HttpClient.newHttpClient().send(req,
                HttpResponse.BodyHandlers.ofLines());
        var it = res.body().filter(l -> l.startsWith("data: ")).iterator();
        String first = it.next();
        assertThat(first).doesNotContain("jetty_metadata");
        sandbox.clock().advance(Duration.ofSeconds(40));
        List<String> rest = new ArrayList<>();
        while (it.hasNext()) {
            rest.add(it.next());
        }
        assertThat(rest.get(rest.size() - 2)).contains("jetty_metadata").contains("\"status\":\"completed\"");
    }

    @Test
    void theHoldSwitchIsExposedAndReset() {
        Http.Resp set = http.post("/__sim/switches", null, "{\"chat_hold_seconds\":2.5}");
        assertThat(set.json().path("chat_hold_seconds").asDouble()).isEqualTo(2.5);
        assertThat(set.json().path("chat_stream_early_metadata").asBoolean()).isTrue();
        sandbox.reset();
        assertThat(sandbox.switches().chatHoldSeconds()).isZero();
    }

    @Test
    void chat500SwitchStillStartsTheRun() {
        sandbox.switches().chat500WithMetadata(true);
        Http.Resp r = http.post("/v1/chat/completions", DEMO, runbookBody("pdf-amber-hawk", "", false));
        assertThat(r.status()).isEqualTo(500);
        String tid = r.json().at("/jetty_metadata/trajectory_id").asText();
        assertThat(http.get("/api/v1/db/trajectory/demo/pdf-amber-hawk/" + tid, DEMO).status()).isEqualTo(200);
    }

    @Test
    void crossedUploadFlowDropsTheFile() throws Exception {
        Http.Resp f = http.multipart("/api/v1/files", DEMO, Http.form("file",
                new Http.Upload("in.csv", "text/csv", "a".getBytes(StandardCharsets.UTF_8))));
        String fileId = f.json().get("id").asText();
        sandbox.switches().chat500WithMetadata(true); // answer at once; the run still starts
        Http.Resp r = http.post("/v1/chat/completions", DEMO, runbookBody("pdf-amber-hawk",
                ",\"file_paths\":[\"" + fileId + "\"]", false));
        String tid = r.json().at("/jetty_metadata/trajectory_id").asText();
        JsonNode t = http.get("/api/v1/db/trajectory/demo/pdf-amber-hawk/" + tid, DEMO).json();
        assertThat(t.at("/init_params/file_paths")).isEmpty();
    }

    @Test
    void runbookUseTrialKeysFalseOptsOutOfTheTrial() {
        sandbox.switches().chat500WithMetadata(true); // answer at once; the run still starts
        String body = runbookBody("rb-own-keys", ",\"use_trial_keys\":false", false)
                .replace("\"collection\":\"demo\"", "\"collection\":\"acme\"");
        Http.Resp r = http.post("/v1/chat/completions", ACME, body);
        assertThat(r.json().at("/jetty_metadata/trial/runs_used").asInt()).isZero();
        String tid = r.json().at("/jetty_metadata/trajectory_id").asText();
        sandbox.clock().advance(Duration.ofSeconds(40));
        JsonNode t = http.get("/api/v1/db/trajectory/acme/rb-own-keys/" + tid, ACME).json();
        assertThat(t.at("/steps/run/outputs/success").asBoolean(true)).isFalse();
        assertThat(t.toString()).contains("no credentials for provider");
        assertThat(http.get("/api/v1/trial/acme", ACME).json().get("runs_used").asInt()).isZero();

        Http.Resp trial = http.post("/v1/chat/completions", ACME, body.replace("\"use_trial_keys\":false", "\"use_trial_keys\":true"));
        assertThat(trial.json().at("/jetty_metadata/trial/runs_used").asInt()).isEqualTo(1);
    }

    @Test
    void webhookIsSignedAndDelivered() throws Exception {
        BlockingQueue<Map<String, String>> got = new LinkedBlockingQueue<>();
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            got.add(Map.of("sig", String.valueOf(ex.getRequestHeaders().getFirst("X-Mise-Signature")),
                    "ts", String.valueOf(ex.getRequestHeaders().getFirst("X-Mise-Timestamp")),
                    "id", String.valueOf(ex.getRequestHeaders().getFirst("X-Mise-Trajectory-Id")),
                    "body", new String(body, StandardCharsets.UTF_8)));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        hook.start();
        try {
            String url = "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook";
            Http.Resp r = http.multipart("/api/v1/run/demo/text-echo", DEMO, Http.form("init_params", "{}",
                    "webhook_url", url, "webhook_secret", "whsec-test"));
            String wid = r.json().get("workflow_id").asText();
            sandbox.clock().advance(Duration.ofSeconds(2));
            Map<String, String> m = got.poll(10, TimeUnit.SECONDS);
            assertThat(m).isNotNull();
            assertThat(wid).endsWith(m.get("id"));
            String expected = Webhooks.sign("whsec-test", m.get("ts"), m.get("body").getBytes(StandardCharsets.UTF_8));
            assertThat(m.get("sig")).isEqualTo(expected);
            assertThat(Http.M.readTree(m.get("body")).get("status").asText()).isEqualTo("completed");
        } finally {
            Thread.sleep(300);
            hook.stop(0);
        }
    }

    private CompletableFuture<HttpResponse<byte[]>> async(String body) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/v1/chat/completions"))
                .header("User-Agent", Http.UA).header("Authorization", "Bearer " + DEMO)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return java.net.http.HttpClient.newHttpClient().sendAsync(req, HttpResponse.BodyHandlers.ofByteArray());
    }

    private void waitForTask(String name) throws InterruptedException {
        for (int i = 0; i < 500 && http.get("/api/v1/tasks/demo/" + name, DEMO).status() != 200; i++) {
            Thread.sleep(10);
        }
    }
}
