package io.jettymcp.transport.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.server.JettyMcpServer;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.AbstractNioChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import reactor.netty.NettyPipeline;
import reactor.netty.resources.LoopResources;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP front door on Reactor Netty: one listener for Streamable HTTP ({@code /mcp}), legacy SSE
 * ({@code /sse}, {@code /message}) or the stateless variant, plus {@code /healthz} and {@code /livez}. Every
 * other request is checked (Origin, Host, then the bearer token) before any MCP handling. {@link #drain} stops
 * without losing a request a balancer cannot resend (the README's
 * section on replicas).
 */
public final class McpHttpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(McpHttpServer.class);

    private final HttpRuntime rt;
    private final HttpGuard guard;
    private final List<HttpEndpoint> endpoints;
    /** the 2026-07-28 era, or null when the server is legacy-only */
    private final ModernHttpTransport modern;
    private final List<AutoCloseable> mcpServers = new ArrayList<>();
    private final DisposableServer server;
    private final Disposable sweeper;
    private final McpMount mount;
    /** NIO loops of this server alone: the listener's last accept pass is driven from its loop (see closeListener) */
    private final LoopResources loops = LoopResources.create("jetty-mcp-http");
    /** every open client connection (a closed one leaves by itself) */
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    /** connections the listener has handed over, counted on its loop */
    private final AtomicLong accepted = new AtomicLong();
    /** Accepted connections set up on their own loop (added to {@link #connections}): later than the accept */
    private final AtomicLong initialized = new AtomicLong();
    private volatile Phase phase = Phase.SERVING;
    private final AtomicBoolean signalled = new AtomicBoolean();
    private final AtomicBoolean drainStarted = new AtomicBoolean();
    private final CompletableFuture<Void> delayEnded = new CompletableFuture<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    /** Where a drain is, in the order the phases come. */
    enum Phase {
        /** ready */
        SERVING,
        /** readiness 503, everything else served as before, keep-alive included (the shutdown delay) */
        UNREADY,
        /** the listener is closed: requests on open connections are executed, each answer closes its connection */
        CLOSING,
        /** the drain time is up: waits have answered "still running", anything new gets 503 (not executed) */
        LIMIT
    }

    private McpHttpServer(HttpOptions options, McpMount mount, ObjectMapper mapper, McpJsonMapper mcpMapper,
                          PerRequestKeys keys, java.util.function.LongSupplier clock) {
        this.rt = new HttpRuntime(options, mapper, mcpMapper, keys, clock);
        this.guard = new HttpGuard(options);
        io.modelcontextprotocol.modern.server.McpServer modernServer = mount.modern();
        this.modern = modernServer == null ? null : new ModernHttpTransport(rt, modernServer);
        if (modernServer != null) {
            mcpServers.add(modernServer::closeGracefully);
        }
        this.mount = mount;
        if (options.stateless()) {
            StatelessHttpTransport t = new StatelessHttpTransport(rt);
            mcpServers.add(mount.stateless(t));
            this.endpoints = List.of(t);
        } else {
            StreamableHttpTransport streamable = new StreamableHttpTransport(rt);
            SseHttpTransport sse = new SseHttpTransport(rt);
            mcpServers.add(mount.streamable(streamable));
            mcpServers.add(mount.sse(sse));
            this.endpoints = List.of(streamable, sse);
        }
        this.server = HttpServer.create()
                .host(options.host())
                .port(options.port())
                .runOn(loops, false) // NIO: its accept pass can be run from the listener's own loop at the drain
                .idleTimeout(Duration.ofMinutes(2)) // between requests; open event streams send keep-alives
                .doOnChannelInit((observer, ch, remote) -> {
                    connections.add(ch);
                    initialized.incrementAndGet();
                    ch.pipeline().addAfter(NettyPipeline.HttpTrafficHandler, DrainHandler.NAME,
                            new DrainHandler(() -> phase.compareTo(Phase.CLOSING) >= 0));
                })
                .handle(this::handle)
                .bindNow(Duration.ofSeconds(10));
        server.channel().pipeline().addFirst("jetty-mcp.accepted", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object child) {
                accepted.incrementAndGet();
                ctx.fireChannelRead(child);
            }
        });
        long every = Math.max(1000, Math.min(10_000, options.sessionIdle().toMillis() / 4));
        this.sweeper = Schedulers.parallel().schedulePeriodically(this::sweep, every, every, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /**
     * Starts listening. Refuses a non-loopback bind address without an auth token.
     *
     * @param keys per-request Jetty keys, or null to use the server's configured key
     */
    public static McpHttpServer start(HttpOptions options, JettyMcpServer mcp, PerRequestKeys keys) {
        return start(options, mcp, keys, null);
    }

    /**
     * @param modernApprovalKey null: legacy only; else 2026-07-28 requests are served too (served unless {@code --protocol-era legacy})
     *                          and their approval states are signed with this key
     */
    public static McpHttpServer start(HttpOptions options, JettyMcpServer mcp, PerRequestKeys keys, byte[] modernApprovalKey) {
        return start(options, McpMount.of(mcp, modernApprovalKey), mcp.mapper(), mcp.mcpMapper(), keys);
    }

    /** Starts listening with any MCP server behind the transports (the conformance fixture uses this). */
    public static McpHttpServer start(HttpOptions options, McpMount mount, ObjectMapper mapper, McpJsonMapper mcpMapper,
                                      PerRequestKeys keys) {
        return start(options, mount, mapper, mcpMapper, keys, System::nanoTime);
    }

    /** With a clock of the caller's (tests move it instead of waiting). */
    static McpHttpServer start(HttpOptions options, McpMount mount, ObjectMapper mapper, McpJsonMapper mcpMapper,
                               PerRequestKeys keys, java.util.function.LongSupplier clock) {
        if (!options.loopbackOnly() && options.authToken() == null) {
            throw new IllegalArgumentException("Binding " + options.host() + " exposes the server beyond this machine, "
                    + "so it needs an auth token: set JETTY_MCP_HTTP_TOKEN or use --http-token-file FILE (clients send "
                    + "'Authorization: Bearer <token>').");
        }
        return new McpHttpServer(options, mount, mapper, mcpMapper, keys, clock);
    }

    /** Ends the sessions that are past a deadline (the sweeper does this every few seconds). */
    void sweep() {
        endpoints.forEach(HttpEndpoint::expireIdle);
    }

    /** The listening channel (tests reach its event loop through it). */
    Channel listener() {
        return server.channel();
    }

    /** Requests being handled now. */
    int running() {
        return rt.running.get();
    }

    public int port() {
        return server.port();
    }

    public String host() {
        return server.host();
    }

    private Mono<Void> handle(HttpServerRequest req, HttpServerResponse res) {
        String path = new QueryStringDecoder(req.uri()).path();
        if (READY_PATH.equals(path) || LIVE_PATH.equals(path)) {
            return health(req, res, path); // for balancers and probes: no Host, Origin or token (counts only)
        }
        if (phase == Phase.LIMIT && !continuesASession(req, path)) {
            return rt.notExecuted(req, res);
        }
        if (rt.declaresTooMuch(req)) {
            return rt.tooLarge(req, res); // from the declared length, before any of the body is read (I3)
        }
        HttpGuard.Refusal refusal = guard.checkOrigin(req.requestHeaders());
        if (refusal != null) {
            log.debug("refused {} {}: {}", req.method(), path, refusal.status());
            return rt.reject(req, res, refusal.status(), -32000, refusal.message());
        }
        String origin = req.requestHeaders().get(HttpHeaderNames.ORIGIN);
        if (origin != null) {
            // the origin passed the check above: let that page read answers and the session header
            res.header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
                    .header(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, "Mcp-Session-Id")
                    .header(HttpHeaderNames.VARY, "Origin");
        }
        if (req.method().equals(io.netty.handler.codec.http.HttpMethod.OPTIONS)) {
            return res.status(204)
                    .header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, DELETE")
                    .header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type, Accept, Authorization, "
                            + "Mcp-Session-Id, MCP-Protocol-Version, Last-Event-ID, Mcp-Method, Mcp-Name, " + PerRequestKeys.HEADER)
                    .header(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "600")
                    .send().then();
        }
        refusal = guard.checkAuth(req.requestHeaders());
        if (refusal != null) {
            res.header(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
            return rt.reject(req, res, refusal.status(), -32000, refusal.message());
        }
        if (modern != null && StreamableHttpTransport.PATH.equals(path) && ModernHttpTransport.claims(req)) {
            return modern.serve(req, res); // a 2026-07-28 request: no session, whichever legacy mode is on
        }
        if (modern != null && StreamableHttpTransport.PATH.equals(path) && req.method().equals(io.netty.handler.codec.http.HttpMethod.POST)
                && HttpRuntime.unsupportedVersion(req) != null) {
            return modern.unsupportedVersion(req, res); // neither era's: the modern error names what is supported
        }
        for (HttpEndpoint e : endpoints) {
            if (e.serves(path)) {
                return e.serve(req, res, path);
            }
        }
        return rt.reject(req, res, 404, -32601, "Not found: MCP is served at /mcp" + (rt.options.stateless() ? "" : " (legacy SSE at /sse)")
                + ", health at /healthz.");
    }

    static final String READY_PATH = "/healthz";
    static final String LIVE_PATH = "/livez";

    /**
     * {@code /healthz} is readiness: 200, or 503 from the first signal on, so balancers and Kubernetes stop sending
     * new work during the shutdown delay. {@code /livez} is liveness: 200 while the process serves. Both answer
     * HTTP/1.0 without Host (HAProxy's check) and any Host (a kubelet's is the pod's IP), with a status and counts only.
     */
    private Mono<Void> health(HttpServerRequest req, HttpServerResponse res, String path) {
        boolean ready = phase == Phase.SERVING || LIVE_PATH.equals(path);
        int sessions = endpoints.stream().mapToInt(HttpEndpoint::sessionCount).sum();
        res.header(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return req.receive().then().onErrorResume(e -> Mono.empty())
                .then(HttpRuntime.json(res, ready ? 200 : 503, "{\"status\":\"" + (ready ? "ok" : "draining")
                        + "\",\"sessions\":" + sessions + ",\"running\":" + rt.running.get() + "}"));
    }

    /**
     * During shutdown a session's messages still get through, so the calls it has running can
     * finish: an answer to an approval question, a cancellation, a resume. The transports refuse
     * new requests in them.
     */
    private boolean continuesASession(HttpServerRequest req, String path) {
        return !rt.options.stateless()
                && (req.requestHeaders().contains(HttpRuntime.SESSION_HEADER) || SseHttpTransport.MESSAGE_PATH.equals(path));
    }

    /** Blocks until the server has stopped (after a drain, or {@link #close()}). */
    public void awaitClosed() {
        stopped.join();
    }

    /**
     * What SIGTERM and SIGINT call: the first starts the drain on its own thread, any later one ends the shutdown
     * delay (an operator who does not want to wait).
     *
     * @param delay how long readiness says 503 while everything else is served as before
     */
    public void signal(Duration delay) {
        if (signalled.compareAndSet(false, true)) {
            Thread t = new Thread(() -> drain(delay), "jetty-mcp-drain");
            t.start();
        } else {
            delayEnded.complete(null);
        }
    }

    /** Stops at once (no shutdown delay), finishing what is running: {@link #drain} with no delay. */
    @Override
    public void close() {
        drain(Duration.ZERO);
    }

    /**
     * Stops without losing a request a balancer cannot resend, in this order: readiness 503 for {@code delay} (or
     * until a second signal) with everything else served as before; the listener closed after a last accept pass;
     * requests on open connections executed, each answer closing its connection; idle connections closed once no
     * call runs; at the drain timeout ({@link HttpOptions#shutdownGrace()}) waits answer "still running" and anything
     * new gets 503 (not executed); then the rest is cut. Blocks until stopped; a second call waits for the first.
     */
    public void drain(Duration delay) {
        if (!drainStarted.compareAndSet(false, true)) {
            awaitClosed();
            return;
        }
        long start = System.nanoTime();
        phase = Phase.UNREADY;
        log.info("draining: {} calls running", rt.running.get());
        try {
            delayEnded.get(delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // the delay ran out: the usual way on
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        phase = Phase.CLOSING;
        closeListener();
        long limit = System.nanoTime() + rt.options.shutdownGrace().toNanos();
        // the last pass's connections are set up on their own loops after it: wait for them to be counted, or the
        // drain could find no connection and stop the loops under their unanswered requests
        long setUp = Math.min(limit, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        while (initialized.get() < accepted.get() && System.nanoTime() < setUp) {
            pause();
        }
        boolean sessionsEnded = false;
        while (!connections.isEmpty() && System.nanoTime() < limit) {
            if (rt.running.get() == 0) {
                connections.forEach(DrainHandler::closeIfIdle);
                if (!sessionsEnded) {
                    sessionsEnded = true; // ends open event streams, whose connections never go idle
                    Flux.fromIterable(endpoints).flatMap(HttpEndpoint::closeAll).subscribe(null, e -> { });
                }
            }
            pause();
        }
        if (!connections.isEmpty()) {
            phase = Phase.LIMIT;
            rt.closing.set(true);
            mount.endWaits();
            long answered = System.nanoTime() + TimeUnit.SECONDS.toNanos(2); // for those answers to go out
            while (rt.running.get() > 0 && System.nanoTime() < answered) {
                pause();
            }
        }
        int cut = rt.running.get();
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        sweeper.dispose();
        Flux.fromIterable(endpoints).flatMap(HttpEndpoint::closeAll).then()
                .timeout(Duration.ofSeconds(5)).onErrorResume(e -> Mono.empty()).block();
        for (AutoCloseable c : mcpServers) {
            try {
                c.close();
            } catch (Exception e) {
                log.debug("closing MCP server: {}", e.toString());
            }
        }
        loops.disposeLater(Duration.ZERO, Duration.ofSeconds(2)).onErrorResume(e -> Mono.empty()).block(Duration.ofSeconds(5));
        log.info("stopped after {} s ({} calls cut)", String.format(java.util.Locale.ROOT, "%.1f",
                (System.nanoTime() - start) / 1e9), cut);
        stopped.complete(null);
    }

    /**
     * Closes the listening socket from the loop that accepts on it, after taking every connection the kernel has
     * already completed: a connection left in the accept queue would be reset, and a balancer never resends a
     * request it wrote into one. On that loop no accept can interleave, so the pass runs the channel's own accept
     * ({@code NioUnsafe.read()}, which takes at most a batch) until a batch takes nothing, then closes. What is left
     * is the kernel's window between that last empty accept and the close.
     */
    /** Whether the drain has passed its limit: waits answered "still running", anything new gets 503 (not executed). */
    boolean pastDrainLimit() {
        return phase == Phase.LIMIT;
    }

    private void closeListener() {
        Channel listener = server.channel();
        CompletableFuture<Long> taken = new CompletableFuture<>();
        listener.eventLoop().execute(() -> {
            long before = accepted.get();
            if (listener.unsafe() instanceof AbstractNioChannel.NioUnsafe nio) {
                long seen;
                do {
                    seen = accepted.get();
                    nio.read();
                } while (accepted.get() > seen && listener.isOpen());
            }
            listener.close();
            taken.complete(accepted.get() - before);
        });
        try {
            long n = taken.get(5, TimeUnit.SECONDS);
            log.debug("listener closed; its last pass took {} connections", n);
        } catch (Exception e) {
            listener.close();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
