package io.jettymcp.sandbox;

import static io.jettymcp.sandbox.Http.form;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RunsTest extends SandboxTestBase {

    JsonNode run(String token, String c, String t, String initParams) {
        Http.Resp r = http.multipart("/api/v1/run/" + c + "/" + t, token, form("init_params", initParams));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json();
    }

    static String idOf(JsonNode runResponse) {
        String wid = runResponse.get("workflow_id").asText();
        return wid.substring(wid.lastIndexOf("--") + 2);
    }

    JsonNode traj(String token, String c, String t, String id) {
        Http.Resp r = http.get("/api/v1/db/trajectory/" + c + "/" + t + "/" + id, token);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json();
    }

    void advance(double seconds) {
        sandbox.clock().advance(Duration.ofMillis((long) (seconds * 1000)));
    }

    JsonNode createAndRun(String name, String workflow, String initParams) {
        Http.Resp c = http.post("/api/v1/tasks/demo", DEMO, "{\"name\":\"" + name + "\",\"workflow\":" + workflow + "}");
        assertThat(c.status()).as(c.text()).isEqualTo(201);
        return run(DEMO, "demo", name, initParams);
    }

    @Test
    void runReturnsWorkflowResponseWithDeterministicIds() {
        JsonNode r = run(DEMO, "demo", "text-echo", "{\"text\":\"hi\"}");
        assertThat(r.get("message").asText()).isEqualTo("started");
        assertThat(r.get("workflow_id").asText()).matches("demo-text-echo--[0-9a-f]{8}");
        assertThat(r.has("result")).isTrue();
        assertThat(r.get("metadata").asText()).isEmpty();
        assertThat(r.has("trial")).isFalse();
        sandbox.reset();
        assertThat(run(DEMO, "demo", "text-echo", "{}").get("workflow_id").asText()).isEqualTo(r.get("workflow_id").asText());
    }

    @Test
    void runsAreMultipartOnly() {
        Http.Resp j = http.post("/api/v1/run/demo/text-echo", DEMO, "{\"init_params\":{}}");
        assertThat(j.status()).isEqualTo(422);
        assertThat(j.json().at("/detail/0/loc/1").asText()).isEqualTo("init_params");
        assertThat(http.multipart("/api/v1/run/demo/text-echo", DEMO, form("init_params", "[1]")).status()).isEqualTo(422);
        Http.Resp nf = http.multipart("/api/v1/run/demo/nope", DEMO, form("init_params", "{}"));
        assertThat(nf.status()).isEqualTo(404);
        assertThat(nf.detail()).isEqualTo("Task 'nope' in collection 'demo' not found");
        assertThat(http.multipart("/api/v1/run/acme/triage", DEMO, form("init_params", "{}")).status()).isEqualTo(403);
        // legacy and unknown fields are accepted and ignored
        assertThat(http.multipart("/api/v1/run/demo/text-echo", DEMO,
                form("init_params", "{}", "bakery_host", "https://dock.jetty.io", "whatever", "x")).status()).isEqualTo(200);
    }

    @Test
    void stepEngineRunsOnTheVirtualClock() {
        String wf = "{\"init_params\":{\"text\":\"hello\"},\"step_configs\":{"
                + "\"echo\":{\"activity\":\"text_echo\",\"text_path\":\"init_params.text\"},"
                + "\"chat\":{\"activity\":\"litellm_chat\",\"model\":\"openrouter/openai/gpt-4o-mini\",\"prompt_path\":\"echo.outputs.text\"},"
                + "\"judge\":{\"activity\":\"simple_judge\",\"item_path\":\"chat.outputs.text\",\"instruction\":\"Rate it\"}},"
                + "\"steps\":[\"echo\",\"chat\",\"judge\"]}";
        String id = idOf(createAndRun("three", wf, "{\"text\":\"ahoy\"}"));
        JsonNode t0 = traj(DEMO, "demo", "three", id);
        assertThat(t0.get("status").asText()).isIn("pending", "running");
        assertThat(t0.get("total_steps")).hasSize(3);
        assertThat(t0.get("init_params").get("text").asText()).isEqualTo("ahoy");
        advance(1.5);
        JsonNode t1 = traj(DEMO, "demo", "three", id);
        assertThat(t1.get("status").asText()).isEqualTo("running");
        assertThat(t1.get("completed_steps")).extracting(JsonNode::asText).containsExactly("echo");
        assertThat(t1.at("/steps/echo/outputs/text").asText()).isEqualTo("ahoy");
        assertThat(t1.at("/steps/echo/status").asText()).isEqualTo("completed");
        assertThat(t1.at("/steps/echo/duration_seconds").asDouble()).isEqualTo(1.0);
        advance(5);
        JsonNode t2 = traj(DEMO, "demo", "three", id);
        assertThat(t2.get("status").asText()).isEqualTo("completed");
        assertThat(t2.get("steps").isObject()).isTrue();
        assertThat(t2.at("/steps/chat/outputs/text").asText()).contains("ahoy");
        assertThat(t2.at("/steps/judge/outputs/results/0/score").isNumber()).isTrue();
        assertThat(t2.at("/steps/judge/outputs/average_score").isNumber()).isTrue();
        assertThat(t2.get("error").isNull()).isTrue();
    }

    @Test
    void emptyStepsCompleteAtOnceAndUnknownActivityFails() {
        String id = idOf(createAndRun("empty", "{\"init_params\":{},\"step_configs\":{},\"steps\":[]}", "{}"));
        JsonNode t = traj(DEMO, "demo", "empty", id);
        assertThat(t.get("status").asText()).isEqualTo("completed");
        assertThat(t.get("total_steps")).isEmpty();
        String id2 = idOf(createAndRun("stub", "{\"init_params\":{},\"step_configs\":{\"reply\":{\"activity\":\"completion\"}},"
                + "\"steps\":[\"reply\"]}", "{}"));
        advance(1);
        JsonNode f = traj(DEMO, "demo", "stub", id2);
        assertThat(f.get("status").asText()).isEqualTo("failed");
        assertThat(f.get("error").asText()).isEqualTo("No step registered for 'completion'");
        assertThat(f.at("/steps/reply/status").asText()).isEqualTo("failed");
    }

    @Test
    void wrongParameterNamesFailRealistically() {
        String up = idOf(createAndRun("up", "{\"init_params\":{\"q\":\"x\"},\"step_configs\":{\"c\":{\"activity\":\"litellm_chat\","
                + "\"model\":\"openrouter/openai/gpt-4o-mini\",\"user_prompt_path\":\"init_params.q\"}},\"steps\":[\"c\"]}", "{}"));
        String items = idOf(createAndRun("fan", "{\"init_params\":{},\"step_configs\":{\"f\":{\"activity\":\"list_emit_await\","
                + "\"items\":[\"a\",\"b\"],\"child_workflow_name\":\"text-echo\"}},\"steps\":[\"f\"]}", "{}"));
        String arr = idOf(createAndRun("arr", "{\"init_params\":{\"xs\":[\"a\",\"b\"]},\"step_configs\":{\"c\":{\"activity\":"
                + "\"litellm_chat\",\"model\":\"anthropic/claude-sonnet-4.6\",\"prompt_path\":\"init_params.xs\"}},\"steps\":[\"c\"]}", "{}"));
        advance(3);
        assertThat(traj(DEMO, "demo", "up", up).get("error").asText()).contains("prompt or prompt_path is required");
        assertThat(traj(DEMO, "demo", "fan", items).get("error").asText()).isEqualTo("ValueError: items_path is required");
        assertThat(traj(DEMO, "demo", "arr", arr).get("error").asText())
                .isEqualTo("TypeError: string indices must be integers, not 'str'");
    }

    @Test
    void fanOutCreatesChildTrajectories() {
        String id = idOf(createAndRun("fan2", "{\"init_params\":{\"xs\":[\"a\",\"b\"]},\"step_configs\":{\"f\":{\"activity\":"
                + "\"list_emit_await\",\"items_path\":\"init_params.xs\",\"child_workflow_name\":\"text-echo\","
                + "\"item_param_name\":\"text\"},\"x\":{\"activity\":\"extract_from_trajectories\",\"trajectory_list_path\":"
                + "\"f.outputs.trajectory_references\",\"extract_keys\":{\"t\":\"echo.outputs.text\"}}},\"steps\":[\"f\",\"x\"]}", "{}"));
        advance(10);
        JsonNode t = traj(DEMO, "demo", "fan2", id);
        assertThat(t.get("status").asText()).isEqualTo("completed");
        assertThat(t.at("/steps/f/outputs/trajectory_references")).hasSize(2);
        assertThat(t.at("/steps/x/outputs/results")).extracting(n -> n.get("t").asText()).containsExactly("a", "b");
    }

    @Test
    void runbookOutcomes() {
        String good = idOf(run(DEMO, "demo", "pdf-amber-hawk", "{}"));
        String bare = idOf(run(DEMO, "demo", "pdf-amber-hawk", "{\"model\":\"claude-sonnet-4-6\"}"));
        advance(31);
        JsonNode g = traj(DEMO, "demo", "pdf-amber-hawk", good);
        assertThat(g.get("status").asText()).isEqualTo("completed");
        assertThat(g.at("/steps/run/outputs/success").asBoolean()).isTrue();
        assertThat(g.at("/steps/run/outputs/primary_files")).extracting(JsonNode::asText).containsExactly("extracted_tables.json");
        String path = g.at("/steps/run/outputs/results_files/0/path").asText();
        assertThat(path).startsWith("demo/pdf-amber-hawk/0000/" + good + "/results/");
        Http.Resp f = http.get("/api/v1/file/" + path, DEMO);
        assertThat(f.status()).isEqualTo(200);
        assertThat(f.header("content-disposition")).contains("extracted_tables.json");
        assertThat(http.get("/api/v1/file/" + path, ACME).status()).isEqualTo(403);
        assertThat(http.get("/api/v1/file/demo/nope.txt", DEMO).status()).isEqualTo(404);
        JsonNode b = traj(DEMO, "demo", "pdf-amber-hawk", bare);
        assertThat(b.at("/steps/run/outputs/success").asBoolean()).isFalse();
        assertThat(b.at("/steps/run/outputs/results_files")).isEmpty();
        assertThat(b.at("/steps/run/duration_seconds").asDouble()).isLessThan(10);
    }

    @Test
    void runSyncAnswersAfterTheRunOr524() throws Exception {
        CompletableFuture<HttpResponse<byte[]>> fast = syncAsync("text-echo");
        waitForRequests(1);
        advance(2);
        HttpResponse<byte[]> ok = fast.get(10, TimeUnit.SECONDS);
        assertThat(ok.statusCode()).isEqualTo(200);
        JsonNode body = Http.M.readTree(ok.body());
        assertThat(body.get("status").asText()).isEqualTo("completed");
        assertThat(body.at("/trajectory/steps/echo/outputs/text").asText()).isEqualTo("Hello from the Jetty sandbox!");

        sandbox.switches().runSyncHoldSeconds(5);
        CompletableFuture<HttpResponse<byte[]>> slow = syncAsync("pdf-amber-hawk");
        waitForRequests(2);
        advance(6);
        HttpResponse<byte[]> timeout = slow.get(10, TimeUnit.SECONDS);
        assertThat(timeout.statusCode()).isEqualTo(524);
        assertThat(new String(timeout.body(), StandardCharsets.UTF_8)).contains("Error code 524");
        advance(30);
        JsonNode list = http.get("/api/v1/db/trajectories/demo/pdf-amber-hawk", DEMO).json();
        assertThat(list.at("/trajectories/0/status").asText()).isEqualTo("completed");
    }

    private CompletableFuture<HttpResponse<byte[]>> syncAsync(String task) {
        String boundary = "b0undary";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"init_params\"\r\n\r\n{}\r\n--" + boundary + "--\r\n";
        HttpRequest req = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/api/v1/run-sync/demo/" + task))
                .header("User-Agent", Http.UA).header("Authorization", "Bearer " + DEMO)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return java.net.http.HttpClient.newHttpClient().sendAsync(req, HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Waits (bounded) until the sandbox has created the run, so the clock advance happens after it. */
    private void waitForRequests(int runs) throws InterruptedException {
        for (int i = 0; i < 500 && sandbox.requests().matching("POST", "/api/v1/run-sync/.*").size() < runs; i++) {
            Thread.sleep(10);
        }
        Thread.sleep(50);
    }

    @Test
    void trajectoriesListIsWrappedNewestFirstAndPaginated() {
        String a = idOf(run(DEMO, "demo", "text-echo", "{}"));
        String b = idOf(run(DEMO, "demo", "text-echo", "{}"));
        String c = idOf(run(DEMO, "demo", "text-echo", "{}"));
        JsonNode p1 = http.get("/api/v1/db/trajectories/demo/text-echo?limit=2&page=1", DEMO).json();
        assertThat(p1.get("trajectories")).extracting(n -> n.get("trajectory_id").asText()).containsExactly(c, b);
        assertThat(p1.get("total").asInt()).isEqualTo(3);
        assertThat(p1.get("has_more").asBoolean()).isTrue();
        JsonNode p2 = http.get("/api/v1/db/trajectories/demo/text-echo?limit=2&page=2", DEMO).json();
        assertThat(p2.get("trajectories")).extracting(n -> n.get("trajectory_id").asText()).containsExactly(a);
        assertThat(p2.get("has_more").asBoolean()).isFalse();
    }

    @Test
    void fullWorkflowIdYieldsNullStatusOr404() {
        JsonNode r = run(DEMO, "demo", "text-echo", "{}");
        String wid = r.get("workflow_id").asText();
        JsonNode t = traj(DEMO, "demo", "text-echo", wid);
        assertThat(t.get("status").isNull()).isTrue();
        sandbox.switches().nullStatusForWorkflowId(false);
        assertThat(http.get("/api/v1/db/trajectory/demo/text-echo/" + wid, DEMO).status()).isEqualTo(404);
        assertThat(http.get("/api/v1/db/trajectory/demo/text-echo/0badc0de", DEMO).detail()).isEqualTo("Trajectory not found");
    }

    @Test
    void logsAndStats() {
        JsonNode r = run(DEMO, "demo", "text-echo", "{}");
        run(DEMO, "demo", "text-echo", "{}");
        advance(2);
        JsonNode logs = http.get("/api/v1/workflows-logs/" + r.get("workflow_id").asText(), DEMO).json();
        assertThat(logs.get("events")).isNotEmpty();
        assertThat(logs.get("events").get(0).has("level")).isTrue();
        assertThat(logs.get("events").get(0).has("timestamp")).isTrue();
        assertThat(http.get("/api/v1/workflows-logs/" + idOf(r), DEMO).status()).isEqualTo(404);
        assertThat(http.get("/api/v1/workflows-logs/" + r.get("workflow_id").asText(), ACME).status()).isEqualTo(403);
        JsonNode stats = http.get("/api/v1/db/stats/demo/text-echo", DEMO).json();
        assertThat(stats.get("total").asInt()).isEqualTo(2);
        assertThat(stats.at("/by_status/completed").asInt()).isEqualTo(2);
        assertThat(stats.get("mean_duration_seconds").asDouble()).isEqualTo(1.0);
    }

    @Test
    void labelsValidateAndRace() {
        String id = idOf(run(DEMO, "demo", "text-echo", "{}"));
        String base = "/api/v1/trajectory/demo/text-echo/" + id + "/labels";
        Http.Resp missing = http.post(base, DEMO, "{\"key\":\"q\",\"value\":\"high\"}");
        assertThat(missing.status()).isEqualTo(422);
        assertThat(missing.json().at("/detail/0/loc/1").asText()).isEqualTo("author");
        assertThat(http.post(base, DEMO, "{\"key\":\"q\",\"value\":2.5,\"author\":\"eve\"}").status()).isEqualTo(422);
        assertThat(http.post(base, DEMO, "{\"key\":\"q\",\"value\":\"2.5\",\"author\":\"eve\"}").status()).isEqualTo(200);
        advance(2);
        JsonNode t = traj(DEMO, "demo", "text-echo", id);
        assertThat(t.get("labels")).hasSize(1);
        assertThat(t.at("/labels/0/value").asText()).isEqualTo("2.5");

        sandbox.switches().labelRaceMillis(5000);
        String id2 = idOf(run(DEMO, "demo", "text-echo", "{}"));
        advance(2);
        Http.Resp lost = http.post("/api/v1/trajectory/demo/text-echo/" + id2 + "/labels", DEMO,
                "{\"key\":\"q\",\"value\":\"x\",\"author\":\"eve\"}");
        assertThat(lost.status()).isEqualTo(200);
        assertThat(traj(DEMO, "demo", "text-echo", id2).get("labels")).isEmpty();
        advance(10);
        http.post("/api/v1/trajectory/demo/text-echo/" + id2 + "/labels", DEMO, "{\"key\":\"q\",\"value\":\"y\",\"author\":\"eve\"}");
        assertThat(traj(DEMO, "demo", "text-echo", id2).get("labels")).hasSize(1);
    }

    @Test
    void batchStatusesStopRuns() {
        String id = idOf(run(DEMO, "demo", "pdf-amber-hawk", "{}"));
        String url = "/api/v1/trajectory/demo/pdf-amber-hawk/statuses";
        Http.Resp bad = http.post(url, DEMO, "{\"" + id + "\":\"running\"}");
        assertThat(bad.status()).isEqualTo(422);
        // the documented answer (jettyio-skills fecc162): {results:[{trajectory_id,new_status,updated,storage_path,error}], updated_count}
        JsonNode answer = http.post(url, DEMO, "{\"" + id + "\":\"cancelled\",\"ffffffff\":\"archived\"}").json();
        assertThat(answer.get("updated_count").asInt()).isEqualTo(1);
        assertThat(answer.get("results")).hasSize(2);
        JsonNode done = answer.at("/results/0");
        assertThat(done.get("trajectory_id").asText()).isEqualTo(id);
        assertThat(done.get("new_status").asText()).isEqualTo("cancelled");
        assertThat(done.get("updated").asText()).matches("\\d{4}-.*");
        assertThat(done.get("storage_path").asText()).isEqualTo("demo/pdf-amber-hawk/0000");
        assertThat(done.get("error").isNull()).isTrue();
        JsonNode missing = answer.at("/results/1");
        assertThat(missing.get("trajectory_id").asText()).isEqualTo("ffffffff");
        assertThat(missing.get("updated").isNull()).isTrue();
        assertThat(missing.get("error").asText()).contains("ffffffff").contains("not found");
        assertThat(answer.has("not_found")).isFalse();
        advance(60);
        JsonNode t = traj(DEMO, "demo", "pdf-amber-hawk", id);
        assertThat(t.get("status").asText()).isEqualTo("cancelled");
        assertThat(t.get("completed_steps")).isEmpty();
    }

    @Test
    void uploadsSecretsAndDownloads() throws Exception {
        byte[] pdf = "%PDF-1.4 fake".getBytes(StandardCharsets.UTF_8);
        Http.Resp r = http.multipart("/api/v1/run/demo/text-echo", DEMO, form("init_params", "{\"text\":\"f\"}",
                "files#1", new Http.Upload("doc.pdf", "application/pdf", pdf),
                "files#2", new Http.Upload("notes.txt", "text/plain", "n".getBytes(StandardCharsets.UTF_8)),
                "secret_params", "{\"TEMP_API_KEY\":\"sk-topsecret-123\"}", "use_trial_keys", "true"));
        assertThat(r.status()).isEqualTo(200);
        String id = idOf(r.json());
        advance(2);
        JsonNode t = traj(DEMO, "demo", "text-echo", id);
        JsonNode paths = t.at("/init_params/file_paths");
        assertThat(paths).extracting(JsonNode::asText)
                .containsExactly("demo/text-echo/0000/" + id + ".00.pdf", "demo/text-echo/0000/" + id + ".01.txt");
        assertThat(t.toString()).doesNotContain("sk-topsecret-123");
        assertThat(http.get("/__sim/requests", null).text()).doesNotContain("sk-topsecret-123");
        assertThat(sandbox.requests().all().get(0).multipartFields()).containsEntry("files", "doc.pdf:" + pdf.length)
                .containsEntry("files[1]", "notes.txt:1");
        assertThat(http.get("/api/v1/file/" + paths.get(0).asText(), DEMO).body()).isEqualTo(pdf);
        JsonNode list = http.get("/api/v1/list-files?prefix=demo/text-echo/0000", DEMO).json();
        assertThat(list.get("files")).hasSize(2);
        assertThat(http.get("/api/v1/list-files?prefix=acme/", DEMO).status()).isEqualTo(403);
        Http.Resp zip = http.get("/api/v1/trajectory/demo/text-echo/" + id + "/download", DEMO);
        assertThat(zip.header("content-type")).isEqualTo("application/zip");
        try (var in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip.body()))) {
            java.util.List<String> names = new java.util.ArrayList<>();
            for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                names.add(e.getName());
            }
            assertThat(names).contains("trajectory.json", "inputs/" + id + ".00.pdf");
        }
    }

    @Test
    void uploadEndpoints() {
        Http.Resp up = http.multipart("/api/v1/sandbox/upload", DEMO, form(
                "files#1", new Http.Upload("input.csv", "text/csv", "a,b".getBytes(StandardCharsets.UTF_8)),
                "files#2", new Http.Upload("x.png", "image/png", new byte[] {1, 2})));
        assertThat(up.status()).isEqualTo(200);
        JsonNode u = up.json();
        assertThat(u.get("count").asInt()).isEqualTo(2);
        assertThat(u.at("/file_paths/0").asText())
                .isEqualTo("demo/_sandbox_uploads/" + u.get("upload_id").asText() + "/input.csv");
        Http.Resp f = http.multipart("/api/v1/files", DEMO, form("file", new Http.Upload("a.txt", "text/plain", new byte[] {65})));
        assertThat(f.json().get("id").asText()).startsWith("file-");
        assertThat(http.multipart("/api/v1/files/upload", DEMO, form("file", new Http.Upload("a.txt", "text/plain",
                new byte[] {65}))).status()).isEqualTo(405);
        assertThat(http.multipart("/api/v1/sandbox/upload", USER, form(
                "files", new Http.Upload("a.txt", "text/plain", new byte[] {65}))).status()).isEqualTo(422);
    }

    @Test
    void trialCountsRunsAndSuppliesKeys() {
        JsonNode before = http.get("/api/v1/trial/acme", ACME).json();
        assertThat(before.get("active").asBoolean()).isTrue();
        assertThat(before.get("runs_limit").asInt()).isEqualTo(10);
        assertThat(before.get("runs_remaining").asInt()).isEqualTo(10);
        JsonNode r = run(ACME, "acme", "triage", "{}");
        assertThat(r.at("/trial/runs_used").asInt()).isEqualTo(1);
        assertThat(r.at("/trial/runs_remaining").asInt()).isEqualTo(9);
        advance(2);
        JsonNode t = traj(ACME, "acme", "triage", idOf(r));
        assertThat(t.get("status").asText()).isEqualTo("completed");
        assertThat(t.at("/steps/triage/outputs/text").asText()).contains("account_access");
        assertThat(http.get("/api/v1/trial/acme", ACME).json().get("runs_used").asInt()).isEqualTo(1);
        JsonNode demoTrial = http.get("/api/v1/trial/demo", DEMO).json();
        assertThat(demoTrial.get("active").asBoolean()).isFalse();
        JsonNode act = http.post("/api/v1/trial/demo/activate", DEMO, "").json();
        assertThat(act.get("active").asBoolean()).isTrue();
        assertThat(act.get("runs_remaining").asInt()).isEqualTo(10);
    }

    @Test
    void useTrialKeysFalseOptsOutOfAnActiveTrial() {
        Http.Resp r = http.multipart("/api/v1/run/acme/triage", ACME, form("init_params", "{}", "use_trial_keys", "false"));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().at("/trial/runs_used").asInt()).as("an opted-out run is not a trial run").isZero();
        assertThat(r.json().at("/trial/runs_remaining").asInt()).isEqualTo(10);
        advance(2);
        // acme has no provider key of its own: the run fails the way any run without keys does
        JsonNode t = traj(ACME, "acme", "triage", idOf(r.json()));
        assertThat(t.get("status").asText()).isEqualTo("failed");
        assertThat(t.get("error").asText()).contains("OPENROUTER_API_KEY").contains("API key missing");
        assertThat(http.get("/api/v1/trial/acme", ACME).json().get("runs_used").asInt()).isZero();

        // "true" and an absent field keep using the trial
        Http.Resp yes = http.multipart("/api/v1/run/acme/triage", ACME, form("init_params", "{}", "use_trial_keys", "true"));
        assertThat(yes.json().at("/trial/runs_used").asInt()).isEqualTo(1);
        assertThat(run(ACME, "acme", "triage", "{}").at("/trial/runs_used").asInt()).isEqualTo(2);
        advance(2);
        assertThat(traj(ACME, "acme", "triage", idOf(yes.json())).get("status").asText()).isEqualTo("completed");

        Http.Resp bad = http.multipart("/api/v1/run/acme/triage", ACME, form("init_params", "{}", "use_trial_keys", "maybe"));
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.json().at("/detail/0/loc/1").asText()).isEqualTo("use_trial_keys");
        assertThat(http.get("/api/v1/trial/acme", ACME).json().get("runs_used").asInt()).isEqualTo(2);
    }

    @Test
    void noProviderKeyAndNoTrialFailsLlmSteps() {
        http.json("PATCH", "/api/v1/collections/demo/environment", DEMO, "{\"environment_variables\":{\"OPENROUTER_API_KEY\":null}}");
        String id = idOf(run(DEMO, "demo", "simple-chat", "{}"));
        advance(2);
        assertThat(traj(DEMO, "demo", "simple-chat", id).get("error").asText()).contains("OPENROUTER_API_KEY");
        String ok = idOf(run(DEMO, "demo", "simple-chat", "{}"));
        assertThat(ok).isNotEqualTo(id);
        Http.Resp withSecret = http.multipart("/api/v1/run/demo/simple-chat", DEMO,
                form("init_params", "{}", "secret_params", "{\"OPENROUTER_API_KEY\":\"sk-or-x\"}"));
        advance(2);
        assertThat(traj(DEMO, "demo", "simple-chat", idOf(withSecret.json())).get("status").asText()).isEqualTo("completed");
    }

    @Test
    void ingestRecordsCompletedTrajectory() {
        Http.Resp r = http.post("/api/v1/trajectories/demo/judge/ingest", DEMO,
                "{\"input\":\"q\",\"output\":\"a\",\"scores\":{\"accuracy\":0.9},\"cost_usd\":0.01,\"author\":\"eve\"}");
        assertThat(r.status()).isEqualTo(200);
        JsonNode j = r.json();
        assertThat(j.get("status").asText()).isEqualTo("completed");
        assertThat(j.get("labels")).extracting(n -> n.get("key").asText()).contains("score.accuracy", "cost_est_usd");
        JsonNode t = traj(DEMO, "demo", "judge", j.get("trajectory_id").asText());
        assertThat(t.at("/steps/eval/outputs/output").asText()).isEqualTo("a");
        assertThat(t.at("/init_params/input").asText()).isEqualTo("q");
    }
}
