package io.jettymcp.transport.http;

import io.jettymcp.transport.JsonRpcLines;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The legacy HTTP+SSE transport (protocol 2024-11-05) for older clients: {@code GET /sse} opens the
 * session's event stream and names the endpoint to POST to; {@code POST /message?sessionId=…}
 * carries client messages (answered 202, the response travels on the stream). The session ends when
 * the stream closes or after the idle time.
 *
 * <p>It stays at 2024-11-05, which is deprecated: the first session says so in the log, once per process. A client
 * asking for a newer version is answered 2024-11-05 (as the version negotiation allows) without the SDK's warning
 * for each such session.
 */
public final class SseHttpTransport implements McpServerTransportProvider, HttpEndpoint {

    private static final Logger log = LoggerFactory.getLogger(SseHttpTransport.class);
    static final String SSE_PATH = "/sse";
    static final String MESSAGE_PATH = "/message";
    static final String VERSION = "2024-11-05";

    private final HttpRuntime rt;
    private final HttpSessions<Session> sessions;
    private volatile McpServerSession.Factory factory;
    /** whether the deprecation has been logged: once per process (one HTTP server a process) */
    private final java.util.concurrent.atomic.AtomicBoolean deprecationLogged = new java.util.concurrent.atomic.AtomicBoolean();

    private static final class Session extends HttpSessions.Session {
        final SseStream stream;
        volatile McpServerSession mcp;

        Session(String id, SseStream stream, String jettyKey) {
            super(id, jettyKey);
            this.stream = stream;
        }

        @Override
        Mono<Void> close() {
            stream.close();
            McpServerSession m = mcp;
            return m == null ? Mono.empty() : m.closeGracefully();
        }

        @Override
        Mono<Void> notify(String method, Object params) {
            McpServerSession m = mcp;
            return m == null ? Mono.empty() : m.sendNotification(method, params);
        }
    }

    SseHttpTransport(HttpRuntime rt) {
        this.rt = rt;
        this.sessions = new HttpSessions<>(rt.clock, rt.sessionCap);
    }

    @Override
    public void setSessionFactory(McpServerSession.Factory factory) {
        this.factory = factory;
    }

    @Override
    public List<String> protocolVersions() {
        return List.of(VERSION);
    }

    @Override
    public boolean serves(String path) {
        return SSE_PATH.equals(path) || MESSAGE_PATH.equals(path);
    }

    @Override
    public int sessionCount() {
        return sessions.size();
    }

    @Override
    public Mono<Void> serve(HttpServerRequest req, HttpServerResponse res, String path) {
        String bad = HttpRuntime.unsupportedVersion(req);
        if (bad != null) {
            return rt.rejectEchoingId(req, res, 400, -32600, bad);
        }
        if (SSE_PATH.equals(path) && req.method().equals(HttpMethod.GET)) {
            return open(req, res);
        }
        if (MESSAGE_PATH.equals(path) && req.method().equals(HttpMethod.POST)) {
            return message(req, res);
        }
        res.header(HttpHeaderNames.ALLOW, SSE_PATH.equals(path) ? "GET" : "POST");
        return rt.reject(req, res, 405, -32600, "Method not allowed: GET /sse opens a session, POST /message?sessionId=… sends to it.");
    }

    private Mono<Void> open(HttpServerRequest req, HttpServerResponse res) {
        return rt.withKey(req, res, k -> {
            Session s = new Session(rt.newSessionId(), SseStream.live(rt.mcpMapper), k);
            s.mcp = factory.create(s.stream);
            try {
                sessions.add(s);
            } catch (SessionCap.Full full) {
                s.close().onErrorResume(e -> Mono.empty()).subscribe();
                return rt.error(res, full.status(), -32000, full.getMessage());
            }
            if (deprecationLogged.compareAndSet(false, true)) {
                log.warn("A client uses the legacy HTTP+SSE transport (/sse, protocol " + VERSION + "), which MCP has "
                        + "deprecated; it works, but clients should move to Streamable HTTP at /mcp. Logged once.");
            }
            s.stream.event("endpoint", MESSAGE_PATH + "?sessionId=" + s.id);
            return HttpRuntime.sse(res, s.stream.events(StreamableHttpTransport.KEEP_ALIVE).doFinally(sig -> sessions.end(s).subscribe()));
        });
    }

    private Mono<Void> message(HttpServerRequest req, HttpServerResponse res) {
        List<String> ids = new QueryStringDecoder(req.uri()).parameters().get("sessionId");
        if (ids == null || ids.isEmpty()) {
            return rt.rejectEchoingId(req, res, 400, -32600, "Missing sessionId query parameter: POST to the endpoint the /sse stream named.");
        }
        Session s = sessions.get(ids.get(0));
        if (s == null) {
            return rt.rejectEchoingId(req, res, 404, -32001, "Session not found: it ended or expired. Open a new one with GET /sse.");
        }
        String keyProblem = rt.keyProblem(req, s);
        if (keyProblem != null) {
            return rt.rejectEchoingId(req, res, 401, -32600, keyProblem);
        }
        return rt.body(req).flatMap(bytes -> {
            JsonRpcLines.Parsed parsed = rt.lines.parse(new String(bytes, StandardCharsets.UTF_8));
            if (parsed instanceof JsonRpcLines.Bad b) {
                return HttpRuntime.json(res, 400, b.error());
            }
            sessions.touch(s);
            McpSchema.JSONRPCMessage msg = ((JsonRpcLines.Ok) parsed).message();
            if (s.inFlight.cancelIfAsked(msg)) {
                return HttpRuntime.empty(res, 202);
            }
            HttpSessions.noteInitialized(s, msg);
            msg = asLegacyInitialize(msg);
            if (rt.closing.get() && msg instanceof McpSchema.JSONRPCRequest r) {
                return rt.shuttingDown(res, r.id());
            }
            McpTransportContext ctx = rt.context("sse", rt.requestKey(req));
            Mono<Void> handling = s.mcp.handle(msg).contextWrite(c -> c.put(McpTransportContext.KEY, ctx));
            if (msg instanceof McpSchema.JSONRPCRequest r) {
                if (CallLimiter.capped(r.method())) {
                    handling = rt.limiter.limit(s.tenant, handling);
                }
                rt.running.incrementAndGet();
                sessions.run(s, r.id(), r.method(), handling, rt.running::decrementAndGet);
            } else {
                handling.subscribe(v -> { }, e -> log.debug("message failed: {}", e.toString()));
            }
            return HttpRuntime.empty(res, 202);
        }).onErrorResume(HttpRuntime.BodyTooLarge.class, e -> rt.tooLarge(req, res));
    }

    /**
     * An initialize asking for another version, as one asking for {@value #VERSION}: the answer is the same (this
     * transport speaks only that one), and the SDK would otherwise log a warning for every such session.
     */
    private static McpSchema.JSONRPCMessage asLegacyInitialize(McpSchema.JSONRPCMessage msg) {
        if (msg instanceof McpSchema.JSONRPCRequest r && McpSchema.METHOD_INITIALIZE.equals(r.method())
                && r.params() instanceof java.util.Map<?, ?> params && !VERSION.equals(params.get("protocolVersion"))) {
            java.util.Map<Object, Object> legacy = new java.util.LinkedHashMap<>(params);
            legacy.put("protocolVersion", VERSION);
            return new McpSchema.JSONRPCRequest(r.jsonrpc(), r.method(), r.id(), legacy);
        }
        return msg;
    }

    @Override
    public void expireIdle() {
        sessions.expireIdle(rt.options.sessionIdle());
    }

    @Override
    public Mono<Void> closeAll() {
        return sessions.closeAll();
    }

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
        return sessions.notifyAll(method, params);
    }

    @Override
    public Mono<Void> closeGracefully() {
        return closeAll();
    }
}
