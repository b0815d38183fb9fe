package io.jettymcp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.e2e.support.HttpServerProcess;
import io.jettymcp.e2e.support.RawHttp;
import io.jettymcp.e2e.support.SandboxTest;
import io.jettymcp.sandbox.FaultRule;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real signals reach the drain: SIGTERM while a call runs logs the drain, closes the listener (new connects are
 * refused, which a balancer retries elsewhere), lets the call finish and be answered, logs the stop and exits.
 * A stateless replica first turns unready for its shutdown delay, serving everything else; a second SIGTERM ends it.
 */
class HttpShutdownE2ETest extends SandboxTest {

    static final ObjectMapper M = new ObjectMapper();
    static final String CALL = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"get-task\","
            + "\"arguments\":{\"task\":\"judge\"}}}";

    static boolean refuses(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static JsonNode result(RawHttp.Response r) throws IOException {
        String body = r.body();
        for (String line : body.split("\n")) {
            if (line.startsWith("data: ")) {
                body = line.substring(6);
            }
        }
        return M.readTree(body);
    }

    /** The process has exited; its last lines may still be on their way through the reader. */
    static void awaitLine(HttpServerProcess server, String regex) throws InterruptedException {
        for (int i = 0; i < 250 && server.stderr().stream().noneMatch(l -> l.matches(regex)); i++) {
            Thread.sleep(20);
        }
        assertThat(server.stderr()).anyMatch(l -> l.matches(regex));
    }

    @Test
    void sigtermLetsTheRunningCallFinishThenExits() throws Exception {
        try (HttpServerProcess server = demoHttpServer().start()) {
            RawHttp.Response init = RawHttp.send(server.port(), "POST", "/mcp", Map.of(), "{\"jsonrpc\":\"2.0\",\"id\":1,"
                    + "\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                    + "\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}");
            Map<String, String> h = Map.of("Mcp-Session-Id", init.header("mcp-session-id"));
            sandbox.faults().add(FaultRule.delay("GET", "/api/v1/tasks/demo/judge", 3000));
            CompletableFuture<RawHttp.Response> slow = CompletableFuture.supplyAsync(() -> {
                try {
                    return RawHttp.send(server.port(), "POST", "/mcp", h, CALL);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (sandbox.requests().matching("GET", "/api/v1/tasks/demo/judge").isEmpty() && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            server.process().toHandle().destroy(); // SIGTERM (Process.destroy would also close our end of its stderr)
            for (int i = 0; i < 200 && !refuses(server.port()); i++) {
                Thread.sleep(20);
            }
            assertThat(refuses(server.port())).as("the listener is closed: connects are refused").isTrue();
            RawHttp.Response answered = slow.get(30, TimeUnit.SECONDS);
            assertThat(answered.status()).as(answered.headers() + answered.body() + server.stderr()).isEqualTo(200);
            JsonNode result = result(answered);
            assertThat(result.path("id").asInt()).as(answered.headers() + answered.body() + server.stderr()).isEqualTo(3);
            assertThat(result.path("result").path("isError").asBoolean()).as(result.toString()).isFalse();
            assertThat(server.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(server.process().exitValue()).as(String.join("\n", server.stderr())).isZero();
            awaitLine(server, ".*draining: [0-9]+ calls running.*");
            awaitLine(server, ".*stopped after [0-9.]+ s \\(0 calls cut\\).*");
        }
    }

    @Test
    void aStatelessReplicaIsUnreadyForItsDelayAndASecondSigtermEndsIt() throws Exception {
        try (HttpServerProcess server = demoHttpServer().args("--stateless", "--shutdown-delay", "600").start()) {
            assertThat(RawHttp.send(server.port(), "GET", "/healthz", Map.of(), null).status()).isEqualTo(200);
            server.process().toHandle().destroy();
            int health = 200;
            for (int i = 0; i < 200 && health != 503; i++) {
                Thread.sleep(20);
                health = RawHttp.send(server.port(), "GET", "/healthz", Map.of(), null).status();
            }
            assertThat(health).as("unready: out of the balancer").isEqualTo(503);
            assertThat(RawHttp.send(server.port(), "GET", "/livez", Map.of(), null).status()).isEqualTo(200);
            RawHttp.Response served = RawHttp.send(server.port(), "POST", "/mcp", Map.of(), CALL);
            assertThat(served.status()).as("served as before during the delay").isEqualTo(200);
            assertThat(result(served).path("result").path("isError").asBoolean()).isFalse();
            server.process().toHandle().destroy(); // the second signal ends the 600 s delay
            assertThat(server.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(server.process().exitValue()).isZero();
            awaitLine(server, ".*draining: 0 calls running.*");
        }
    }
}
