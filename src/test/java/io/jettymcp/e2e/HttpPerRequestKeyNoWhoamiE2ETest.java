package io.jettymcp.e2e;

import io.jettymcp.e2e.support.SandboxTest;
import io.jettymcp.e2e.support.HttpServerProcess;
import io.jettymcp.e2e.support.RawHttp;
import io.jettymcp.e2e.support.ServerProcess;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxSwitches.Whoami;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --per-request-key} against a Jetty whose whoami is absent (jetty-api.md §7 E3): keys are admitted
 * provisionally instead of a 502, calls naming their collection work, and Jetty's own 401 refuses a wrong key.
 */
class HttpPerRequestKeyNoWhoamiE2ETest extends SandboxTest {

    HttpServerProcess server;

    @BeforeAll
    void start() {
        sandbox.switches().whoami(Whoami.ABSENT);
        server = httpServerFor(null).args("--per-request-key").start();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aKeyIsAdmittedAndItsCallsWork() throws Exception {
        RawHttp.Response init = RawHttp.send(server.port(), "POST", "/mcp", Map.of("X-Jetty-Api-Key", SandboxSeeds.DEMO_TOKEN),
                HttpPerRequestKeyE2ETest.INIT);
        assertThat(init.status()).as(init.body()).isEqualTo(200);
        McpSyncClient demo = server.streamable(Map.of("X-Jetty-Api-Key", SandboxSeeds.DEMO_TOKEN));
        try {
            McpSchema.CallToolResult tasks = demo.callTool(new McpSchema.CallToolRequest("list-tasks", Map.of("collection", "demo")));
            assertThat(tasks.isError()).as(ServerProcess.text(tasks)).isFalse();
            assertThat(ServerProcess.text(tasks)).contains("text-echo");
            McpSchema.CallToolResult none = demo.callTool(new McpSchema.CallToolRequest("list-tasks", Map.of()));
            assertThat(ServerProcess.text(none)).contains("'collection'").contains("JETTY_COLLECTIONS");
            McpSchema.CallToolResult cross = demo.callTool(new McpSchema.CallToolRequest("list-tasks", Map.of("collection", "acme")));
            assertThat(cross.isError()).isTrue();
            assertThat(ServerProcess.text(cross)).contains("403").contains("another collection");
            McpSchema.CallToolResult who = demo.callTool(new McpSchema.CallToolRequest("whoami", Map.of()));
            assertThat(ServerProcess.json(who).path("scope").asText()).isEqualTo("unknown");
            assertThat(ServerProcess.text(who)).doesNotContain(SandboxSeeds.DEMO_TOKEN);
        } finally {
            demo.closeGracefully();
        }
        assertThat(server.stderr()).noneMatch(l -> l.contains(SandboxSeeds.DEMO_TOKEN));
    }

    @Test
    void aWrongKeyGetsJettysOwn401Explained() {
        String wrong = "mlc_notAKey0000wrong";
        McpSyncClient c = server.streamable(Map.of("X-Jetty-Api-Key", wrong));
        try {
            McpSchema.CallToolResult r = c.callTool(new McpSchema.CallToolRequest("list-tasks", Map.of("collection", "demo")));
            assertThat(r.isError()).isTrue();
            assertThat(ServerProcess.text(r)).contains("401").contains("invalid, inactive").contains("X-Jetty-Api-Key")
                    .doesNotContain(wrong);
        } finally {
            c.closeGracefully();
        }
    }
}
