package io.jettymcp.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.config.Settings;
import io.jettymcp.config.Token;
import io.jettymcp.e2e.support.RawHttp;
import io.jettymcp.guard.Secrets;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import io.jettymcp.server.JettyMcpServer;
import io.jettymcp.transport.http.HttpOptions;
import io.jettymcp.transport.http.McpHttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The 2026-07-28 era beside the legacy one on one port ({@code --protocol-era=modern}, issue 16): a modern request
 * (MCP-Protocol-Version 2026-07-28) is served without a session by the same tools and guard chain, a legacy client
 * on the same port is served as before, and without the flag server/discover is still not answered.
 */
class ModernEraHttpTest {

    static final ObjectMapper M = new ObjectMapper();
    static final String META = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
            + "\"io.modelcontextprotocol/clientCapabilities\":{},\"io.modelcontextprotocol/clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}";
    static SandboxServer sandbox;
    static McpHttpServer modern;
    static McpHttpServer legacyOnly;

    @BeforeAll
    static void start() {
        sandbox = SandboxServer.start(SandboxOptions.defaults());
        modern = McpHttpServer.start(HttpOptions.loopback(0), server(), null, io.jettymcp.guard.ApprovalStates.randomKey());
        legacyOnly = McpHttpServer.start(HttpOptions.loopback(0), server(), null, null);
    }

    static JettyMcpServer server() {
        Settings settings = Settings.builder().baseUrl(sandbox.baseUrl()).token(new Token(SandboxSeeds.DEMO_TOKEN, "test"))
                .downloadDir(Path.of("target/dl")).sandbox(true).build();
        return new JettyMcpServer(settings, new Secrets(), null, null);
    }

    @AfterAll
    static void stop() {
        modern.close();
        legacyOnly.close();
        sandbox.close();
    }

    static RawHttp.Response post(McpHttpServer server, String method, String name, String body) throws Exception {
        Map<String, String> h = new HashMap<>();
        h.put("MCP-Protocol-Version", "2026-07-28");
        if (method != null) {
            h.put("Mcp-Method", method);
        }
        if (name != null) {
            h.put("Mcp-Name", name);
        }
        return RawHttp.send(server.port(), "POST", "/mcp", h, body);
    }

    static JsonNode json(RawHttp.Response r) throws Exception {
        return M.readTree(r.body());
    }

    @Test
    void discoverAnswersTheModernEraWithServerInfo() throws Exception {
        RawHttp.Response r = post(modern, "server/discover", null,
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{" + META + "}}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode result = json(r).path("result");
        assertThat(result.path("supportedVersions").toString()).contains("2026-07-28");
        assertThat(result.path("capabilities").has("tools")).isTrue();
        assertThat(result.path("resultType").asText()).isEqualTo("complete");
        assertThat(result.path("_meta").path("io.modelcontextprotocol/serverInfo").path("name").asText()).isEqualTo("jetty-mcp");
        assertThat(r.header("mcp-session-id")).isNull();
    }

    @Test
    void toolsAreListedInTheirOrderAndCalledThroughTheGuardChain() throws Exception {
        RawHttp.Response list = post(modern, "tools/list", null,
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{" + META + "}}");
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        JsonNode result = json(list).path("result");
        assertThat(result.has("ttlMs")).isTrue();
        assertThat(result.path("cacheScope").asText()).isNotEmpty();
        assertThat(result.path("tools").toString()).contains("\"name\":\"get-task\"");
        assertThat(json(post(modern, "tools/list", null,
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\",\"params\":{" + META + "}}")).path("result").path("tools"))
                .isEqualTo(result.path("tools"));

        int before = sandbox.requests().all().size();
        RawHttp.Response call = post(modern, "tools/call", "get-task", "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"get-task\",\"arguments\":{\"task\":\"text-echo\"}," + META + "}}");
        assertThat(call.status()).as(call.body()).isEqualTo(200);
        JsonNode answer = json(call).path("result");
        assertThat(answer.path("resultType").asText()).isEqualTo("complete");
        assertThat(answer.path("isError").asBoolean(false)).as(call.body()).isFalse();
        assertThat(answer.toString()).contains("text_echo");
        assertThat(sandbox.requests().all().subList(before, sandbox.requests().all().size()))
                .anySatisfy(r -> assertThat(r.path()).contains("text-echo"));

        // bad input: the guard chain's own tool error, and no upstream request
        int beforeBad = sandbox.requests().all().size();
        RawHttp.Response bad = post(modern, "tools/call", "get-task", "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"get-task\",\"arguments\":{\"task\":7}," + META + "}}");
        assertThat(json(bad).path("result").path("isError").asBoolean()).as(bad.body()).isTrue();
        assertThat(sandbox.requests().all()).hasSize(beforeBad);
    }

    @Test
    void headersMustMatchTheBodyAndRemovedMethodsAndVerbsAreRefused() throws Exception {
        String call = "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\",\"params\":{\"name\":\"get-task\","
                + "\"arguments\":{\"task\":\"text-echo\"}," + META + "}}";
        RawHttp.Response noName = post(modern, "tools/call", null, call);
        assertThat(noName.status()).isEqualTo(400);
        assertThat(json(noName).path("error").path("code").asInt()).isEqualTo(-32020);
        assertThat(json(noName).path("id").asInt()).isEqualTo(6);
        RawHttp.Response otherName = post(modern, "tools/call", "delete-task", call);
        assertThat(json(otherName).path("error").path("code").asInt()).isEqualTo(-32020);
        RawHttp.Response otherMethod = post(modern, "tools/list", "get-task", call);
        assertThat(json(otherMethod).path("error").path("code").asInt()).isEqualTo(-32020);

        RawHttp.Response init = post(modern, "initialize", null, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"initialize\","
                + "\"params\":{" + META + "}}");
        assertThat(init.status()).isEqualTo(404);
        assertThat(json(init).path("error").path("code").asInt()).isEqualTo(-32601);

        RawHttp.Response oldVersion = post(modern, "tools/list", null, "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/list\","
                + "\"params\":{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2025-11-25\"}}}");
        assertThat(oldVersion.status()).isEqualTo(400);

        for (String verb : new String[]{"GET", "DELETE"}) {
            RawHttp.Response r = RawHttp.send(modern.port(), verb, "/mcp", Map.of("MCP-Protocol-Version", "2026-07-28"), null);
            assertThat(r.status()).as(verb).isEqualTo(405);
        }
    }

    /** An unknown version is the revision's UnsupportedProtocolVersionError: -32022 naming what is served and what was asked. */
    @Test
    void anUnknownVersionIsRefusedWithTheSupportedVersionsAndTheRequestedOne() throws Exception {
        RawHttp.Response r = RawHttp.send(modern.port(), "POST", "/mcp", Map.of("MCP-Protocol-Version", "v999.0.0",
                "Mcp-Method", "server/discover"), "{\"jsonrpc\":\"2.0\",\"id\":31,\"method\":\"server/discover\",\"params\":"
                + "{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"v999.0.0\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}");
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        JsonNode error = json(r).path("error");
        assertThat(error.path("code").asInt()).as(r.body()).isEqualTo(-32022);
        assertThat(error.path("data").path("supported").toString()).isEqualTo("[\"2026-07-28\"]");
        assertThat(error.path("data").path("requested").asText()).isEqualTo("v999.0.0");
        assertThat(json(r).path("id").asInt()).isEqualTo(31);
    }

    @Test
    void aLegacyClientOnTheSamePortIsServedAsBeforeAndWithoutTheFlagDiscoverIsNotAnswered() throws Exception {
        RawHttp.Response init = RawHttp.send(modern.port(), "POST", "/mcp", Map.of(), "{\"jsonrpc\":\"2.0\",\"id\":1,"
                + "\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}");
        assertThat(init.status()).isEqualTo(200);
        assertThat(init.header("mcp-session-id")).isNotBlank();
        assertThat(init.body()).contains("\"protocolVersion\":\"2025-11-25\"");

        RawHttp.Response probe = post(legacyOnly, "server/discover", null,
                "{\"jsonrpc\":\"2.0\",\"id\":\"p\",\"method\":\"server/discover\",\"params\":{" + META + "}}");
        assertThat(probe.status()).isEqualTo(400);
        assertThat(probe.body()).doesNotContain("supportedVersions").contains("\"id\":\"p\"");
    }

    /**
     * A modern stream cannot be resumed and its client re-issues an interrupted request, so run-task returns once the
     * run has started: no wait_seconds in its modern schema, and a wait_seconds sent anyway is not waited.
     */
    @Test
    void runTaskReturnsOnceTheRunHasStartedAndNeverWaits() throws Exception {
        JsonNode tools = json(post(modern, "tools/list", null,
                "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/list\",\"params\":{" + META + "}}")).path("result").path("tools");
        JsonNode runTask = null;
        for (JsonNode t : tools) {
            if (t.path("name").asText().equals("run-task")) {
                runTask = t;
            }
        }
        assertThat(runTask).isNotNull();
        assertThat(runTask.path("inputSchema").path("properties").has("wait_seconds")).as(runTask.toString()).isFalse();

        int before = sandbox.requests().all().size();
        RawHttp.Response call = post(modern, "tools/call", "run-task", "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"run-task\",\"arguments\":{\"collection\":\"demo\",\"task\":\"text-echo\","
                + "\"wait_seconds\":30}," + META + "}}");
        JsonNode result = json(call).path("result");
        assertThat(result.path("isError").asBoolean(false)).as(call.body()).isFalse();
        assertThat(result.toString()).contains("trajectory_id").doesNotContain("waited_seconds");
        var after = sandbox.requests().all().subList(before, sandbox.requests().all().size());
        assertThat(after).filteredOn(r -> r.method().equals("POST") && r.path().contains("/run/")).hasSize(1);
        assertThat(after).as("no poll of the run").noneMatch(r -> r.method().equals("GET") && r.path().contains("trajector"));
    }

    @Test
    void resourcesAndPromptsAreServedWithTheirCachingFieldsAndAnUnknownUriIsInvalidParams() throws Exception {
        JsonNode listed = json(post(modern, "resources/list", null,
                "{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"resources/list\",\"params\":{" + META + "}}")).path("result");
        assertThat(listed.path("resources").toString()).contains("jetty://step-templates");
        assertThat(listed.has("ttlMs")).isTrue();
        JsonNode templates = json(post(modern, "resources/templates/list", null,
                "{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"resources/templates/list\",\"params\":{" + META + "}}"));
        assertThat(templates.path("result").path("resourceTemplates").toString()).as(templates.toString())
                .contains("jetty://tasks/{collection}/{task}");

        RawHttp.Response read = post(modern, "resources/read", "jetty://step-templates", "{\"jsonrpc\":\"2.0\",\"id\":13,"
                + "\"method\":\"resources/read\",\"params\":{\"uri\":\"jetty://step-templates\"," + META + "}}");
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        assertThat(json(read).path("result").path("contents").size()).as(read.body()).isPositive();
        assertThat(json(read).path("result").has("ttlMs")).as(read.body()).isTrue();

        RawHttp.Response task = post(modern, "resources/read", "jetty://tasks/demo/text-echo", "{\"jsonrpc\":\"2.0\",\"id\":14,"
                + "\"method\":\"resources/read\",\"params\":{\"uri\":\"jetty://tasks/demo/text-echo\"," + META + "}}");
        assertThat(json(task).path("result").toString()).as(task.body()).contains("text_echo");

        RawHttp.Response unknown = post(modern, "resources/read", "jetty://nothing", "{\"jsonrpc\":\"2.0\",\"id\":15,"
                + "\"method\":\"resources/read\",\"params\":{\"uri\":\"jetty://nothing\"," + META + "}}");
        assertThat(json(unknown).path("error").path("code").asInt()).as(unknown.body()).isEqualTo(-32602);

        JsonNode prompts = json(post(modern, "prompts/list", null,
                "{\"jsonrpc\":\"2.0\",\"id\":16,\"method\":\"prompts/list\",\"params\":{" + META + "}}")).path("result");
        assertThat(prompts.path("prompts").toString()).contains("schedule-routine");
        RawHttp.Response prompt = post(modern, "prompts/get", "schedule-routine", "{\"jsonrpc\":\"2.0\",\"id\":17,"
                + "\"method\":\"prompts/get\",\"params\":{\"name\":\"schedule-routine\",\"arguments\":{\"task\":\"text-echo\","
                + "\"schedule\":\"every day at 09:00\"}," + META + "}}");
        assertThat(json(prompt).path("result").path("messages").size()).as(prompt.body()).isPositive();
        assertThat(json(prompt).path("result").path("resultType").asText()).isEqualTo("complete");
    }

    /**
     * A modern call with a progress token is answered as an event stream of its own: the wait's progress
     * notifications first, then its answer, and the call's upstream reads work through the stream switch.
     */
    @Test
    void progressFlowsOnTheRequestsOwnStreamBeforeItsAnswer() throws Exception {
        JsonNode run = json(post(modern, "tools/call", "run-task", "{\"jsonrpc\":\"2.0\",\"id\":40,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"run-task\",\"arguments\":{\"collection\":\"demo\",\"task\":\"text-echo\"}," + META + "}}"));
        String id = M.readTree(run.path("result").path("content").get(0).path("text").asText()).path("trajectory_id").asText();
        assertThat(id).as(run.toString()).isNotEmpty();
        String meta = META.replace("\"_meta\":{", "\"_meta\":{\"progressToken\":\"p-41\",");
        RawHttp.Response waited = post(modern, "tools/call", "wait-for-trajectory", "{\"jsonrpc\":\"2.0\",\"id\":41,"
                + "\"method\":\"tools/call\",\"params\":{\"name\":\"wait-for-trajectory\",\"arguments\":{\"collection\":\"demo\","
                + "\"task\":\"text-echo\",\"trajectory_id\":\"" + id + "\",\"timeout_seconds\":60}," + meta + "}}");
        assertThat(waited.status()).as(waited.body()).isEqualTo(200);
        assertThat(waited.header("content-type")).as(waited.body()).startsWith("text/event-stream");
        java.util.List<JsonNode> events = new java.util.ArrayList<>();
        for (String line : waited.body().split("\n")) {
            if (line.startsWith("data:")) {
                events.add(M.readTree(line.substring(5).trim()));
            }
        }
        assertThat(events).as(waited.body()).hasSizeGreaterThan(1);
        JsonNode last = events.get(events.size() - 1);
        assertThat(last.path("id").asInt()).as(waited.body()).isEqualTo(41);
        assertThat(last.path("result").path("isError").asBoolean(false)).as(waited.body()).isFalse();
        assertThat(last.path("result").toString()).contains("completed");
        assertThat(events.subList(0, events.size() - 1)).as(waited.body()).allSatisfy(e -> {
            assertThat(e.path("method").asText()).isEqualTo("notifications/progress");
            assertThat(e.path("params").path("progressToken").asText()).isEqualTo("p-41");
        });
    }

    /** completion/complete in the modern era: the legacy lane's completions, through the same list tools. */
    @Test
    void completionsAreTheLegacyLanesForPromptsAndResourceTemplates() throws Exception {
        JsonNode discover = json(post(modern, "server/discover", null,
                "{\"jsonrpc\":\"2.0\",\"id\":50,\"method\":\"server/discover\",\"params\":{" + META + "}}")).path("result");
        assertThat(discover.path("capabilities").has("completions")).as(discover.toString()).isTrue();

        int before = sandbox.requests().all().size();
        RawHttp.Response prompt = post(modern, "completion/complete", null, "{\"jsonrpc\":\"2.0\",\"id\":51,"
                + "\"method\":\"completion/complete\",\"params\":{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"schedule-routine\"},"
                + "\"argument\":{\"name\":\"task\",\"value\":\"text\"}," + META + "}}");
        assertThat(prompt.status()).as(prompt.body()).isEqualTo(200);
        assertThat(json(prompt).path("result").path("completion").path("values").toString()).as(prompt.body()).contains("text-echo");
        assertThat(json(prompt).path("result").path("resultType").asText()).isEqualTo("complete");
        assertThat(sandbox.requests().all().subList(before, sandbox.requests().all().size()))
                .as("the names come from Jetty, through the list tool").anySatisfy(r -> assertThat(r.path()).contains("tasks"));

        RawHttp.Response template = post(modern, "completion/complete", null, "{\"jsonrpc\":\"2.0\",\"id\":52,"
                + "\"method\":\"completion/complete\",\"params\":{\"ref\":{\"type\":\"ref/resource\","
                + "\"uri\":\"jetty://tasks/{collection}/{task}\"},\"argument\":{\"name\":\"collection\",\"value\":\"de\"}," + META + "}}");
        assertThat(json(template).path("result").path("completion").path("values").toString()).as(template.body()).contains("demo");
    }

    /**
     * An app-only tool (MCP Apps: only a view calls it) is hidden from a modern client that did not declare the
     * extension and cannot be called by it, as in the legacy lane.
     */
    @Test
    void appOnlyToolsAreNeitherListedNorCalledForAClientWithoutTheAppsExtension() throws Exception {
        JsonNode tools = json(post(modern, "tools/list", null,
                "{\"jsonrpc\":\"2.0\",\"id\":60,\"method\":\"tools/list\",\"params\":{" + META + "}}")).path("result").path("tools");
        assertThat(tools.toString()).contains("\"get-task\"").doesNotContain("\"get-run-image\"");
        int before = sandbox.requests().all().size();
        RawHttp.Response call = post(modern, "tools/call", "get-run-image", "{\"jsonrpc\":\"2.0\",\"id\":61,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"get-run-image\",\"arguments\":{\"path\":\"demo/x.png\"}," + META + "}}");
        assertThat(json(call).path("error").path("code").asInt()).as(call.body()).isEqualTo(-32602);
        assertThat(sandbox.requests().all()).hasSize(before);
    }

    /**
     * A modern client that declares MCP Apps in its request's capabilities gets what a declaring legacy client gets:
     * the extension offered by discover, the views linked on their tools and listed, readable, the app-only tool,
     * and a linked tool's answer also as structuredContent.
     */
    @Test
    void aClientDeclaringMcpAppsGetsTheViewsAsInTheLegacyLane() throws Exception {
        String ui = META.replace("\"io.modelcontextprotocol/clientCapabilities\":{}", "\"io.modelcontextprotocol/clientCapabilities\":"
                + "{\"extensions\":{\"io.modelcontextprotocol/ui\":{\"mimeTypes\":[\"text/html;profile=mcp-app\"]}}}");
        JsonNode discover = json(post(modern, "server/discover", null,
                "{\"jsonrpc\":\"2.0\",\"id\":70,\"method\":\"server/discover\",\"params\":{" + ui + "}}")).path("result");
        assertThat(discover.path("capabilities").path("extensions").has("io.modelcontextprotocol/ui")).as(discover.toString()).isTrue();

        JsonNode tools = json(post(modern, "tools/list", null,
                "{\"jsonrpc\":\"2.0\",\"id\":71,\"method\":\"tools/list\",\"params\":{" + ui + "}}")).path("result").path("tools");
        JsonNode getTask = null;
        for (JsonNode t : tools) {
            if (t.path("name").asText().equals("get-task")) {
                getTask = t;
            }
        }
        assertThat(getTask).isNotNull();
        assertThat(getTask.path("_meta").path("ui").path("resourceUri").asText()).as(getTask.toString()).isEqualTo("ui://jetty/workflow");
        assertThat(tools.toString()).contains("\"get-run-image\"");

        JsonNode resources = json(post(modern, "resources/list", null,
                "{\"jsonrpc\":\"2.0\",\"id\":72,\"method\":\"resources/list\",\"params\":{" + ui + "}}")).path("result");
        assertThat(resources.toString()).contains("ui://jetty/run");
        RawHttp.Response view = post(modern, "resources/read", "ui://jetty/run", "{\"jsonrpc\":\"2.0\",\"id\":73,"
                + "\"method\":\"resources/read\",\"params\":{\"uri\":\"ui://jetty/run\"," + ui + "}}");
        assertThat(json(view).path("result").path("contents").get(0).path("mimeType").asText()).as(view.body())
                .isEqualTo("text/html;profile=mcp-app");

        RawHttp.Response call = post(modern, "tools/call", "get-task", "{\"jsonrpc\":\"2.0\",\"id\":74,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"get-task\",\"arguments\":{\"task\":\"text-echo\"}," + ui + "}}");
        assertThat(json(call).path("result").path("structuredContent").path("name").asText()).as(call.body()).isEqualTo("text-echo");

        // and a client that did not declare it sees none of this
        JsonNode plain = json(post(modern, "resources/list", null,
                "{\"jsonrpc\":\"2.0\",\"id\":75,\"method\":\"resources/list\",\"params\":{" + META + "}}")).path("result");
        assertThat(plain.toString()).doesNotContain("ui://");
        RawHttp.Response hidden = post(modern, "resources/read", "ui://jetty/run", "{\"jsonrpc\":\"2.0\",\"id\":76,"
                + "\"method\":\"resources/read\",\"params\":{\"uri\":\"ui://jetty/run\"," + META + "}}");
        assertThat(json(hidden).path("error").path("code").asInt()).as(hidden.body()).isEqualTo(-32602);
    }

    /** Closing a modern request's stream cancels the call: the upstream request is aborted, and not sent again. */
    @Test
    void aClientThatClosesTheStreamCancelsTheCallAndItsUpstreamRequest() throws Exception {
        closingCancels(META);
    }

    /** The same when the answer is an event stream (the request asked for progress). */
    @Test
    void aClientThatClosesAnEventStreamCancelsTheCallAndItsUpstreamRequest() throws Exception {
        closingCancels(META.replace("\"_meta\":{", "\"_meta\":{\"progressToken\":\"p-20\","));
    }

    private static void closingCancels(String meta) throws Exception {
        sandbox.faults().add(io.jettymcp.sandbox.FaultRule.hang("GET", "/api/v1/tasks/demo/judge"));
        int sent = sandbox.requests().matching("GET", "/api/v1/tasks/demo/judge").size();
        try {
            byte[] body = ("{\"jsonrpc\":\"2.0\",\"id\":20,\"method\":\"tools/call\",\"params\":{\"name\":\"get-task\","
                    + "\"arguments\":{\"task\":\"judge\"}," + meta + "}}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", modern.port())) {
                s.getOutputStream().write(("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + modern.port() + "\r\nAccept: application/json, "
                        + "text/event-stream\r\nContent-Type: application/json\r\nMCP-Protocol-Version: 2026-07-28\r\n"
                        + "Mcp-Method: tools/call\r\nMcp-Name: get-task\r\nContent-Length: " + body.length + "\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                s.getOutputStream().write(body);
                s.getOutputStream().flush();
                awaitHeld(1);
                assertThat(sandbox.heldConnections()).as("the request reached Jetty and hangs there").isEqualTo(1);
            }
            awaitHeld(0); // the upstream timeout is far longer: only the abort closes the connection this soon
            assertThat(sandbox.heldConnections()).as("the server closed its upstream connection").isZero();
            assertThat(sandbox.requests().matching("GET", "/api/v1/tasks/demo/judge")).as("not sent again").hasSize(sent + 1);
        } finally {
            sandbox.faults().clear();
        }
    }

    private static void awaitHeld(int count) throws InterruptedException {
        for (int i = 0; i < 200 && sandbox.heldConnections() != count; i++) {
            Thread.sleep(50);
        }
    }
}
