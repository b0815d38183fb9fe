package io.jettymcp.transport.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.e2e.support.RawHttp;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cancellation in {@code --stateless} mode: a {@code notifications/cancelled} stops the one running call of
 * its caller with that request id (any other is ignored), and a client that closes its connection stops its call.
 */
class StatelessCancelTest {

    static final String TOKEN = "t0ken-for-tests";
    static final Map<String, String> AUTH = Map.of("Authorization", "Bearer " + TOKEN);

    /** per call (by its "tag" argument): started, and cancelled */
    final Map<String, CountDownLatch> started = new ConcurrentHashMap<>();
    final Map<String, CountDownLatch> cancelled = new ConcurrentHashMap<>();
    McpHttpServer server;

    @BeforeEach
    void start() {
        ObjectMapper mapper = new ObjectMapper();
        McpJsonMapper mcpMapper = new JacksonMcpJsonMapper(mapper);
        McpStatelessServerFeatures.AsyncToolSpecification hang = McpStatelessServerFeatures.AsyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder().name("hang").description("h").inputSchema(Map.of("type", "object")).build())
                .callHandler((ctx, req) -> {
                    String tag = String.valueOf(req.arguments().get("tag"));
                    return Mono.<McpSchema.CallToolResult>never()
                            .doOnSubscribe(s -> latch(started, tag).countDown())
                            .doOnCancel(() -> latch(cancelled, tag).countDown());
                })
                .build();
        McpMount mount = new McpMount() {
            @Override
            public AutoCloseable streamable(McpStreamableServerTransportProvider t) {
                throw new UnsupportedOperationException();
            }

            @Override
            public AutoCloseable sse(McpServerTransportProvider t) {
                throw new UnsupportedOperationException();
            }

            @Override
            public AutoCloseable stateless(McpStatelessServerTransport t) {
                var s = McpServer.async(t).jsonMapper(mcpMapper)
                        .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build()).tools(List.of(hang)).build();
                return s::close;
            }
        };
        HttpOptions o = HttpOptions.loopback(0);
        HttpOptions stateless = new HttpOptions(o.host(), 0, List.of(), List.of(), TOKEN, o.maxBodyBytes(), o.sessionIdle(),
                o.maxConcurrentCalls(), true, false, o.shutdownGrace());
        server = McpHttpServer.start(stateless, mount, mapper, mcpMapper, null);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static CountDownLatch latch(Map<String, CountDownLatch> m, String tag) {
        return m.computeIfAbsent(tag, k -> new CountDownLatch(1));
    }

    static String call(Object id, String tag) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"hang\","
                + "\"arguments\":{\"tag\":\"" + tag + "\"}}}";
    }

    static String cancel(Object id) {
        return "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":" + id + "}}";
    }

    CompletableFuture<RawHttp.Response> post(String body) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return RawHttp.send(server.port(), "POST", "/mcp", AUTH, body);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    @Test
    void aCancelFromTheCallerStopsItsOneRunningCallWithThatId() throws Exception {
        CompletableFuture<RawHttp.Response> a = post(call("\"c-1\"", "a"));
        CompletableFuture<RawHttp.Response> b = post(call("\"c-2\"", "b"));
        assertThat(latch(started, "a").await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(latch(started, "b").await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(RawHttp.send(server.port(), "POST", "/mcp", AUTH, cancel("\"c-1\"")).status()).isEqualTo(202);

        assertThat(latch(cancelled, "a").await(10, TimeUnit.SECONDS)).isTrue();
        RawHttp.Response ended = a.get(10, TimeUnit.SECONDS);
        assertThat(ended.body()).doesNotContain("\"result\"");
        assertThat(latch(cancelled, "b").getCount()).isEqualTo(1); // the other call goes on
        assertThat(b).isNotDone();
    }

    @Test
    void aCancelThatMatchesTwoRunningCallsOrNoneIsIgnored() throws Exception {
        CompletableFuture<RawHttp.Response> a = post(call(7, "a"));
        CompletableFuture<RawHttp.Response> b = post(call(7, "b"));
        assertThat(latch(started, "a").await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(latch(started, "b").await(10, TimeUnit.SECONDS)).isTrue();

        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            assertThat(RawHttp.send(server.port(), "POST", "/mcp", AUTH, cancel(7)).status()).isEqualTo(202);
            assertThat(RawHttp.send(server.port(), "POST", "/mcp", AUTH, cancel(8)).status()).isEqualTo(202);
        } finally {
            System.setErr(err);
        }
        assertThat(log.toString(StandardCharsets.UTF_8)).doesNotContain("notifications/cancelled"); // not "unhandled"
        // a call made after the cancels is answered: they have been handled (and both calls still run)
        CompletableFuture<RawHttp.Response> c = post(call(9, "c"));
        assertThat(latch(started, "c").await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(RawHttp.send(server.port(), "POST", "/mcp", AUTH, cancel(9)).status()).isEqualTo(202);
        assertThat(latch(cancelled, "c").await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(latch(cancelled, "a").getCount()).isEqualTo(1);
        assertThat(latch(cancelled, "b").getCount()).isEqualTo(1);
        assertThat(a).isNotDone();
        assertThat(b).isNotDone();
        c.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aClosedConnectionStopsTheCall() throws Exception {
        byte[] body = call(3, "closed").getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nAccept: application/json, text/event-stream\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            assertThat(latch(started, "closed").await(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(latch(cancelled, "closed").await(10, TimeUnit.SECONDS)).isTrue();
    }
}
