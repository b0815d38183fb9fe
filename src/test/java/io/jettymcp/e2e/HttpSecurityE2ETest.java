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

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server bound beyond loopback: it insists on a bearer token (compared in full, never logged),
 * refuses to start without one, and ends idle sessions.
 */
class HttpSecurityE2ETest extends SandboxTest {

    static final String HTTP_TOKEN = "http-secret-4d9b1f0c2a7e";
    HttpServerProcess server;

    @BeforeAll
    void start() {
        server = demoHttpServer()
                .listen("0.0.0.0:0").env("JETTY_MCP_HTTP_TOKEN", HTTP_TOKEN)
                .args("--http-idle-timeout", "2").start();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";

    @Test
    void requestsWithoutTheRightBearerTokenGet401() throws Exception {
        RawHttp.Response none = RawHttp.send(server.port(), "POST", "/mcp", Map.of(), INIT);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.header("www-authenticate")).isEqualTo("Bearer");
        assertThat(none.body()).contains("JETTY_MCP_HTTP_TOKEN").doesNotContain(HTTP_TOKEN);
        for (String wrong : List.of("Bearer " + HTTP_TOKEN.substring(0, HTTP_TOKEN.length() - 1), "Bearer " + HTTP_TOKEN + "x",
                "Basic " + HTTP_TOKEN, HTTP_TOKEN)) {
            assertThat(RawHttp.send(server.port(), "POST", "/mcp", Map.of("Authorization", wrong), INIT).status())
                    .as(wrong).isEqualTo(401);
        }
        assertThat(RawHttp.send(server.port(), "GET", "/sse", Map.of(), null).status()).isEqualTo(401);
        // health checks need no token (load balancers), and say nothing secret
        assertThat(RawHttp.send(server.port(), "GET", "/healthz", Map.of(), null).status()).isEqualTo(200);
    }

    @Test
    void theRightTokenLetsTheSdkClientsIn() {
        Map<String, String> auth = Map.of("Authorization", "Bearer " + HTTP_TOKEN);
        McpSyncClient c = server.streamable(auth);
        try {
            McpSchema.CallToolResult r = c.callTool(new McpSchema.CallToolRequest("whoami", Map.of()));
            assertThat(r.isError()).as(ServerProcess.text(r)).isFalse();
        } finally {
            c.closeGracefully();
        }
        McpSyncClient s = server.sse(auth);
        try {
            assertThat(s.listTools().tools()).isNotEmpty();
        } finally {
            s.closeGracefully();
        }
        assertThat(server.stderr()).noneMatch(l -> l.contains(HTTP_TOKEN) || l.contains(SandboxSeeds.DEMO_TOKEN));
    }

    @Test
    void idleSessionsExpireAndThenGet404() throws Exception {
        Map<String, String> auth = Map.of("Authorization", "Bearer " + HTTP_TOKEN);
        RawHttp.Response init = RawHttp.send(server.port(), "POST", "/mcp", auth, INIT);
        assertThat(init.status()).isEqualTo(200);
        Map<String, String> h = Map.of("Authorization", "Bearer " + HTTP_TOKEN, "Mcp-Session-Id", init.header("mcp-session-id"));
        String ping = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}";
        assertThat(RawHttp.send(server.port(), "POST", "/mcp", h, ping).status()).isEqualTo(200);
        // wait without touching the session (any request to it would keep it alive): /healthz counts sessions
        boolean gone = false;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!gone && System.nanoTime() < end) {
            Thread.sleep(500);
            gone = RawHttp.send(server.port(), "GET", "/healthz", Map.of(), null).body().contains("\"sessions\":0");
        }
        assertThat(gone).as("idle session expired").isTrue();
        assertThat(RawHttp.send(server.port(), "POST", "/mcp", h, ping).status()).isEqualTo(404);
    }

    @Test
    void idleLegacySseSessionsExpireTooAndThenGet404() throws Exception {
        Map<String, String> auth = Map.of("Authorization", "Bearer " + HTTP_TOKEN);
        try (RawHttp.EventStream sse = RawHttp.openEventStream(server.port(), "/sse", auth)) {
            String endpoint = sse.next(l -> l.startsWith("data: /message"), java.time.Duration.ofSeconds(10));
            assertThat(endpoint).isNotNull();
            // the stream stays open, but no message comes: the session is idle
            boolean gone = false;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!gone && System.nanoTime() < end) {
                Thread.sleep(500);
                gone = RawHttp.send(server.port(), "GET", "/healthz", Map.of(), null).body().contains("\"sessions\":0");
            }
            assertThat(gone).as("idle legacy session expired").isTrue();
            assertThat(RawHttp.send(server.port(), "POST", endpoint.substring("data: ".length()), auth,
                    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}").status()).isEqualTo(404);
        }
    }

    @Test
    void aNetworkBindWithoutATokenRefusesToStart() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(ServerProcess.javaBin(), "-jar", ServerProcess.jar().toString(), "--http", "0.0.0.0:0");
        pb.environment().remove("JETTY_MCP_HTTP_TOKEN");
        pb.environment().put("JETTY_API_URL", sandbox.baseUrl());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(out).contains("JETTY_MCP_HTTP_TOKEN").contains("--http-token-file");
        // HTTP-only options on a stdio server are refused rather than silently ignored
        Process stdio = new ProcessBuilder(ServerProcess.javaBin(), "-jar", ServerProcess.jar().toString(), "--stateless").redirectErrorStream(true).start();
        stdio.getOutputStream().close();
        String said = new String(stdio.getInputStream().readAllBytes());
        assertThat(stdio.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(stdio.exitValue()).isEqualTo(2);
        assertThat(said).contains("--stateless applies to the HTTP transport only");
    }
}
