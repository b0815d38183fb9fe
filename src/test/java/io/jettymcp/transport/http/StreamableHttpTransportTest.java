package io.jettymcp.transport.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.e2e.support.RawHttp;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Streamable HTTP transport in-process with two probe tools: progress reaches the client on the
 * call's own stream, and notifications/cancelled disposes the running handler (what the e2e tests
 * can only see from outside).
 */
class StreamableHttpTransportTest {

    static final AtomicInteger handlerCancelled = new AtomicInteger();
    static final CountDownLatch hangStarted = new CountDownLatch(1);
    static McpHttpServer server;

    @BeforeAll
    static void start() {
        ObjectMapper mapper = new ObjectMapper();
        McpJsonMapper mcpMapper = new JacksonMcpJsonMapper(mapper);
        McpServerFeatures.AsyncToolSpecification progress = McpServerFeatures.AsyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder().name("progress").description("p").inputSchema(Map.of("type", "object")).build())
                .callHandler((ex, req) -> Flux.range(1, 3)
                        .concatMap(i -> ex.progressNotification(new McpSchema.ProgressNotification(
                                req.meta().get("progressToken"), i, 3.0, "step " + i)).then(Mono.delay(Duration.ofMillis(20))))
                        .then(Mono.just(McpSchema.CallToolResult.builder().addTextContent("done").isError(false).build())))
                .build();
        McpServerFeatures.AsyncToolSpecification hang = McpServerFeatures.AsyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder().name("hang").description("h").inputSchema(Map.of("type", "object")).build())
                .callHandler((ex, req) -> Mono.<McpSchema.CallToolResult>never()
                        .doOnSubscribe(s -> hangStarted.countDown())
                        .doOnCancel(handlerCancelled::incrementAndGet))
                .build();
        McpMount mount = TestMount.of(mcpMapper, progress, hang);
        server = McpHttpServer.start(HttpOptions.loopback(0), mount, mapper, mcpMapper, null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void progressNotificationsArriveOnTheCallsStream() {
        List<McpSchema.ProgressNotification> seen = new CopyOnWriteArrayList<>();
        HttpClientStreamableHttpTransport t = HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + server.port())
                .endpoint("/mcp").jsonMapper(new JacksonMcpJsonMapper(new ObjectMapper())).build();
        McpSyncClient c = McpClient.sync(t).progressConsumer(seen::add).requestTimeout(Duration.ofSeconds(20)).build();
        try {
            c.initialize();
            McpSchema.CallToolResult r = c.callTool(McpSchema.CallToolRequest.builder().name("progress")
                    .arguments(Map.of()).progressToken("tok-1").build());
            assertThat(r.isError()).isFalse();
            // the SDK client hands notifications to the consumer on its own threads: their order there is not
            // the stream's (seen as 2, 3, 1 under load), so only which ones arrived on this call's stream is checked
            assertThat(seen).extracting(McpSchema.ProgressNotification::progress).containsExactlyInAnyOrder(1.0, 2.0, 3.0);
            assertThat(seen).allSatisfy(p -> assertThat(p.progressToken()).isEqualTo("tok-1"));
        } finally {
            c.closeGracefully();
        }
    }

    @Test
    void cancellationDisposesTheRunningHandlerAndEndsTheStreamWithoutAnAnswer() throws Exception {
        RawHttp.Response init = RawHttp.send(server.port(), "POST", "/mcp", Map.of(), "{\"jsonrpc\":\"2.0\",\"id\":1,"
                + "\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}");
        Map<String, String> h = Map.of("Mcp-Session-Id", init.header("mcp-session-id"));
        CompletableFuture<RawHttp.Response> call = CompletableFuture.supplyAsync(() -> {
            try {
                return RawHttp.send(server.port(), "POST", "/mcp", h,
                        "{\"jsonrpc\":\"2.0\",\"id\":\"c-9\",\"method\":\"tools/call\",\"params\":{\"name\":\"hang\",\"arguments\":{}}}");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        assertThat(hangStarted.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(RawHttp.send(server.port(), "POST", "/mcp", h, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                + "\"params\":{\"requestId\":\"c-9\"}}").status()).isEqualTo(202);
        RawHttp.Response ended = call.get(10, TimeUnit.SECONDS);
        assertThat(ended.body()).doesNotContain("\"id\":\"c-9\"");
        assertThat(handlerCancelled).hasValue(1);
    }
}
