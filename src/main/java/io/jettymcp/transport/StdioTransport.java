package io.jettymcp.transport;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * MCP over stdin/stdout, one session. Unlike the SDK's provider it keeps reading after a blank or
 * malformed line (answering a JSON-RPC error), honours {@code notifications/cancelled}, and calls
 * {@code onEnd} when input ends so the process can exit promptly. Lines come from {@link StdinLines}, which may have
 * read (and answered) the session's opening requests while the server was being built.
 */
public final class StdioTransport implements McpServerTransportProvider {

    private static final Logger log = LoggerFactory.getLogger(StdioTransport.class);
    /** The longest message line read; see {@link StdinLines#MAX_LINE_CHARS}. */
    public static final int MAX_LINE_CHARS = StdinLines.MAX_LINE_CHARS;

    private final McpJsonMapper mcpMapper;
    private final JsonRpcLines lines;
    private final StdinLines stdin;
    private final Runnable onEnd;
    private final Runnable onReady;
    private final InFlight inFlight = new InFlight();
    private final AtomicBoolean closing = new AtomicBoolean();
    /** 0: not initialized; 1: initialized, ready after the next answer; 2: {@link #onReady} has run */
    private final java.util.concurrent.atomic.AtomicInteger readiness = new java.util.concurrent.atomic.AtomicInteger();
    private final Scheduler writer = Schedulers.newSingle("stdio-out", true);
    private volatile McpServerSession session;
    /** the 2026-07-28 era's server, or null when only the legacy era is served */
    /** Built on the first request of that era: a connection that never speaks it never pays for it */
    private final java.util.function.Supplier<io.modelcontextprotocol.modern.server.McpRequestManager> modern;
    /** the connection's era: null until its first request that is neither server/discover nor initialize */
    private final java.util.concurrent.atomic.AtomicReference<Era> era = new java.util.concurrent.atomic.AtomicReference<>();

    private enum Era { LEGACY, MODERN }

    static final String MODERN_VERSION = "2026-07-28";

    public StdioTransport(McpJsonMapper mcpMapper, JsonRpcLines lines, InputStream in, OutputStream out, Runnable onEnd) {
        this(mcpMapper, lines, new StdinLines(in, out, OpeningAnswers.NONE), onEnd, () -> { });
    }

    /**
     * @param stdin   stdin and stdout, possibly reading (and answering the opening requests) since before the server
     *                was built
     * @param onReady run once (on the writer thread: it must hand its work off) when the client has initialized the
     *                session and the server has written its answer to the next request (tools/list, as a rule): work it
     *                starts then never competes with the answers a client waits for at start, and never comes before
     *                the client's {@code notifications/initialized}
     */
    public StdioTransport(McpJsonMapper mcpMapper, JsonRpcLines lines, StdinLines stdin, Runnable onEnd, Runnable onReady) {
        this(mcpMapper, lines, stdin, onEnd, onReady, null);
    }

    /**
     * @param modern builds the 2026-07-28 era's server, once, on that era's first request (a connection that never
     *               speaks it never pays for it); null ({@code --protocol-era legacy}): {@code server/discover} is then
     *               the legacy server's -32601 and every connection is legacy. With it, {@code server/discover} is
     *               answered, and the first request that is neither discover nor {@code initialize} fixes the era from
     *               its {@code _meta} ({@code initialize}, even after a discover, selects the legacy era).
     */
    public StdioTransport(McpJsonMapper mcpMapper, JsonRpcLines lines, StdinLines stdin, Runnable onEnd, Runnable onReady,
                          java.util.function.Supplier<io.modelcontextprotocol.modern.server.McpRequestManager> modern) {
        this.modern = modern == null ? null : memoized(modern);
        this.mcpMapper = mcpMapper;
        this.lines = lines;
        this.stdin = stdin;
        this.onEnd = onEnd;
        this.onReady = onReady;
    }

    @Override
    public void setSessionFactory(McpServerSession.Factory factory) {
        this.session = factory.create(new SessionTransport());
        stdin.connect(this::handle, this::end);
        stdin.start();
    }

    private void handle(Object line) {
        if (closing.get()) {
            return;
        }
        handle(line instanceof StdinLines.Unread u
                ? new JsonRpcLines.Bad(lines.error(null, -32700, "Parse error: " + u.why()))
                : lines.parse((String) line));
    }

    private void handle(JsonRpcLines.Parsed parsed) {
        if (parsed instanceof JsonRpcLines.Bad bad) {
            write(bad.error());
            return;
        }
        McpSchema.JSONRPCMessage msg = ((JsonRpcLines.Ok) parsed).message();
        if (inFlight.cancelIfAsked(msg)) {
            return;
        }
        if (modern != null && modernEra(msg)) {
            handleModern(msg);
            return;
        }
        Mono<Void> handling = session.handle(msg)
                .contextWrite(ctx -> ctx.put(McpTransportContext.KEY, McpTransportContext.create(Map.of("transport", "stdio"))));
        if (msg instanceof McpSchema.JSONRPCRequest req) {
            inFlight.run(req.id(), req.method(), handling, () -> { });
        } else {
            handling.subscribe(v -> { }, e -> log.warn("message failed: {}", e.toString()));
            if (msg instanceof McpSchema.JSONRPCNotification n && McpSchema.METHOD_NOTIFICATION_INITIALIZED.equals(n.method())) {
                readiness.compareAndSet(0, 1);
            }
        }
    }

    /** Whether {@code msg} is the modern era's, fixing the connection's era on its first deciding request. */
    private boolean modernEra(McpSchema.JSONRPCMessage msg) {
        Era fixed = era.get();
        if (fixed != null) {
            return fixed == Era.MODERN;
        }
        if (!(msg instanceof McpSchema.JSONRPCRequest r)) {
            return false;
        }
        if ("server/discover".equals(r.method())) {
            return true; // answered; the era stays open
        }
        if (McpSchema.METHOD_INITIALIZE.equals(r.method())) {
            era.compareAndSet(null, Era.LEGACY);
            return false;
        }
        Object meta = r.params() instanceof Map<?, ?> p ? p.get("_meta") : null;
        Object version = meta instanceof Map<?, ?> m ? m.get("io.modelcontextprotocol/protocolVersion") : null;
        if (version == null) {
            era.compareAndSet(null, Era.LEGACY);
            return false;
        }
        if (MODERN_VERSION.equals(version)) {
            era.compareAndSet(null, Era.MODERN);
        }
        return true; // another version: the modern server's -32022 names the supported one, and the era stays open
    }

    /** A message of the modern era: its answer (or its stream's messages) written as lines, in order. */
    private void handleModern(McpSchema.JSONRPCMessage msg) {
        McpTransportContext ctx = McpTransportContext.create(Map.of("transport", "stdio"));
        if (msg instanceof McpSchema.JSONRPCNotification n) {
            modern.get().handleNotification(ctx, new io.modelcontextprotocol.modern.JsonRpc.JSONRPCNotification(n.jsonrpc(), n.method(),
                    n.params())).subscribe(v -> { }, e -> log.debug("notification failed: {}", e.toString()));
            return;
        }
        if (!(msg instanceof McpSchema.JSONRPCRequest r)) {
            return; // the modern era sends no requests, so there are no responses to match
        }
        Mono<Void> handling = modern.get().handle(ctx, new io.modelcontextprotocol.modern.JsonRpc.JSONRPCRequest(r.jsonrpc(),
                        r.method(), r.id(), r.params()))
                .flatMapMany(out -> {
                    if (out instanceof io.modelcontextprotocol.modern.server.McpTransportResponse.Result res) {
                        return reactor.core.publisher.Flux.just(res.response());
                    }
                    if (out instanceof io.modelcontextprotocol.modern.server.McpTransportResponse.Error err) {
                        return reactor.core.publisher.Flux.just(err.response());
                    }
                    return ((io.modelcontextprotocol.modern.server.McpTransportResponse.Streaming) out).messages()
                            .takeUntil(m -> m instanceof io.modelcontextprotocol.modern.JsonRpc.JSONRPCResponse); // ends with the answer
                })
                .concatMap(m -> Mono.fromRunnable(() -> {
                    String text;
                    try {
                        text = mcpMapper.writeValueAsString(m);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                    if (!(m instanceof io.modelcontextprotocol.modern.JsonRpc.JSONRPCResponse res
                            && stdin.opening().answered(res.id(), text))) {
                        write(text); // not a server/discover probe answered early
                    }
                }).subscribeOn(writer))
                .then();
        inFlight.run(r.id(), r.method(), handling, () -> { });
    }

    private static <T> java.util.function.Supplier<T> memoized(java.util.function.Supplier<T> make) {
        return new java.util.function.Supplier<>() {
            private T made;

            @Override
            public synchronized T get() {
                if (made == null) {
                    made = make.get();
                }
                return made;
            }
        };
    }

    private void end() {
        if (closing.compareAndSet(false, true)) {
            log.debug("input ended; shutting down");
            inFlight.cancelAll();
            McpServerSession s = session;
            Mono<Void> close = s == null ? Mono.empty() : s.closeGracefully();
            close.timeout(Duration.ofSeconds(1)).onErrorResume(e -> Mono.empty()).block();
            onEnd.run();
        }
    }

    private void write(String json) {
        if (!stdin.write(json) && !closing.get()) {
            log.warn("stdout closed");
        }
    }

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
        McpServerSession s = session;
        return s == null ? Mono.empty() : s.sendNotification(method, params);
    }

    @Override
    public Mono<Void> closeGracefully() {
        McpServerSession s = session;
        return s == null ? Mono.empty() : s.closeGracefully();
    }

    private final class SessionTransport implements McpServerTransport {

        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
            // one writer thread keeps messages whole and in order, and never blocks a handler
            return Mono.fromRunnable(() -> {
                String text;
                try {
                    text = mcpMapper.writeValueAsString(message);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                if (!(message instanceof McpSchema.JSONRPCResponse r && stdin.opening().answered(r.id(), text))) {
                    write(text); // not when it was answered early
                }
                if (message instanceof McpSchema.JSONRPCResponse && readiness.compareAndSet(1, 2)) {
                    onReady.run();
                }
            }).subscribeOn(writer).then();
        }

        @Override
        public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
            return mcpMapper.convertValue(data, typeRef);
        }

        @Override
        public Mono<Void> closeGracefully() {
            return Mono.empty();
        }
    }
}
