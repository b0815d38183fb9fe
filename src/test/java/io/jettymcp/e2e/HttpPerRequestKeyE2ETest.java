package io.jettymcp.e2e;

import io.jettymcp.e2e.support.SandboxTest;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --per-request-key}: the server has no Jetty key of its own; each session brings one in
 * X-Jetty-Api-Key, checked with whoami, bound at initialize, scoped to its collection, never logged.
 */
class HttpPerRequestKeyE2ETest extends SandboxTest {

    HttpServerProcess server;
    /** the same mode without sessions: the key travels with every request, not just initialize */
    HttpServerProcess stateless;

    @BeforeAll
    void start() {
        server = httpServerFor(null).args("--per-request-key").start();
        stateless = httpServerFor(null).args("--per-request-key", "--stateless").start();
    }

    @AfterAll
    void stop() {
        for (HttpServerProcess p : new HttpServerProcess[]{server, stateless}) {
            if (p != null) {
                p.close();
            }
        }
    }

    static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";

    @Test
    void missingOrRejectedKeysCannotOpenASession() throws Exception {
        RawHttp.Response none = RawHttp.send(server.port(), "POST", "/mcp", Map.of(), INIT);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.body()).contains("X-Jetty-Api-Key");
        RawHttp.Response bad = RawHttp.send(server.port(), "POST", "/mcp", Map.of("X-Jetty-Api-Key", "mlc_notAKey0000"), INIT);
        assertThat(bad.status()).isEqualTo(401);
        assertThat(bad.body()).doesNotContain("mlc_notAKey0000");
    }

    @Test
    void aSessionKeepsTheKeyItWasOpenedWith() throws Exception {
        RawHttp.Response init = RawHttp.send(server.port(), "POST", "/mcp", Map.of("X-Jetty-Api-Key", SandboxSeeds.DEMO_TOKEN), INIT);
        assertThat(init.status()).isEqualTo(200);
        String session = init.header("mcp-session-id");
        Map<String, String> other = Map.of("Mcp-Session-Id", session, "X-Jetty-Api-Key", SandboxSeeds.ACME_TOKEN,
                "Accept", "application/json, text/event-stream");
        String call = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"list-tasks\",\"arguments\":{}}}";
        for (String[] m : new String[][]{{"POST", call}, {"GET", null}, {"DELETE", null}}) {
            RawHttp.Response r = RawHttp.send(server.port(), m[0], "/mcp", other, m[1]);
            assertThat(r.status()).as(m[0]).isEqualTo(401);
            assertThat(r.body()).doesNotContain(SandboxSeeds.ACME_TOKEN).doesNotContain(SandboxSeeds.DEMO_TOKEN);
        }
        // the session itself is untouched, and only its own key may end it
        assertThat(RawHttp.send(server.port(), "DELETE", "/mcp", Map.of("Mcp-Session-Id", session), null).status()).isEqualTo(401);
        assertThat(RawHttp.send(server.port(), "DELETE", "/mcp", Map.of("Mcp-Session-Id", session,
                "X-Jetty-Api-Key", SandboxSeeds.DEMO_TOKEN), null).status()).isEqualTo(200);
    }

    @Test
    void aRejectedKeyIsNeitherKeptNorMaskedInOtherUsersOutput() throws Exception {
        // any string can arrive as a key; one Jetty refuses must not join the redactor's secrets
        assertThat(RawHttp.send(server.port(), "POST", "/mcp", Map.of("X-Jetty-Api-Key", "text-echo"), INIT).status())
                .isEqualTo(401);
        McpSyncClient demo = server.streamable(Map.of("X-Jetty-Api-Key", SandboxSeeds.DEMO_TOKEN));
        try {
            McpSchema.CallToolResult r = demo.callTool(new McpSchema.CallToolRequest("list-tasks", Map.of()));
            assertThat(ServerProcess.text(r)).contains("\"text-echo\"");
        } finally {
            demo.closeGracefully();
        }
    }

    @Test
    void eachSessionActsAsItsOwnKeyAndScope() {
        McpSyncClient demo = server.streamable(Map.of("X-Jetty-Api-Key", SandboxSeeds.DEMO_TOKEN));
        McpSyncClient acme = server.streamable(Map.of("X-Jetty-Api-Key", SandboxSeeds.ACME_TOKEN));
        try {
            sandbox.requests().clear();
            McpSchema.CallToolResult d = demo.callTool(new McpSchema.CallToolRequest("list-tasks", Map.of()));
            assertThat(d.isError()).as(ServerProcess.text(d)).isFalse();
            assertThat(sandbox.requests().matching("GET", "/api/v1/tasks/demo.*"))
                    .allSatisfy(q -> assertThat(q.header("Authorization")).isEqualTo("Bearer " + SandboxSeeds.DEMO_TOKEN));
            McpSchema.CallToolResult a = acme.callTool(new McpSchema.CallToolRequest("list-tasks", Map.of()));
            assertThat(a.isError()).as(ServerProcess.text(a)).isFalse();
            assertThat(sandbox.requests().matching("GET", "/api/v1/tasks/acme.*")).isNotEmpty()
                    .allSatisfy(q -> assertThat(q.header("Authorization")).isEqualTo("Bearer " + SandboxSeeds.ACME_TOKEN));
            // the demo key's session cannot reach acme, whatever it asks
            McpSchema.CallToolResult cross = demo.callTool(new McpSchema.CallToolRequest("list-tasks", Map.of("collection", "acme")));
            assertThat(cross.isError()).isTrue();
            McpSchema.CallToolResult who = demo.callTool(new McpSchema.CallToolRequest("whoami", Map.of()));
            assertThat(ServerProcess.text(who)).doesNotContain(SandboxSeeds.DEMO_TOKEN);
        } finally {
            demo.closeGracefully();
            acme.closeGracefully();
        }
        assertThat(server.stderr()).noneMatch(l -> l.contains(SandboxSeeds.DEMO_TOKEN) || l.contains(SandboxSeeds.ACME_TOKEN));
    }

    @Test
    void legacySseSessionsBindTheirKeyToo() throws Exception {
        assertThat(RawHttp.send(server.port(), "GET", "/sse", Map.of("Accept", "text/event-stream"), null).status()).isEqualTo(401);
        McpSyncClient acme = server.sse(Map.of("X-Jetty-Api-Key", SandboxSeeds.ACME_TOKEN));
        try {
            sandbox.requests().clear();
            McpSchema.CallToolResult a = acme.callTool(new McpSchema.CallToolRequest("list-tasks", Map.of()));
            assertThat(a.isError()).as(ServerProcess.text(a)).isFalse();
            assertThat(sandbox.requests().matching("GET", "/api/v1/tasks/acme.*")).isNotEmpty()
                    .allSatisfy(q -> assertThat(q.header("Authorization")).isEqualTo("Bearer " + SandboxSeeds.ACME_TOKEN));
        } finally {
            acme.closeGracefully();
        }
    }

    @Test
    void statelessRequestsEachCarryAndAreScopedToTheirOwnKey() throws Exception {
        Map<String, String> v = Map.of("MCP-Protocol-Version", "2025-06-18");
        String listTasks = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":"
                + "\"list-tasks\",\"arguments\":{}}}";
        RawHttp.Response none = RawHttp.send(stateless.port(), "POST", "/mcp", v, listTasks);
        assertThat(none.status()).isEqualTo(401);
        RawHttp.Response bad = RawHttp.send(stateless.port(), "POST", "/mcp",
                Map.of("MCP-Protocol-Version", "2025-06-18", "X-Jetty-Api-Key", "mlc_notAKey0000"), listTasks);
        assertThat(bad.status()).isEqualTo(401);
        assertThat(bad.body()).doesNotContain("mlc_notAKey0000");

        sandbox.requests().clear();
        RawHttp.Response acme = RawHttp.send(stateless.port(), "POST", "/mcp",
                Map.of("MCP-Protocol-Version", "2025-06-18", "X-Jetty-Api-Key", SandboxSeeds.ACME_TOKEN), listTasks);
        assertThat(acme.status()).as(acme.body()).isEqualTo(200);
        assertThat(acme.body()).doesNotContain("\"isError\":true");
        assertThat(sandbox.requests().matching("GET", "/api/v1/tasks/acme.*")).isNotEmpty()
                .allSatisfy(q -> assertThat(q.header("Authorization")).isEqualTo("Bearer " + SandboxSeeds.ACME_TOKEN));
        // the next request, with another key, acts as that key: nothing of the first one is kept
        RawHttp.Response cross = RawHttp.send(stateless.port(), "POST", "/mcp",
                Map.of("MCP-Protocol-Version", "2025-06-18", "X-Jetty-Api-Key", SandboxSeeds.DEMO_TOKEN),
                listTasks.replace("\"arguments\":{}", "\"arguments\":{\"collection\":\"acme\"}"));
        assertThat(cross.body()).contains("\"isError\":true");
        assertThat(sandbox.requests().matching("GET", "/api/v1/tasks/acme.*"))
                .noneSatisfy(q -> assertThat(q.header("Authorization")).isEqualTo("Bearer " + SandboxSeeds.DEMO_TOKEN));
        assertThat(stateless.stderr()).noneMatch(l -> l.contains(SandboxSeeds.DEMO_TOKEN) || l.contains(SandboxSeeds.ACME_TOKEN));
    }

    @Test
    void whoamiIsCachedPerKey() {
        McpSyncClient first = server.streamable(Map.of("X-Jetty-Api-Key", SandboxSeeds.DEMO_TOKEN));
        sandbox.requests().clear();
        McpSyncClient second = server.streamable(Map.of("X-Jetty-Api-Key", SandboxSeeds.DEMO_TOKEN));
        try {
            second.callTool(new McpSchema.CallToolRequest("list-tasks", Map.of()));
            assertThat(sandbox.requests().matching("GET", "/api/v1/auth/whoami")).isEmpty();
        } finally {
            first.closeGracefully();
            second.closeGracefully();
        }
    }
}
