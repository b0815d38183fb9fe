package io.jettymcp.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.e2e.support.RawHttp;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxServer;
import io.jettymcp.transport.http.HttpOptions;
import io.jettymcp.transport.http.McpHttpServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Both views in a real browser, in the reference host: headless Chromium (Debian's chromium) loads a test host page
 * built on the extension's own AppBridge, which renders each view in a sandboxed iframe under the deny-by-default CSP
 * and feeds it tool results from the sandbox; the view's tools/call go to this server (stateless HTTP, declaring the
 * extension per request). Checks the DOM, the tool calls the buttons make, and that untrusted outputs stay inert.
 * Screenshots go to target/apps-screenshots; {@code -Dapps.screenshots.update=true} copies them to docs/apps.
 * Needs chromium and .ci/apps.sh (Node 22 and pinned npm packages); skips without them unless
 * JETTY_MCP_REQUIRE_CHROMIUM=1 (.ci/run), where it fails.
 */
class AppsBrowserTest {

    private static final String XSS = "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=1</script>";
    private static final Path SHOTS = Path.of("target/apps-screenshots");

    private static void unavailable(String why) {
        if ("1".equals(System.getenv("JETTY_MCP_REQUIRE_CHROMIUM"))) {
            fail(why + " (JETTY_MCP_REQUIRE_CHROMIUM=1)");
        }
        Assumptions.abort(why);
    }

    private static String run(List<String> command, Duration limit) throws Exception {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish in " + limit);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new AssertionError(command + " exited with " + p.exitValue() + ": " + text);
        }
        return text;
    }

    private int port;
    private int id = 1;

    /** A tools/call as a client that declares the extension, on stateless HTTP: its result. */
    private JsonNode call(String tool, String args) throws Exception {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":" + (id++) + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":" + args + ",\"_meta\":{\"" + UiApps.REQUEST_CAPABILITIES + "\":" + McpWire.UI_CAPS + "}}}";
        Map<String, String> h = new HashMap<>();
        h.put("Content-Type", "application/json");
        h.put("Accept", "application/json, text/event-stream");
        h.put("MCP-Protocol-Version", "2025-06-18");
        JsonNode r = McpWire.M.readTree(RawHttp.send(port, "POST", "/mcp", h, body).body());
        assertThat(r.has("result")).as("%s: %s", tool, r).isTrue();
        return r.path("result");
    }

    private static String trajectoryId(JsonNode result) {
        return result.path("structuredContent").path("trajectory_id").asText();
    }

    private ObjectNode scenario(ArrayNode all, String name, String view, String input, JsonNode result) throws Exception {
        ObjectNode s = all.addObject();
        s.put("name", name);
        s.put("view", view);
        s.set("toolInput", McpWire.M.readTree(input));
        s.set("toolResult", result);
        return s;
    }

    private static ObjectNode action(ArrayNode actions) {
        return actions.addObject();
    }

    @Test
    void viewsRenderSandboxRunsAndWorkflowsInChromiumThroughAppBridge() throws Exception {
        Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
        if (!Files.isExecutable(chromium)) {
            unavailable("no Chromium at " + chromium + ": install Debian's chromium and fonts-dejavu-core packages");
        }
        String node;
        try {
            String out = run(List.of("bash", ".ci/apps.sh"), Duration.ofMinutes(5)).trim();
            node = out.substring(out.lastIndexOf('\n') + 1);
        } catch (AssertionError e) {
            unavailable(".ci/apps.sh could not install Node 22 and the npm packages: " + e.getMessage());
            return;
        }
        // each step two minutes of simulator time: runs stay running until the clock is pushed (or the test is long over)
        try (SandboxServer sandbox = SandboxServer.start(new SandboxOptions(0, 42L, 120))) {
            HttpOptions o = HttpOptions.loopback(0);
            McpHttpServer http = McpHttpServer.start(new HttpOptions(o.host(), 0, o.allowedOrigins(), o.allowedHosts(), null,
                    o.maxBodyBytes(), o.sessionIdle(), o.maxConcurrentCalls(), true, false, Duration.ofSeconds(1)),
                    McpWire.server(sandbox), null);
            try {
                port = http.port();
                browse(sandbox, node, chromium);
            } finally {
                http.close();
            }
        }
    }

    private void browse(SandboxServer sandbox, String node, Path chromium) throws Exception {
        JsonNode refresh = call("run-task", "{\"task\":\"judge\"}");
        String judge = trajectoryId(call("run-task", "{\"task\":\"judge\"}"));
        String image = trajectoryId(call("run-task", "{\"task\":\"image-gen\"}"));
        String failed = trajectoryId(call("run-task", "{\"task\":\"image-gen\",\"init_params\":{\"prompt\":\"\"}}"));
        String echo = trajectoryId(call("run-task", "{\"task\":\"text-echo\",\"init_params\":{\"text\":"
                + McpWire.M.writeValueAsString(XSS) + "}}"));
        sandbox.clock().advance(Duration.ofMinutes(10));
        JsonNode completed = call("get-trajectory", "{\"task\":\"judge\",\"trajectory_id\":\"" + judge + "\"}");
        call("add-label", "{\"task\":\"text-echo\",\"trajectory_id\":\"" + echo + "\",\"key\":\"note\",\"value\":"
                + McpWire.M.writeValueAsString(XSS) + "}");
        JsonNode untrusted = call("get-trajectory", "{\"task\":\"text-echo\",\"trajectory_id\":\"" + echo + "\"}");
        JsonNode imaged = call("wait-for-trajectory", "{\"task\":\"image-gen\",\"trajectory_id\":\"" + image + "\"}");
        JsonNode failing = call("wait-for-trajectory", "{\"task\":\"image-gen\",\"trajectory_id\":\"" + failed + "\"}");
        String running = trajectoryId(call("run-task", "{\"task\":\"judge\"}"));
        JsonNode runningResult = call("get-trajectory", "{\"task\":\"judge\",\"trajectory_id\":\"" + running + "\"}");
        JsonNode task = call("get-task", "{\"task\":\"judge\"}");
        String broken = "{\"workflow\":{\"init_params\":{\"text\":\"hi\"},\"step_configs\":{\"a\":{\"activity\":\"litellm_chat\","
                + "\"prompt_path\":\"nope.text\"},\"b\":{\"activity\":\"text_echo\",\"text_path\":\"a.text\"}},\"steps\":[\"a\",\"b\",\"c\"]}}";
        JsonNode validated = call("validate-workflow", broken);
        assertThat(runningResult.path("structuredContent").path("status").asText()).isIn("running", "pending");
        assertThat(failing.path("structuredContent").path("status").asText()).isEqualTo("failed");

        ArrayNode scenarios = McpWire.M.createArrayNode();
        ArrayNode a = scenario(scenarios, "run-running", "run", "{\"task\":\"judge\",\"trajectory_id\":\"" + running + "\"}",
                runningResult).putArray("actions");
        action(a).put("click", "#cancel");
        action(a).put("waitFor", "() => document.querySelector('#status').textContent === 'cancelled'");
        scenario(scenarios, "run-refresh", "run", "{\"task\":\"judge\"}", refresh).putArray("actions")
                .addObject().put("waitFor", "() => document.querySelector('#status').textContent === 'completed'");
        ArrayNode l = scenario(scenarios, "run-completed", "run", "{\"task\":\"judge\",\"trajectory_id\":\"" + judge + "\"}",
                completed).putArray("actions");
        action(l).putArray("type").add("#label-key").add("grade");
        action(l).putArray("type").add("#label-value").add("good");
        action(l).put("click", "#add-label");
        action(l).put("waitFor", "() => [...document.querySelectorAll('.label')].some(n => n.textContent.startsWith('grade = good'))");
        action(scenario(scenarios, "run-images", "run", "{\"task\":\"image-gen\",\"trajectory_id\":\"" + image + "\"}", imaged)
                .put("waitImages", true).putArray("actions")).put("click", "#open-link");
        scenario(scenarios, "run-failed", "run", "{\"task\":\"image-gen\",\"trajectory_id\":\"" + failed + "\"}", failing)
                .put("waitDiagnosis", true);
        scenario(scenarios, "run-untrusted", "run", "{\"task\":\"text-echo\",\"trajectory_id\":\"" + echo + "\"}", untrusted);
        scenario(scenarios, "workflow-task", "workflow", "{\"task\":\"judge\"}", task);
        scenario(scenarios, "workflow-validate", "workflow", broken, validated);
        scenario(scenarios, "workflow-validate-task", "workflow", "{\"task\":\"judge\"}",
                call("validate-workflow", "{\"task\":\"judge\"}")).putArray("actions").addObject()
                .put("waitFor", "() => !!document.querySelector('[data-step=judge]')");

        Files.createDirectories(SHOTS);
        ObjectNode spec = McpWire.M.createObjectNode();
        spec.put("chromium", chromium.toString());
        spec.put("appsDir", Path.of(".ci/apps").toAbsolutePath().toString());
        spec.put("bridgeJs", Path.of(".ci/apps/bridge.js").toAbsolutePath().toString());
        spec.put("hostDir", Path.of("src/test/resources/apps").toAbsolutePath().toString());
        spec.put("serverPort", port);
        spec.put("outDir", SHOTS.toAbsolutePath().toString());
        spec.putObject("views").put("run", UiApps.html("run")).put("workflow", UiApps.html("workflow"));
        spec.set("scenarios", scenarios);
        Path specFile = Files.writeString(Path.of("target/apps-browser-spec.json"), McpWire.M.writeValueAsString(spec));
        JsonNode report = McpWire.M.readTree(run(List.of(node, "src/test/resources/apps/drive.mjs",
                specFile.toAbsolutePath().toString()), Duration.ofMinutes(3)));
        Files.writeString(Path.of("target/apps-browser-report.json"), report.toPrettyString());
        Map<String, JsonNode> by = new HashMap<>();
        report.forEach(r -> by.put(r.path("name").asText(), r));

        checkRuns(by, running, judge, image, failed);
        checkWorkflows(by);
        for (JsonNode r : report) {
            assertThat(r.path("last").path("pwned").asBoolean()).as("%s: no script of an output ran", r.path("name")).isFalse();
            assertThat(r.path("consoleErrors").toString()).as("%s: no CSP violation or error", r.path("name")).isEqualTo("[]");
        }
        if (Boolean.getBoolean("apps.screenshots.update")) {
            Files.createDirectories(Path.of("docs/apps"));
            for (String name : List.of("run-completed", "run-images", "run-failed", "run-running", "workflow-validate")) {
                Files.copy(SHOTS.resolve(name + ".png"), Path.of("docs/apps/" + name + ".png"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static List<String> callNames(JsonNode r) {
        List<String> names = new ArrayList<>();
        r.path("calls").forEach(c -> names.add(c.path("name").asText()));
        return names;
    }

    private static JsonNode callOf(JsonNode r, String tool) {
        for (JsonNode c : r.path("calls")) {
            if (c.path("name").asText().equals(tool)) {
                return c.path("arguments");
            }
        }
        throw new AssertionError(r.path("name").asText() + ": the view never called " + tool + ": " + r.path("calls"));
    }

    private void checkRuns(Map<String, JsonNode> by, String running, String judge, String image, String failed) {
        JsonNode run = by.get("run-running");
        assertThat(run.path("first").path("status").asText()).isEqualTo("running");
        assertThat(run.path("first").path("meta").asText()).contains("steps 0/1");
        JsonNode cancel = callOf(run, "set-trajectory-status");
        assertThat(cancel.path("trajectory_ids").toString()).isEqualTo("[\"" + running + "\"]");
        assertThat(cancel.path("status").asText()).isEqualTo("cancelled");
        assertThat(cancel.path("task").asText()).isEqualTo("judge");
        assertThat(run.path("last").path("status").asText()).as("the server's answer after the cancel").isEqualTo("cancelled");

        JsonNode refresh = by.get("run-refresh");
        assertThat(refresh.path("first").path("status").asText()).isEqualTo("pending");
        assertThat(callNames(refresh)).as("refreshed itself through the host").contains("get-trajectory");
        assertThat(refresh.path("last").path("status").asText()).isEqualTo("completed");

        JsonNode done = by.get("run-completed");
        assertThat(done.path("first").path("status").asText()).isEqualTo("completed");
        assertThat(done.path("first").path("steps").get(0).path("text").asText()).contains("simple_judge")
                .contains("Sandbox judge: the item follows the instruction").contains("average_score");
        JsonNode label = callOf(done, "add-label");
        assertThat(label.path("trajectory_id").asText()).isEqualTo(judge);
        assertThat(label.path("key").asText()).isEqualTo("grade");
        assertThat(label.path("value").asText()).isEqualTo("good");
        assertThat(done.path("last").path("labels").toString()).contains("grade = good");

        JsonNode images = by.get("run-images");
        assertThat(callOf(images, "get-run-image").path("path").asText()).startsWith("demo/image-gen/").contains(image);
        assertThat(images.path("first").path("images").get(0).path("data").asBoolean()).isTrue();
        assertThat(images.path("first").path("images").get(0).path("width").asInt()).isPositive();
        assertThat(images.path("links").toString()).isEqualTo("[\"https://jetty.io/demo/image-gen/" + image + "\"]");

        JsonNode fail = by.get("run-failed");
        assertThat(fail.path("first").path("status").asText()).isEqualTo("failed");
        assertThat(fail.path("first").path("error").asText()).contains("ValueError: prompt or prompt_path is required")
                .contains("Likely causes").contains("Failed step: generate");
        assertThat(callOf(fail, "diagnose-trajectory").path("trajectory_id").asText()).isEqualTo(failed);

        JsonNode untrusted = by.get("run-untrusted");
        assertThat(untrusted.path("first").path("steps").get(0).path("text").asText()).as("shown as text")
                .contains("<img src=x onerror=").contains("<script>window.__pwned=1</script>");
        assertThat(untrusted.path("first").path("labels").toString()).contains("<img src=x onerror=");
        assertThat(untrusted.path("first").path("injected").asBoolean()).as("no element made from an output").isFalse();
        assertThat(untrusted.path("first").path("pwned").asBoolean()).isFalse();
    }

    private static void checkWorkflows(Map<String, JsonNode> by) {
        JsonNode task = by.get("workflow-task").path("first");
        assertThat(task.path("title").asText()).isEqualTo("judge");
        assertThat(task.path("steps").toString()).contains("init_params").contains("simple_judge")
                .contains("item_path ← init_params.text").contains("judge_type: scale");
        JsonNode v = by.get("workflow-validate").path("first");
        assertThat(v.path("verdict").asText()).isEqualTo("invalid");
        Map<String, JsonNode> steps = new HashMap<>();
        v.path("steps").forEach(s -> steps.put(s.path("step").asText(), s));
        assertThat(steps.keySet()).contains("init_params", "a", "b", "c");
        assertThat(steps.get("a").path("findings").toString()).contains("'prompt_path' refers to 'nope'");
        assertThat(steps.get("b").path("findings").toString()).isEqualTo("[]");
        assertThat(steps.get("b").path("text").asText()).contains("text_path ← a.text");
        assertThat(steps.get("c").path("findings").toString()).contains("no step_configs entry");
        JsonNode saved = by.get("workflow-validate-task");
        assertThat(callOf(saved, "get-task").path("task").asText()).as("the saved task read through the host").isEqualTo("judge");
        assertThat(saved.path("last").path("verdict").asText()).isEqualTo("valid");
        assertThat(saved.path("last").path("steps").toString()).contains("simple_judge");
    }
}
