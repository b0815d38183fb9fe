package io.jettymcp.transport.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.e2e.support.RawHttp;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * F9: one tenant (here a session, as without per-request keys) holding every call it may start
 * leaves a turn for another tenant, at the default cap of 64 calls.
 */
class TenantShareTest {

    static final AtomicInteger hanging = new AtomicInteger();
    static McpHttpServer server;

    @BeforeAll
    static void start() {
        ObjectMapper mapper = new ObjectMapper();
        McpJsonMapper mcpMapper = new JacksonMcpJsonMapper(mapper);
        McpServerFeatures.AsyncToolSpecification hang = McpServerFeatures.AsyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder().name("hang").description("h").inputSchema(Map.of("type", "object")).build())
                .callHandler((ex, req) -> Mono.<McpSchema.CallToolResult>never().doOnSubscribe(s -> hanging.incrementAndGet()))
                .build();
        McpServerFeatures.AsyncToolSpecification whoami = McpServerFeatures.AsyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder().name("whoami").description("w").inputSchema(Map.of("type", "object")).build())
                .callHandler((ex, req) -> Mono.just(McpSchema.CallToolResult.builder().addTextContent("you").isError(false).build()))
                .build();
        McpMount mount = TestMount.of(mcpMapper, hang, whoami);
        server = McpHttpServer.start(HttpOptions.loopback(0), mount, mapper, mcpMapper, null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";

    static String session() throws Exception {
        return RawHttp.send(server.port(), "POST", "/mcp", Map.of(), INIT).header("mcp-session-id");
    }

    static String call(int id, String tool) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":{}}}";
    }

    @Test
    void aSecondTenantsCallCompletesWhileTheFirstHoldsItsWholeShare() throws Exception {
        int cap = HttpOptions.DEFAULT_MAX_CALLS;
        String a = session();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            for (int i = 0; i < cap; i++) { // as many calls as the whole server may run
                http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/mcp"))
                        .header("Mcp-Session-Id", a).header("Content-Type", "application/json")
                        .header("Accept", "application/json, text/event-stream")
                        .POST(HttpRequest.BodyPublishers.ofString(call(100 + i, "hang"))).build(), HttpResponse.BodyHandlers.discarding());
            }
            awaitRunning(cap); // every one of them has reached the server

            String b = session();
            CompletableFuture<RawHttp.Response> whoami = CompletableFuture.supplyAsync(() -> {
                try {
                    return RawHttp.send(server.port(), "POST", "/mcp", Map.of("Mcp-Session-Id", b), call(1, "whoami"));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            RawHttp.Response r;
            try {
                r = whoami.get(20, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("the second tenant's whoami never ran: the first tenant holds every call slot");
            }
            assertThat(r.body()).contains("\"text\":\"you\"").contains("\"isError\":false");
            assertThat(hanging.get()).isEqualTo(cap / 2); // the first tenant's share; its other calls wait
        } finally {
            RawHttp.send(server.port(), "DELETE", "/mcp", Map.of("Mcp-Session-Id", a), null); // ends its calls
        }
    }

    /** Waits (without a timed assertion) until the server counts {@code n} requests in hand. */
    private static void awaitRunning(int n) throws Exception {
        for (int i = 0; i < 400; i++) {
            if (RawHttp.send(server.port(), "GET", "/healthz", Map.of(), null).body().contains("\"running\":" + n + "}")) {
                return;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("the server never had " + n + " calls in hand");
    }
}
