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

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP front door on Reactor Netty: one listener for Streamable HTTP ({@code /mcp}), legacy SSE
 * ({@code /sse}, {@code /message}) or the stateless variant, plus {@code /healthz}. Every request is
 * checked (Origin, Host, then the bearer token) before any MCP handling. {@link #close()} stops
 * taking requests, lets running calls finish within the grace period, then ends sessions.
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

    private McpHttpServer(HttpOptions options, McpMount mount, ObjectMapper mapper, McpJsonMapper mcpMapper,
                          PerRequestKeys keys, java.util.function.LongSupplier clock) {
        this.rt = new HttpRuntime(options, mapper, mcpMapper, keys, clock);
        this.guard = new HttpGuard(options);
        io.modelcontextprotocol.modern.server.McpServer modernServer = mount.modern();
        this.modern = modernServer == null ? null : new ModernHttpTransport(rt, modernServer);
        if (modernServer != null) {
            mcpServers.add(modernServer::closeGracefully);
        }
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
                .idleTimeout(Duration.ofMinutes(2)) // between requests; open event streams send keep-alives
                .handle(this::handle)
                .bindNow(Duration.ofSeconds(10));
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
     * @param modernApprovalKey null: legacy only; else 2026-07-28 requests are served too ({@code --protocol-era=modern})
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

    public int port() {
        return server.port();
    }

    public String host() {
        return server.host();
    }

    private Mono<Void> handle(HttpServerRequest req, HttpServerResponse res) {
        String path = new QueryStringDecoder(req.uri()).path();
        if (rt.closing.get() && !continuesASession(req, path)) {
            return rt.reject(req, res, 503, -32000, HttpRuntime.SHUTTING_DOWN);
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
        if ("/healthz".equals(path)) {
            int sessions = endpoints.stream().mapToInt(HttpEndpoint::sessionCount).sum();
            return HttpRuntime.json(res, 200, "{\"status\":\"ok\",\"sessions\":" + sessions + ",\"running\":"
                    + rt.running.get() + "}");
        }
        refusal = guard.checkAuth(req.requestHeaders());
        if (refusal != null) {
            res.header(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
            return rt.reject(req, res, refusal.status(), -32000, refusal.message());
        }
        if (modern != null && StreamableHttpTransport.PATH.equals(path) && ModernHttpTransport.claims(req)) {
            return modern.serve(req, res); // a 2026-07-28 request: no session, whichever legacy mode is on
        }
        for (HttpEndpoint e : endpoints) {
            if (e.serves(path)) {
                return e.serve(req, res, path);
            }
        }
        return rt.reject(req, res, 404, -32601, "Not found: MCP is served at /mcp" + (rt.options.stateless() ? "" : " (legacy SSE at /sse)")
                + ", health at /healthz.");
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

    /** Blocks until the server has stopped. */
    public void awaitClosed() {
        server.onDispose().block();
    }

    @Override
    public void close() {
        if (!rt.closing.compareAndSet(false, true)) {
            return;
        }
        long end = System.nanoTime() + rt.options.shutdownGrace().toNanos();
        while (rt.running.get() > 0 && System.nanoTime() < end) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (rt.running.get() > 0) {
            log.warn("shutting down with {} calls still running after {}", rt.running.get(), rt.options.shutdownGrace());
        }
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
        server.disposeNow(Duration.ofSeconds(5));
    }
}
