package io.jettymcp.transport.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The drain, rule by rule (issue 17 item 1), on a stateless server in this process: signals are sent through
 * {@link McpHttpServer#signal}, the method the SIGTERM/SIGINT handler calls. Connections are raw keep-alive sockets,
 * as a balancer's upstream pool holds them.
 */
class DrainTest {

    static final ObjectMapper M = new ObjectMapper();

    /** Tools: echo (answers at once), slow (until the test releases it), stuck (never), wait (until the drain limit). */
    static final class Mount implements McpMount {
        final Sinks.Empty<Void> release = Sinks.empty();
        final Sinks.Empty<Void> waitsEnded = Sinks.empty();
        final AtomicInteger slowStarted = new AtomicInteger();
        final AtomicInteger echoes = new AtomicInteger();

        static McpSchema.CallToolResult text(String s) {
            return McpSchema.CallToolResult.builder().addTextContent(s).isError(false).build();
        }

        McpStatelessServerFeatures.AsyncToolSpecification tool(String name,
                java.util.function.Supplier<Mono<McpSchema.CallToolResult>> body) {
            McpSchema.Tool t = McpSchema.Tool.builder().name(name).inputSchema(Map.of("type", "object")).build();
            return new McpStatelessServerFeatures.AsyncToolSpecification(t, (ctx, req) -> Mono.defer(body));
        }

        @Override
        public AutoCloseable stateless(McpStatelessServerTransport t) {
            var s = McpServer.async(t).jsonMapper(new JacksonMcpJsonMapper(M))
                    .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                    .tools(tool("echo", () -> {
                                echoes.incrementAndGet();
                                return Mono.just(text("echo"));
                            }),
                            tool("slow", () -> {
                                slowStarted.incrementAndGet();
                                return release.asMono().then(Mono.just(text("slow done")));
                            }),
                            tool("stuck", Mono::never),
                            tool("wait", () -> waitsEnded.asMono().then(Mono.just(text("still running: trajectory t-1")))))
                    .build();
            return s::close;
        }

        @Override
        public void endWaits() {
            waitsEnded.tryEmitEmpty();
        }

        @Override
        public AutoCloseable streamable(McpStreamableServerTransportProvider transport) {
            throw new UnsupportedOperationException();
        }

        @Override
        public AutoCloseable sse(McpServerTransportProvider transport) {
            throw new UnsupportedOperationException();
        }
    }

    final Mount mount = new Mount();
    McpHttpServer server;
    final List<Conn> opened = new ArrayList<>();

    McpHttpServer start(Duration drainTimeout) {
        McpJsonMapper mcpMapper = new JacksonMcpJsonMapper(M);
        HttpOptions o = new HttpOptions(HttpOptions.DEFAULT_HOST, 0, List.of(), List.of(), null, HttpOptions.DEFAULT_MAX_BODY,
                HttpOptions.DEFAULT_IDLE, 8, true, false, drainTimeout);
        server = McpHttpServer.start(o, mount, M, mcpMapper, null);
        return server;
    }

    @AfterEach
    void stop() throws IOException {
        for (Conn c : opened) {
            c.socket.close();
        }
        if (server != null) {
            mount.release.tryEmitEmpty();
            server.close();
        }
    }

    record Answer(int status, Map<String, String> headers, String body) {
        boolean closes() {
            return "close".equalsIgnoreCase(headers.get("connection"));
        }

        JsonNode json() throws IOException {
            return M.readTree(body);
        }
    }

    /** One keep-alive connection, as a balancer's upstream pool holds it. */
    final class Conn {
        final Socket socket;
        final InputStream in;

        Conn() throws IOException {
            socket = new Socket("127.0.0.1", server.port());
            socket.setSoTimeout(20_000);
            in = socket.getInputStream();
            opened.add(this);
        }

        void send(String method, String path, String body) throws IOException {
            byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n"
                    + "Accept: application/json, text/event-stream\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + b.length + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(b);
            socket.getOutputStream().flush();
        }

        void sendCall(int id, String tool) throws IOException {
            send("POST", "/mcp", callJson(id, tool));
        }

        Answer read() throws IOException {
            Map<String, String> headers = new LinkedHashMap<>();
            String status = line();
            if (status == null) {
                throw new SocketException("closed before an answer");
            }
            for (String l; !(l = line()).isEmpty(); ) {
                int colon = l.indexOf(':');
                headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
            }
            byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
            return new Answer(Integer.parseInt(status.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
        }

        Answer call(int id, String tool) throws IOException {
            sendCall(id, tool);
            return read();
        }

        /** Whether the server closed this connection (read sees its end, or a reset). */
        boolean closedByServer() throws IOException {
            try {
                return in.read() < 0;
            } catch (SocketException e) {
                return true;
            }
        }

        private String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int c; (c = in.read()) != '\n'; ) {
                if (c < 0) {
                    return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
                }
                b.write(c);
            }
            return b.toString(StandardCharsets.ISO_8859_1).trim();
        }
    }

    static String callJson(int id, String tool) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":{}}}";
    }

    static void assertResult(Answer a, int id) throws IOException {
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().path("id").asInt()).isEqualTo(id);
        assertThat(a.json().path("result").path("isError").asBoolean()).as(a.body()).isFalse();
    }

    boolean refusesConnections() {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void until(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 1000 && !condition.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        assertThat(condition.getAsBoolean()).isTrue();
    }

    int status(String path) throws IOException {
        Conn c = new Conn();
        c.send("GET", path, null);
        return c.read().status();
    }

    @Test
    void duringTheDelayReadinessSays503AndEverythingElseIsServedAsBeforeKeepAliveIncluded() throws Exception {
        start(Duration.ofSeconds(30));
        Conn pooled = new Conn();
        assertResult(pooled.call(1, "echo"), 1);
        server.signal(Duration.ofHours(1));
        until(() -> {
            try {
                return status("/healthz") == 503;
            } catch (IOException e) {
                return false;
            }
        });
        assertThat(status("/livez")).isEqualTo(200);
        Answer again = pooled.call(2, "echo");
        assertResult(again, 2);
        assertThat(again.closes()).as("no Connection: close during the delay").isFalse();
        Conn fresh = new Conn(); // new connections are still taken
        Answer onFresh = fresh.call(3, "echo");
        assertResult(onFresh, 3);
        assertThat(onFresh.closes()).isFalse();
        assertThat(refusesConnections()).isFalse();

        server.signal(Duration.ofHours(1)); // a second signal ends the delay
        until(this::refusesConnections);
        server.awaitClosed();
        assertThat(pooled.closedByServer()).as("idle connections closed once no call runs").isTrue();
        assertThat(fresh.closedByServer()).isTrue();
    }

    @Test
    void theListenerTakesEveryConnectionTheKernelCompletedBeforeItCloses() throws Exception {
        start(Duration.ofSeconds(30));
        SingleThreadEventExecutor loop = (SingleThreadEventExecutor) server.listener().eventLoop();
        CountDownLatch blocking = new CountDownLatch(1);
        CompletableFuture<Void> unblock = new CompletableFuture<>();
        loop.execute(() -> { // the listener's loop is busy: completed connections wait in the kernel's accept queue
            blocking.countDown();
            unblock.join();
        });
        assertThat(blocking.await(10, TimeUnit.SECONDS)).isTrue();
        List<Conn> queued = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Conn c = new Conn();
            c.sendCall(10 + i, "echo");
            queued.add(c);
        }
        Thread drain = new Thread(() -> server.drain(Duration.ZERO));
        drain.start();
        until(() -> loop.pendingTasks() > 0); // the drain's close is queued behind the busy task
        unblock.complete(null);
        for (int i = 0; i < queued.size(); i++) {
            Answer a = queued.get(i).read();
            assertResult(a, 10 + i);
            assertThat(a.closes()).isTrue();
        }
        assertThat(mount.echoes.get()).isEqualTo(5);
        drain.join(20_000);
        assertThat(refusesConnections()).isTrue();
    }

    @Test
    void requestsOnOpenConnectionsAreExecutedAndCloseTheirConnectionIdleOnesCloseWhenNoCallRuns() throws Exception {
        start(Duration.ofSeconds(30));
        Conn a = new Conn();
        assertResult(a.call(1, "echo"), 1);
        Conn c = new Conn();
        assertResult(c.call(2, "echo"), 2);
        Conn d = new Conn();
        assertResult(d.call(3, "echo"), 3);
        Conn b = new Conn();
        b.sendCall(4, "slow");
        until(() -> mount.slowStarted.get() == 1);

        server.signal(Duration.ZERO);
        until(this::refusesConnections);
        Answer onA = a.call(5, "echo"); // executed, never 503: a balancer could not resend it
        assertResult(onA, 5);
        assertThat(onA.closes()).isTrue();
        assertThat(a.closedByServer()).isTrue();
        Answer onC = c.call(6, "echo"); // idle at the signal, still open while a call runs
        assertResult(onC, 6);
        assertThat(onC.closes()).isTrue();

        mount.release.tryEmitEmpty();
        Answer slow = b.read(); // the call running at the signal finishes and is answered
        assertResult(slow, 4);
        assertThat(slow.closes()).isTrue();
        assertThat(d.closedByServer()).as("idle, closed once no call runs").isTrue();
        server.awaitClosed();
    }

    @Test
    void atTheDrainLimitWaitsAnswerAndWhatIsNewGets503WithItsIdThenTheRestIsCut() throws Exception {
        start(Duration.ofMillis(500));
        Conn idle = new Conn();
        assertResult(idle.call(1, "echo"), 1);
        Conn stuck = new Conn();
        stuck.sendCall(2, "stuck");
        Conn waiting = new Conn();
        waiting.sendCall(3, "wait");
        until(() -> server.running() == 2);

        server.signal(Duration.ZERO);
        Answer waited = waiting.read(); // the limit: the wait returns its normal answer instead of being cut
        assertResult(waited, 3);
        assertThat(waited.body()).contains("still running");

        Answer refused = idle.call(4, "echo");
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.headers()).containsEntry("retry-after", "0");
        assertThat(refused.closes()).isTrue();
        assertThat(refused.json().path("id").asInt()).isEqualTo(4);
        assertThat(refused.json().path("error").path("message").asText()).contains("Not executed");
        assertThat(mount.echoes.get()).as("not executed").isEqualTo(1);

        server.awaitClosed();
        assertThat(stuck.closedByServer()).as("cut at the end").isTrue();
    }
}
