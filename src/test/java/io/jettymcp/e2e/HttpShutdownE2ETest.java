package io.jettymcp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.e2e.support.HttpServerProcess;
import io.jettymcp.e2e.support.RawHttp;
import io.jettymcp.e2e.support.SandboxTest;
import io.jettymcp.sandbox.FaultRule;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM while a call is running: new work is refused with 503, what the session's running call
 * may still need (a cancellation, an answer) gets through, the call finishes and is answered, then
 * the process exits.
 */
class HttpShutdownE2ETest extends SandboxTest {

    static final ObjectMapper M = new ObjectMapper();

    @Test
    void gracefulShutdownLetsRunningCallsFinish() throws Exception {
        try (HttpServerProcess server = demoHttpServer().start()) {
            RawHttp.Response init = RawHttp.send(server.port(), "POST", "/mcp", Map.of(), "{\"jsonrpc\":\"2.0\",\"id\":1,"
                    + "\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                    + "\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}");
            Map<String, String> h = Map.of("Mcp-Session-Id", init.header("mcp-session-id"));
            String whoami = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"whoami\",\"arguments\":{}}}";
            assertThat(RawHttp.send(server.port(), "POST", "/mcp", h, whoami).status()).isEqualTo(200);
            sandbox.faults().add(FaultRule.delay("GET", "/api/v1/tasks/demo/judge", 4000));
            CompletableFuture<RawHttp.Response> slow = CompletableFuture.supplyAsync(() -> {
                try {
                    return RawHttp.send(server.port(), "POST", "/mcp", h, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":"
                            + "\"tools/call\",\"params\":{\"name\":\"get-task\",\"arguments\":{\"task\":\"judge\"}}}");
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (sandbox.requests().matching("GET", "/api/v1/tasks/demo/judge").isEmpty() && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            server.process().destroy(); // SIGTERM
            int health = 200;
            for (int i = 0; i < 60 && health != 503; i++) {
                Thread.sleep(50);
                health = RawHttp.send(server.port(), "GET", "/healthz", Map.of(), null).status();
            }
            assertThat(health).as("shutting down: out of the load balancer").isEqualTo(503);
            assertThat(RawHttp.send(server.port(), "POST", "/mcp", Map.of(), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
                    + "\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":"
                    + "{\"name\":\"raw\",\"version\":\"1\"}}}").status()).as("a new session").isEqualTo(503);
            assertThat(RawHttp.send(server.port(), "POST", "/mcp", h, whoami.replace("\"id\":2", "\"id\":4")).status())
                    .as("a new call in the session").isEqualTo(503);
            assertThat(RawHttp.send(server.port(), "POST", "/mcp", h, "{\"jsonrpc\":\"2.0\",\"method\":"
                    + "\"notifications/cancelled\",\"params\":{\"requestId\":99}}").status())
                    .as("a notification for the session's calls").isEqualTo(202);
            RawHttp.Response answered = slow.get(30, TimeUnit.SECONDS);
            assertThat(answered.status()).isEqualTo(200);
            JsonNode result = null;
            for (String line : answered.body().split("\n")) {
                if (line.startsWith("data: ")) {
                    result = M.readTree(line.substring(6));
                }
            }
            assertThat(result).as(answered.body()).isNotNull();
            assertThat(result.path("id").asInt()).isEqualTo(3);
            assertThat(result.path("result").path("isError").asBoolean()).as(result.toString()).isFalse();
            assertThat(result.path("result").path("content").get(0).path("text").asText()).contains("judge");
            assertThat(server.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
    }
}
