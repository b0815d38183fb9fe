package io.jettymcp.e2e;

import io.jettymcp.e2e.support.SandboxTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.e2e.support.HttpServerProcess;
import io.jettymcp.e2e.support.RawHttp;
import io.jettymcp.e2e.support.ServerProcess;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.sandbox.SandboxSeeds;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP transports end to end on loopback: the SDK's own clients over Streamable HTTP and SSE,
 * then the wire rules (Origin/Host, protocol version, sessions, body limit, cancellation) byte by byte.
 */
class HttpE2ETest extends SandboxTest {

    static final ObjectMapper M = new ObjectMapper();
    HttpServerProcess server;

    @BeforeAll
    void start() throws Exception {
        java.nio.file.Path policy = policyFile(
                "{\"default\":\"allow\",\"rules\":[{\"tools\":[\"update-task\"],\"permission\":\"approval_required\"}]}");
        server = demoHttpServer()
                .env("JETTY_TIMEOUT_SECONDS", "20").args("--policy", policy.toString()).start();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private String initialize(String version) throws Exception {
        RawHttp.Response r = RawHttp.send(server.port(), "POST", "/mcp", Map.of(), "{\"jsonrpc\":\"2.0\",\"id\":1,"
                + "\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"" + version + "\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String id = r.header("mcp-session-id");
        assertThat(id).matches("[A-Za-z0-9_-]{43}");
        RawHttp.send(server.port(), "POST", "/mcp", Map.of("Mcp-Session-Id", id),
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        return id;
    }

    private String callBody(int id, String tool, String args) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":" + args + "}}";
    }

    /** Initializes a legacy SSE session over an open /sse stream; returns the endpoint to POST messages to. */
    private String initializeLegacy(RawHttp.EventStream sse) throws Exception {
        String endpoint = sse.next(l -> l.startsWith("data: /message"), Duration.ofSeconds(10));
        assertThat(endpoint).isNotNull();
        String path = endpoint.substring("data: ".length());
        RawHttp.send(server.port(), "POST", path, Map.of(), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                + "\"params\":{\"protocolVersion\":\"2024-11-05\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\","
                + "\"version\":\"1\"}}}");
        assertThat(sse.next(l -> l.contains("\"id\":1"), Duration.ofSeconds(10))).contains("protocolVersion");
        RawHttp.send(server.port(), "POST", path, Map.of(), "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        return path;
    }

    /** The JSON-RPC messages in an SSE body. */
    private List<JsonNode> events(String body) throws Exception {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("data: ") && !line.isBlank() && line.length() > 6) {
                out.add(M.readTree(line.substring(6)));
            }
        }
        return out;
    }

    @Test
    void sdkClientUsesToolsOverStreamableHttp() {
        McpSyncClient c = server.streamable(Map.of());
        try {
            List<McpSchema.Tool> tools = c.listTools().tools();
            assertThat(tools).extracting(McpSchema.Tool::name).contains("whoami", "list-tasks", "get-task");
            sandbox.requests().clear();
            McpSchema.CallToolResult r = c.callTool(new McpSchema.CallToolRequest("list-tasks", Map.of()));
            assertThat(r.isError()).as(ServerProcess.text(r)).isFalse();
            assertThat(ServerProcess.text(r)).contains("text-echo");
            assertThat(sandbox.requests().matching("GET", "/api/v1/tasks/demo.*")).isNotEmpty();
            assertThat(sandbox.requests().all()).allSatisfy(q ->
                    assertThat(q.header("Authorization")).isEqualTo("Bearer " + SandboxSeeds.DEMO_TOKEN));
            // the guard chain is the same as on stdio: out-of-scope collections never reach Jetty
            sandbox.requests().clear();
            McpSchema.CallToolResult bad = c.callTool(new McpSchema.CallToolRequest("list-tasks", Map.of("collection", "acme")));
            assertThat(bad.isError()).isTrue();
            assertThat(ServerProcess.text(bad)).contains("outside this server's scope");
            assertThat(sandbox.requests().matching("GET", "/api/v1/tasks/acme.*")).isEmpty();
        } finally {
            c.closeGracefully();
        }
    }

    @Test
    void approvalIsAskedThroughElicitationOverHttp() {
        java.util.concurrent.atomic.AtomicReference<Boolean> answer = new java.util.concurrent.atomic.AtomicReference<>(true);
        java.util.concurrent.atomic.AtomicReference<String> asked = new java.util.concurrent.atomic.AtomicReference<>();
        McpSyncClient c = server.streamable(Map.of(), req -> {
            asked.set(req.message());
            return new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT, Map.of("approve", answer.get()), null);
        });
        try {
            McpSchema.CallToolResult ok = c.callTool(new McpSchema.CallToolRequest("update-task",
                    Map.of("task", "judge", "description", "approved over http")));
            assertThat(ok.isError()).as(ServerProcess.text(ok)).isFalse();
            assertThat(asked.get()).contains("update-task");
            answer.set(false);
            sandbox.requests().clear();
            McpSchema.CallToolResult no = c.callTool(new McpSchema.CallToolRequest("update-task",
                    Map.of("task", "judge", "description", "refused")));
            assertThat(no.isError()).isTrue();
            assertThat(ServerProcess.text(no)).contains("did not approve");
            assertThat(sandbox.requests().matching("PUT", ".*")).isEmpty();
        } finally {
            c.closeGracefully();
        }
    }

    @Test
    void sdkClientUsesToolsOverLegacySse() {
        McpSyncClient c = server.sse(Map.of());
        try {
            assertThat(c.listTools().tools()).extracting(McpSchema.Tool::name).contains("whoami");
            McpSchema.CallToolResult r = c.callTool(new McpSchema.CallToolRequest("get-task", Map.of("task", "text-echo")));
            assertThat(r.isError()).as(ServerProcess.text(r)).isFalse();
            assertThat(ServerProcess.json(r).toString()).contains("text-echo");
        } finally {
            c.closeGracefully();
        }
    }

    @Test
    void everyListedToolAnswersOverBothTransports() throws Exception {
        java.nio.file.Path local = java.nio.file.Files.createFile(tempDir("http").resolve("local.txt"));
        for (McpSyncClient c : List.of(server.streamable(Map.of()), server.sse(Map.of()))) {
            try {
                List<McpSchema.Tool> tools = c.listTools().tools();
                assertThat(tools).hasSizeGreaterThan(40);
                for (McpSchema.Tool t : tools) {
                    Map<String, Object> args = SecretsPropertyE2ETest.fixture(t.name(), "00000000", local);
                    // a result (an error result included) for every tool: no protocol error, no timeout
                    McpSchema.CallToolResult r = c.callTool(new McpSchema.CallToolRequest(t.name(),
                            args != null ? args : Map.of("task", "text-echo")));
                    assertThat(r.content()).as(t.name()).isNotEmpty();
                }
            } finally {
                c.closeGracefully();
            }
        }
    }

    @Test
    void foreignOriginAndHostAreRefusedWith403() throws Exception {
        String init = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";
        RawHttp.Response origin = RawHttp.send(server.port(), "POST", "/mcp", Map.of("Origin", "https://evil.example"), init);
        assertThat(origin.status()).isEqualTo(403);
        assertThat(origin.body()).contains("--allowed-origins");
        RawHttp.Response host = RawHttp.send(server.port(), "POST", "/mcp", Map.of("Host", "evil.example:" + server.port()), init);
        assertThat(host.status()).isEqualTo(403);
        assertThat(host.body()).contains("--allowed-hosts");
        // DNS rebinding: a loopback address under an attacker's name is still refused
        assertThat(RawHttp.send(server.port(), "POST", "/mcp", Map.of("Host", "127.0.0.1.evil.example"), init).status())
                .isEqualTo(403);
        RawHttp.Response local = RawHttp.send(server.port(), "POST", "/mcp",
                Map.of("Origin", "http://localhost:3000", "Host", "localhost:" + server.port()), init);
        assertThat(local.status()).isEqualTo(200);
        assertThat(local.header("access-control-allow-origin")).isEqualTo("http://localhost:3000");
        assertThat(local.header("access-control-expose-headers")).contains("Mcp-Session-Id");
        // a browser's preflight: answered for a loopback page, refused for a foreign one
        RawHttp.Response pre = RawHttp.send(server.port(), "OPTIONS", "/mcp", Map.of("Origin", "http://localhost:3000"), null);
        assertThat(pre.status()).isEqualTo(204);
        assertThat(pre.header("access-control-allow-headers")).contains("Mcp-Session-Id").contains("MCP-Protocol-Version");
        assertThat(RawHttp.send(server.port(), "OPTIONS", "/mcp", Map.of("Origin", "https://evil.example"), null).status())
                .isEqualTo(403);
    }

    @Test
    void everyEndpointChecksOriginHostProtocolVersionAndSession() throws Exception {
        String ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
        String[][] endpoints = {{"GET", "/sse", null}, {"POST", "/message?sessionId=nope", ping}, {"GET", "/nowhere", null},
                {"DELETE", "/mcp", null}};
        for (String[] e : endpoints) {
            assertThat(RawHttp.send(server.port(), e[0], e[1], Map.of("Origin", "https://evil.example"), e[2]).status())
                    .as("Origin on " + e[0] + " " + e[1]).isEqualTo(403);
            assertThat(RawHttp.send(server.port(), e[0], e[1], Map.of("Host", "evil.example:" + server.port()), e[2]).status())
                    .as("Host on " + e[0] + " " + e[1]).isEqualTo(403);
        }
        Map<String, String> future = Map.of("MCP-Protocol-Version", "2030-01-01", "Accept", "text/event-stream");
        assertThat(RawHttp.send(server.port(), "GET", "/sse", future, null).status()).isEqualTo(400);
        assertThat(RawHttp.send(server.port(), "POST", "/message?sessionId=nope", future, ping).status()).isEqualTo(400);
        assertThat(RawHttp.send(server.port(), "DELETE", "/mcp", Map.of("Mcp-Session-Id", "no-such-session"), null).status())
                .isEqualTo(404);
        assertThat(RawHttp.send(server.port(), "POST", "/message?sessionId=no-such-session", Map.of(), ping).status())
                .isEqualTo(404);
    }

    @Test
    void protocolVersionIsCheckedAndEverySdkVersionAccepted() throws Exception {
        for (String v : List.of("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25")) {
            String session = initialize(v);
            RawHttp.Response ok = RawHttp.send(server.port(), "POST", "/mcp",
                    Map.of("Mcp-Session-Id", session, "MCP-Protocol-Version", v), "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
            assertThat(ok.status()).as(v).isEqualTo(200);
            assertThat(events(ok.body())).anySatisfy(e -> assertThat(e.path("id").asInt()).isEqualTo(2));
        }
        String session = initialize("2025-06-18");
        RawHttp.Response bad = RawHttp.send(server.port(), "POST", "/mcp",
                Map.of("Mcp-Session-Id", session, "MCP-Protocol-Version", "1999-01-01"), "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
        assertThat(bad.status()).isEqualTo(400);
        // the 2026-07-28 era is served too (the default), so the answer is its -32022, naming every version served
        assertThat(bad.body()).containsIgnoringCase("unsupported protocol version").contains("2025-11-25").contains("-32022");
    }

    @Test
    void unknownAndDeletedSessionsGet404() throws Exception {
        String ping = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}";
        assertThat(RawHttp.send(server.port(), "POST", "/mcp", Map.of("Mcp-Session-Id", "nope"), ping).status()).isEqualTo(404);
        assertThat(RawHttp.send(server.port(), "POST", "/mcp", Map.of(), ping).status()).isEqualTo(400);
        String session = initialize("2025-06-18");
        assertThat(RawHttp.send(server.port(), "DELETE", "/mcp", Map.of("Mcp-Session-Id", session), null).status()).isEqualTo(200);
        assertThat(RawHttp.send(server.port(), "POST", "/mcp", Map.of("Mcp-Session-Id", session), ping).status()).isEqualTo(404);
        assertThat(RawHttp.send(server.port(), "GET", "/mcp", Map.of("Mcp-Session-Id", session), null).status()).isEqualTo(404);
    }

    @Test
    void largeArgumentsReachTheValidatorAndOversizedBodiesGet413() throws Exception {
        String session = initialize("2025-06-18");
        String big = "x".repeat(2 * 1024 * 1024);
        RawHttp.Response r = RawHttp.send(server.port(), "POST", "/mcp", Map.of("Mcp-Session-Id", session),
                callBody(5, "create-task", "{\"name\":\"big\",\"workflow\":{},\"description\":\"" + big + "\"}"));
        assertThat(r.status()).isEqualTo(200);
        JsonNode answer = events(r.body()).get(0);
        assertThat(answer.path("result").path("isError").asBoolean()).isTrue();
        assertThat(answer.path("result").path("content").get(0).path("text").asText()).contains("description");
        // refused from the declared length, before any of the body is read (I3)
        assertThat(RawHttp.headOnlyStatus(server.port(), "POST", "/mcp", Map.of("Mcp-Session-Id", session),
                2L * big.length() + 100)).isEqualTo(413);
    }

    @Test
    void cancellationOverHttpStopsTheCallAndEndsItsStreamWithoutAnAnswer() throws Exception {
        String session = initialize("2025-06-18");
        Map<String, String> h = Map.of("Mcp-Session-Id", session);
        RawHttp.send(server.port(), "POST", "/mcp", h, callBody(1, "whoami", "{}")); // scope learned first
        sandbox.faults().add(FaultRule.delay("GET", "/api/v1/tasks/demo/judge", 8000));
        try {
            CompletableFuture<RawHttp.Response> slow = CompletableFuture.supplyAsync(() -> {
                try {
                    return RawHttp.send(server.port(), "POST", "/mcp", h, callBody(2, "get-task", "{\"task\":\"judge\"}"));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(700);
            assertThat(health().path("running").asInt()).isGreaterThanOrEqualTo(1);
            RawHttp.Response cancel = RawHttp.send(server.port(), "POST", "/mcp", h,
                    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":2,\"reason\":\"user\"}}");
            assertThat(cancel.status()).isEqualTo(202);
            RawHttp.Response ended = slow.get(30, TimeUnit.SECONDS);
            assertThat(events(ended.body())).noneSatisfy(e -> assertThat(e.path("id").asInt(-1)).isEqualTo(2));
            assertThat(health().path("running").asInt()).isZero();
        } finally {
            sandbox.faults().clear();
        }
    }

    @Test
    void aDroppedAnswerStreamIsResumedWithLastEventIdAndTheRunStartsOnce() throws Exception {
        String session = initialize("2025-11-25");
        Map<String, String> h = Map.of("Mcp-Session-Id", session);
        RawHttp.send(server.port(), "POST", "/mcp", h, callBody(1, "whoami", "{}")); // scope learned first
        int runsBefore = sandbox.requests().matching("POST", "/api/v1/run/demo/text-echo").size();
        java.util.regex.Pattern priming = java.util.regex.Pattern.compile("id: ([0-9]+)\\.0\r?\ndata: \r?\n");
        sandbox.faults().add(FaultRule.delay("POST", "/api/v1/run/demo/text-echo", 1500));
        try {
            // the connection drops while the run is being started; the client resumes at once
            String live = RawHttp.sendAndDrop(server.port(), "POST", "/mcp", h,
                    callBody(2, "run-task", "{\"task\":\"text-echo\"}"), priming).group(1);
            RawHttp.Response resumed = RawHttp.send(server.port(), "GET", "/mcp",
                    Map.of("Mcp-Session-Id", session, "Accept", "text/event-stream", "Last-Event-ID", live + ".0"), null);
            assertThat(resumed.status()).isEqualTo(200);
            assertThat(resumed.body()).contains("id: " + live + ".1");
            JsonNode answer = events(resumed.body()).stream().filter(e -> e.path("id").asInt() == 2).findFirst().orElseThrow();
            assertThat(answer.path("result").path("isError").asBoolean()).as(answer.toString()).isFalse();
            assertThat(answer.path("result").path("content").get(0).path("text").asText()).contains("trajectory_id");

            // dropped again; this time the client comes back after the call has ended: the answer was kept
            String ended = RawHttp.sendAndDrop(server.port(), "POST", "/mcp", h,
                    callBody(3, "run-task", "{\"task\":\"text-echo\"}"), priming).group(1);
            for (int i = 0; i < 100 && health().path("running").asInt() > 0; i++) {
                Thread.sleep(50);
            }
            RawHttp.Response replayed = RawHttp.send(server.port(), "GET", "/mcp",
                    Map.of("Mcp-Session-Id", session, "Accept", "text/event-stream", "Last-Event-ID", ended + ".0"), null);
            assertThat(events(replayed.body())).anySatisfy(e -> assertThat(e.path("id").asInt()).isEqualTo(3));
        } finally {
            sandbox.faults().clear();
        }
        // a resumed stream is a delivery, never a second run
        assertThat(sandbox.requests().matching("POST", "/api/v1/run/demo/text-echo")).hasSize(runsBefore + 2);
    }

    @Test
    void progressReachesALegacySseClient() throws Exception {
        try (RawHttp.EventStream sse = RawHttp.openEventStream(server.port(), "/sse", Map.of())) {
            String path = initializeLegacy(sse);
            RawHttp.send(server.port(), "POST", path, Map.of(), callBody(2, "run-task", "{\"task\":\"pdf-amber-hawk\"}"));
            String started = sse.next(l -> l.contains("\"id\":2"), Duration.ofSeconds(15));
            assertThat(started).isNotNull();
            String id = M.readTree(M.readTree(started.substring("data: ".length())).path("result").path("content").get(0)
                    .path("text").asText()).path("trajectory_id").asText();
            assertThat(id).matches("[0-9a-f]{8}");
            RawHttp.send(server.port(), "POST", path, Map.of(), "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\","
                    + "\"params\":{\"name\":\"wait-for-trajectory\",\"arguments\":{\"task\":\"pdf-amber-hawk\",\"trajectory_id\":\""
                    + id + "\",\"timeout_seconds\":3},\"_meta\":{\"progressToken\":\"sse-tok\"}}}");
            assertThat(sse.next(l -> l.contains("notifications/progress") && l.contains("sse-tok"), Duration.ofSeconds(10)))
                    .as("a progress notification on the session's stream").isNotNull();
            String answer = sse.next(l -> l.contains("\"id\":3"), Duration.ofSeconds(15));
            assertThat(answer).as("the wait returns at its budget").isNotNull().contains("done");
        }
    }

    @Test
    void cancellationOverLegacySseStopsTheCallAndSendsNoAnswer() throws Exception {
        try (RawHttp.EventStream sse = RawHttp.openEventStream(server.port(), "/sse", Map.of())) {
            String path = initializeLegacy(sse);
            RawHttp.send(server.port(), "POST", path, Map.of(), callBody(2, "whoami", "{}")); // scope learned first
            assertThat(sse.next(l -> l.contains("\"id\":2"), Duration.ofSeconds(10))).isNotNull();

            sandbox.faults().add(FaultRule.delay("GET", "/api/v1/tasks/demo/judge", 8000));
            try {
                assertThat(RawHttp.send(server.port(), "POST", path, Map.of(),
                        callBody(3, "get-task", "{\"task\":\"judge\"}")).status()).isEqualTo(202);
                Thread.sleep(700);
                assertThat(health().path("running").asInt()).isGreaterThanOrEqualTo(1);
                assertThat(RawHttp.send(server.port(), "POST", path, Map.of(), "{\"jsonrpc\":\"2.0\",\"method\":"
                        + "\"notifications/cancelled\",\"params\":{\"requestId\":3}}").status()).isEqualTo(202);
                for (int i = 0; i < 60 && health().path("running").asInt() > 0; i++) {
                    Thread.sleep(50); // the upstream delay is 8 s: only the cancellation ends the call this soon
                }
                assertThat(health().path("running").asInt()).isZero();
            } finally {
                sandbox.faults().clear();
            }
            RawHttp.send(server.port(), "POST", path, Map.of(), "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\"}");
            // lines are read in order: reaching the ping's answer without the call's shows there was none
            String next = sse.next(l -> l.contains("\"id\":3") || l.contains("\"id\":4"), Duration.ofSeconds(10));
            assertThat(next).contains("\"id\":4");
        }
    }

    /** Malformed JSON-RPC bodies and the JSON-RPC error code each must get. */
    static final Map<String, Integer> MALFORMED = Map.of(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"", -32700, // bad JSON
            "", -32700, // no body at all
            "42", -32600, // valid JSON, not an object
            "\"ping\"", -32600,
            "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}", -32600, // wrong version
            "{\"id\":1,\"method\":\"ping\"}", -32600, // no version
            "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]", -32600); // a batch: not in MCP since 2025-06-18

    private void assertJsonRpcError(RawHttp.Response r, String body, int code) throws Exception {
        assertThat(r.status()).as("status for %s", body).isBetween(400, 499);
        assertThat(r.header("content-type")).as("type for %s", body).startsWith("application/json");
        JsonNode err = M.readTree(r.body());
        assertThat(err.path("jsonrpc").asText()).as(r.body()).isEqualTo("2.0");
        assertThat(err.path("error").path("code").asInt()).as("code for %s: %s", body, r.body()).isEqualTo(code);
        assertThat(err.path("error").path("message").asText()).as(r.body()).isNotBlank();
    }

    @Test
    void malformedJsonRpcOnMcpGetsJsonRpcErrorsAndTheSessionGoesOn() throws Exception {
        String session = initialize("2025-06-18");
        Map<String, String> h = Map.of("Mcp-Session-Id", session);
        for (Map.Entry<String, Integer> m : MALFORMED.entrySet()) {
            assertJsonRpcError(RawHttp.send(server.port(), "POST", "/mcp", h, m.getKey()), m.getKey(), m.getValue());
            // without a session too: the body is judged first
            assertJsonRpcError(RawHttp.send(server.port(), "POST", "/mcp", Map.of(), m.getKey()), m.getKey(), m.getValue());
        }
        RawHttp.Response ping = RawHttp.send(server.port(), "POST", "/mcp", h, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
        assertThat(ping.status()).isEqualTo(200);
        assertThat(events(ping.body())).anySatisfy(e -> assertThat(e.path("id").asInt()).isEqualTo(2));
        RawHttp.Response call = RawHttp.send(server.port(), "POST", "/mcp", h, callBody(3, "whoami", "{}"));
        assertThat(events(call.body())).anySatisfy(e -> assertThat(e.path("result").path("isError").asBoolean(true)).isFalse());
    }

    @Test
    void malformedJsonRpcOnLegacyMessageGetsJsonRpcErrorsAndTheSessionGoesOn() throws Exception {
        try (RawHttp.EventStream sse = RawHttp.openEventStream(server.port(), "/sse", Map.of())) {
            String path = initializeLegacy(sse);
            for (Map.Entry<String, Integer> m : MALFORMED.entrySet()) {
                assertJsonRpcError(RawHttp.send(server.port(), "POST", path, Map.of(), m.getKey()), m.getKey(), m.getValue());
            }
            RawHttp.send(server.port(), "POST", path, Map.of(), "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
            // the stream carried nothing for the malformed bodies: the next answer on it is the ping's
            String next = sse.next(l -> l.startsWith("data: {"), Duration.ofSeconds(10));
            assertThat(next).as("the session still answers").isNotNull();
            assertThat(M.readTree(next.substring("data: ".length())).path("id").asInt(-1)).as(next).isEqualTo(2);
        }
    }

    @Test
    void healthEndpointAnswersWithoutASession() throws Exception {
        JsonNode h = health();
        assertThat(h.path("status").asText()).isEqualTo("ok");
        assertThat(RawHttp.send(server.port(), "GET", "/nowhere", Map.of(), null).status()).isEqualTo(404);
    }

    private JsonNode health() throws Exception {
        RawHttp.Response r = RawHttp.send(server.port(), "GET", "/healthz", new HashMap<>(), null);
        assertThat(r.status()).isEqualTo(200);
        return M.readTree(r.body());
    }
}
