package io.jettymcp.e2e;

import io.jettymcp.e2e.support.SandboxTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.e2e.support.HttpServerProcess;
import io.jettymcp.e2e.support.RawHttp;
import io.jettymcp.e2e.support.ServerProcess;
import io.jettymcp.sandbox.SandboxSeeds;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --stateless}: two replicas that share nothing serve one client's requests interchangeably,
 * as behind a round-robin load balancer.
 */
class HttpStatelessE2ETest extends SandboxTest {

    static final ObjectMapper M = new ObjectMapper();
    HttpServerProcess a;
    HttpServerProcess b;

    @BeforeAll
    void start() throws Exception {
        java.nio.file.Path policy = policyFile(
                "{\"default\":\"allow\",\"rules\":[{\"tools\":[\"update-task\"],\"permission\":\"approval_required\"}]}");
        a = demoHttpServer()
                .args("--stateless", "--policy", policy.toString()).start();
        b = demoHttpServer()
                .args("--stateless", "--policy", policy.toString()).start();
    }

    @AfterAll
    void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @Test
    void anyReplicaServesAnyRequest() throws Exception {
        RawHttp.Response init = RawHttp.send(a.port(), "POST", "/mcp", Map.of(), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
                + "\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":"
                + "{\"name\":\"raw\",\"version\":\"1\"}}}");
        assertThat(init.status()).isEqualTo(200);
        assertThat(init.header("mcp-session-id")).isNull();
        Map<String, String> v = Map.of("MCP-Protocol-Version", "2025-06-18");
        assertThat(RawHttp.send(b.port(), "POST", "/mcp", v, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                .status()).isEqualTo(202);
        for (HttpServerProcess replica : new HttpServerProcess[]{b, a, b}) {
            RawHttp.Response r = RawHttp.send(replica.port(), "POST", "/mcp", v, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":"
                    + "\"tools/call\",\"params\":{\"name\":\"get-task\",\"arguments\":{\"task\":\"text-echo\"}}}");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("content-type")).startsWith("application/json");
            JsonNode answer = M.readTree(r.body());
            assertThat(answer.path("id").asInt()).isEqualTo(7);
            assertThat(answer.path("result").path("isError").asBoolean()).as(r.body()).isFalse();
            assertThat(answer.path("result").path("content").get(0).path("text").asText()).contains("text-echo");
        }
        // resources and prompts are served statelessly too
        JsonNode prompts = M.readTree(RawHttp.send(b.port(), "POST", "/mcp", v,
                "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"prompts/list\"}").body());
        assertThat(prompts.path("result").path("prompts").size()).as(prompts.toString()).isPositive();
        JsonNode templates = M.readTree(RawHttp.send(a.port(), "POST", "/mcp", v,
                "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"resources/templates/list\"}").body());
        assertThat(templates.path("result").path("resourceTemplates").size()).as(templates.toString()).isPositive();
        // scope is enforced the same way on every replica
        RawHttp.Response out = RawHttp.send(a.port(), "POST", "/mcp", v, "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":"
                + "\"tools/call\",\"params\":{\"name\":\"list-tasks\",\"arguments\":{\"collection\":\"acme\"}}}");
        assertThat(M.readTree(out.body()).path("result").path("isError").asBoolean()).isTrue();
    }

    @Test
    void thereIsNoEventStreamAndTheVersionIsStillChecked() throws Exception {
        assertThat(RawHttp.send(a.port(), "GET", "/mcp", Map.of("Accept", "text/event-stream"), null).status()).isEqualTo(405);
        assertThat(RawHttp.send(a.port(), "GET", "/sse", Map.of("Accept", "text/event-stream"), null).status()).isEqualTo(404);
        assertThat(RawHttp.send(b.port(), "POST", "/mcp", Map.of("MCP-Protocol-Version", "2030-01-01"),
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}").status()).isEqualTo(400);
    }

    @Test
    void largeArgumentsReachTheValidatorAndOversizedBodiesGet413() throws Exception {
        Map<String, String> v = Map.of("MCP-Protocol-Version", "2025-06-18");
        String big = "x".repeat(2 * 1024 * 1024);
        String call = "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"create-task\","
                + "\"arguments\":{\"name\":\"big\",\"workflow\":{},\"description\":\"%s\"}}}";
        sandbox.requests().clear();
        RawHttp.Response r = RawHttp.send(b.port(), "POST", "/mcp", v, String.format(call, big));
        assertThat(r.status()).isEqualTo(200);
        JsonNode result = M.readTree(r.body()).path("result");
        assertThat(result.path("isError").asBoolean()).isTrue();
        assertThat(result.path("content").get(0).path("text").asText()).contains("description");
        // refused from the declared length, before any of the body is read (I3)
        assertThat(RawHttp.headOnlyStatus(b.port(), "POST", "/mcp", v, String.format(call, big + big).length())).isEqualTo(413);
        assertThat(sandbox.requests().matching("POST", ".*")).isEmpty();
    }

    @Test
    void withoutAStreamAWaitSendsNoProgressAndReturnsAtItsBudget() throws Exception {
        Map<String, String> v = Map.of("MCP-Protocol-Version", "2025-06-18");
        RawHttp.Response run = RawHttp.send(a.port(), "POST", "/mcp", v, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
                + "\"tools/call\",\"params\":{\"name\":\"run-task\",\"arguments\":{\"task\":\"pdf-amber-hawk\"}}}");
        String id = M.readTree(M.readTree(run.body()).path("result").path("content").get(0).path("text").asText())
                .path("trajectory_id").asText();
        assertThat(id).as(run.body()).matches("[0-9a-f]{8}");
        long t0 = System.nanoTime();
        RawHttp.Response wait = RawHttp.send(b.port(), "POST", "/mcp", v, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":"
                + "\"tools/call\",\"params\":{\"name\":\"wait-for-trajectory\",\"arguments\":{\"task\":\"pdf-amber-hawk\","
                + "\"trajectory_id\":\"" + id + "\",\"timeout_seconds\":3},\"_meta\":{\"progressToken\":\"tok\"}}}");
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
        // one JSON answer: nothing else (no progress) can travel on it
        assertThat(wait.header("content-type")).startsWith("application/json");
        assertThat(wait.body()).doesNotContain("notifications/progress");
        JsonNode out = M.readTree(M.readTree(wait.body()).path("result").path("content").get(0).path("text").asText());
        assertThat(out.path("done").asBoolean(true)).as(out.toString()).isFalse();
        assertThat(seconds).as("returned at its 3 s budget").isBetween(2L, 15L);
    }

    @Test
    void malformedJsonRpcGetsAProtocolErrorAndTheReplicaKeepsServing() throws Exception {
        Map<String, String> v = Map.of("MCP-Protocol-Version", "2025-06-18");
        for (String bad : new String[]{"{not json", "", "42", "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]",
                "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}"}) {
            RawHttp.Response r = RawHttp.send(a.port(), "POST", "/mcp", v, bad);
            assertThat(r.status()).as(bad).isBetween(400, 499);
            assertThat(M.readTree(r.body()).path("error").path("code").asInt()).as(bad).isIn(-32700, -32600);
        }
        RawHttp.Response ping = RawHttp.send(a.port(), "POST", "/mcp", v, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
        assertThat(ping.status()).isEqualTo(200);
        assertThat(M.readTree(ping.body()).path("id").asInt()).isEqualTo(2);
    }

    @Test
    void withoutASessionTheServerCannotAskSoApprovalIsRefusedClearly() {
        // the client offers elicitation, but a stateless server has no stream to ask on
        McpSyncClient c = a.streamable(Map.of(), req -> new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT,
                Map.of("approve", true), null));
        try {
            sandbox.requests().clear();
            McpSchema.CallToolResult r = c.callTool(new McpSchema.CallToolRequest("update-task",
                    Map.of("task", "judge", "description", "x")));
            assertThat(r.isError()).isTrue();
            assertThat(ServerProcess.text(r)).contains("cannot ask");
            assertThat(sandbox.requests().matching("PUT", ".*")).isEmpty();
        } finally {
            c.closeGracefully();
        }
    }

    @Test
    void theSdkClientWorksAgainstAStatelessReplica() {
        McpSyncClient c = b.streamable(Map.of());
        try {
            McpSchema.CallToolResult r = c.callTool(new McpSchema.CallToolRequest("list-tasks", Map.of()));
            assertThat(r.isError()).as(ServerProcess.text(r)).isFalse();
            assertThat(ServerProcess.text(r)).contains("text-echo");
        } finally {
            c.closeGracefully();
        }
    }
}
