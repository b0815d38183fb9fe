package io.jettymcp.transport.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.e2e.support.RawHttp;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request in a session (stateful Streamable HTTP) that arrives on a connection still open after the drain limit is
 * not executed: 503, {@code Retry-After: 0}, {@code Connection: close} and its own JSON-RPC id (issue 17 item 1).
 */
class NotExecutedIdTest {

    static final ObjectMapper M = new ObjectMapper();

    @Test
    void aSessionsRequestAfterTheDrainLimitIs503WithItsId() throws Exception {
        McpJsonMapper mcp = new JacksonMcpJsonMapper(M);
        Sinks.Empty<Void> release = Sinks.empty();
        java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
        McpServerFeatures.AsyncToolSpecification held = McpServerFeatures.AsyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder().name("held").inputSchema(Map.of("type", "object")).build())
                .callHandler((ex, req) -> Mono.fromRunnable(running::countDown).then(release.asMono()).then(Mono.just(
                        McpSchema.CallToolResult.builder().addTextContent("done").isError(false).build())))
                .build();
        HttpOptions o = new HttpOptions(HttpOptions.DEFAULT_HOST, 0, List.of(), List.of(), null, HttpOptions.DEFAULT_MAX_BODY,
                HttpOptions.DEFAULT_IDLE, 8, false, false, Duration.ofMillis(200));
        McpHttpServer server = McpHttpServer.start(o, TestMount.of(mcp, held), M, mcp, null);
        int port = server.port();
        RawHttp.Response init = RawHttp.send(port, "POST", "/mcp", Map.of(), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
                + "\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":"
                + "{\"name\":\"raw\",\"version\":\"1\"}}}");
        String session = init.header("mcp-session-id");
        RawHttp.send(port, "POST", "/mcp", Map.of("Mcp-Session-Id", session),
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        Thread call = new Thread(() -> {
            try {
                RawHttp.send(port, "POST", "/mcp", Map.of("Mcp-Session-Id", session), tools(2));
            } catch (Exception e) {
                // the server ends it
            }
        });
        call.start();
        assertThat(running.await(20, TimeUnit.SECONDS)).as("the held call runs").isTrue();
        try (Socket open = new Socket("127.0.0.1", port)) { // kept open across the drain, as a balancer's pool does
            open.setSoTimeout(20_000);
            Thread drain = new Thread(() -> server.drain(Duration.ZERO));
            drain.start();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!server.pastDrainLimit() && System.nanoTime() < end) {
                Thread.sleep(5);
            }
            assertThat(server.pastDrainLimit()).as("the held call keeps the drain past its limit").isTrue();
            String body = tools(7);
            open.getOutputStream().write(("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nMcp-Session-Id: " + session
                    + "\r\nAccept: application/json, text/event-stream\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = open.getInputStream();
            String status = line(in);
            Map<String, String> headers = new java.util.HashMap<>();
            for (String l; !(l = line(in)).isEmpty(); ) {
                headers.put(l.substring(0, l.indexOf(':')).trim().toLowerCase(Locale.ROOT), l.substring(l.indexOf(':') + 1).trim());
            }
            JsonNode answer = M.readTree(in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0"))));
            assertThat(status).contains(" 503 ");
            assertThat(headers).containsEntry("retry-after", "0").containsEntry("connection", "close");
            assertThat(answer.path("id").asInt()).as(answer.toString()).isEqualTo(7);
            release.tryEmitEmpty();
            drain.join(20_000);
        } finally {
            release.tryEmitEmpty();
            server.close();
        }
    }

    static String tools(int id) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"held\",\"arguments\":{}}}";
    }

    static String line(InputStream in) throws java.io.IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                break;
            }
            b.write(c);
        }
        return b.toString(StandardCharsets.ISO_8859_1).trim();
    }
}
