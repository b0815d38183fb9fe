package io.jettymcp.transport.http;

import io.jettymcp.transport.JsonRpcLines;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * MCP Streamable HTTP at {@code /mcp}: POST carries one JSON-RPC message (a request is answered on
 * an SSE stream that also carries its progress notifications), GET opens the session's listening
 * stream, DELETE ends the session. Beyond the SDK's servlet transport it checks
 * {@code MCP-Protocol-Version}, issues 256-bit session ids, expires idle sessions, honours
 * {@code notifications/cancelled}, caps concurrent tool calls and binds a per-request Jetty key.
 *
 * <p>Answer streams are resumable (SEP-1699): their events carry ids, and a client whose connection
 * dropped mid-call reconnects with GET and {@code Last-Event-ID} to receive the rest of that call.
 * A stream is kept {@link #RETENTION} after its call ended, delivered or not.
 */
public final class StreamableHttpTransport implements McpStreamableServerTransportProvider, HttpEndpoint {

    private static final Logger log = LoggerFactory.getLogger(StreamableHttpTransport.class);
    static final String PATH = "/mcp";
    static final Duration KEEP_ALIVE = Duration.ofSeconds(25);
    /** How long the events of an ended call stay available to a client that lost its connection. */
    static final Duration RETENTION = Duration.ofSeconds(60);
    /** The first protocol version whose clients skip an SSE event without data (the priming event). */
    private static final String PRIMING_SINCE = "2025-11-25";
    private static final String LAST_EVENT_ID = "Last-Event-ID";
    /**
     * Transport-context entry of a request on this transport: a {@link Runnable} that ends the
     * request's open SSE delivery with a {@code retry} hint while the call goes on (server-side
     * polling, SEP-1699). The conformance fixture's {@code test_reconnection} tool uses it.
     */
    public static final String HANG_UP = "jetty-mcp.sse-hang-up";

    private final HttpRuntime rt;
    private final HttpSessions<Session> sessions;
    private volatile McpStreamableServerSession.Factory factory;

    private static final class Session extends HttpSessions.Session {
        final McpStreamableServerSession mcp;
        /** whether the client skips events without data, so answer streams may open with a priming event */
        final boolean primed;
        final AtomicLong streamIds = new AtomicLong();
        /** answer streams a client may still resume, by stream id */
        final Map<String, SseStream> resumable = new ConcurrentHashMap<>();

        Session(String id, McpStreamableServerSession mcp, String jettyKey, boolean primed) {
            super(id, jettyKey);
            this.mcp = mcp;
            this.primed = primed;
        }

        /**
         * Sends a delivery of {@code stream}'s events after {@code after}. The stream stays resumable for
         * {@link #RETENTION} after its call ended even when this delivery was written out whole: a completed write
         * only means the bytes left this process, and a client whose connection dropped meanwhile never read them.
         */
        Mono<Void> deliver(HttpServerResponse res, SseStream stream, long after) {
            return HttpRuntime.sse(res, stream.events(after));
        }

        @Override
        Mono<Void> close() {
            return mcp.delete();
        }

        @Override
        Mono<Void> notify(String method, Object params) {
            return mcp.sendNotification(method, params);
        }
    }

    StreamableHttpTransport(HttpRuntime rt) {
        this.rt = rt;
        this.sessions = new HttpSessions<>(rt.clock, rt.sessionCap);
    }

    @Override
    public void setSessionFactory(McpStreamableServerSession.Factory factory) {
        this.factory = factory;
    }

    @Override
    public boolean serves(String path) {
        return PATH.equals(path);
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
        HttpMethod m = req.method();
        if (m.equals(HttpMethod.POST)) {
            return post(req, res);
        }
        if (m.equals(HttpMethod.GET)) {
            return get(req, res);
        }
        if (m.equals(HttpMethod.DELETE)) {
            return delete(req, res);
        }
        res.header(HttpHeaderNames.ALLOW, "GET, POST, DELETE");
        return rt.reject(req, res, 405, -32600, "Method not allowed: use POST, GET or DELETE on /mcp.");
    }

    private Mono<Void> post(HttpServerRequest req, HttpServerResponse res) {
        return rt.body(req)
                .flatMap(bytes -> {
                    JsonRpcLines.Parsed parsed = rt.lines.parse(new String(bytes, StandardCharsets.UTF_8));
                    if (parsed instanceof JsonRpcLines.Bad b) {
                        return HttpRuntime.json(res, 400, b.error());
                    }
                    McpSchema.JSONRPCMessage msg = ((JsonRpcLines.Ok) parsed).message();
                    if (msg instanceof McpSchema.JSONRPCRequest r && McpSchema.METHOD_INITIALIZE.equals(r.method())) {
                        return initialize(req, res, r);
                    }
                    return inSession(req, res, idOf(msg), s -> message(res, s, msg, rt.requestKey(req)));
                })
                .onErrorResume(HttpRuntime.BodyTooLarge.class, e -> rt.tooLarge(req, res));
    }

    /** A message (not initialize) within an open session; {@code key}: the request's own Jetty key, checked against the session's. */
    private Mono<Void> message(HttpServerResponse res, Session s, McpSchema.JSONRPCMessage msg, String key) {
        if (msg instanceof McpSchema.JSONRPCRequest r) {
            return rt.closing.get() ? rt.shuttingDown(res, r.id()) : request(res, s, r, key);
        }
        if (s.inFlight.cancelIfAsked(msg)) {
            return HttpRuntime.empty(res, 202);
        }
        HttpSessions.noteInitialized(s, msg);
        McpTransportContext ctx = rt.context("streamable-http", key);
        if (msg instanceof McpSchema.JSONRPCNotification n) {
            return s.mcp.accept(n).contextWrite(c -> c.put(McpTransportContext.KEY, ctx))
                    .onErrorResume(e -> Mono.empty())
                    .then(HttpRuntime.empty(res, 202));
        }
        return s.mcp.accept((McpSchema.JSONRPCResponse) msg)
                .contextWrite(c -> c.put(McpTransportContext.KEY, ctx))
                .onErrorResume(e -> Mono.empty())
                .then(HttpRuntime.empty(res, 202));
    }

    private Mono<Void> initialize(HttpServerRequest req, HttpServerResponse res, McpSchema.JSONRPCRequest r) {
        if (req.requestHeaders().contains(HttpRuntime.SESSION_HEADER)) {
            // re-initializing inside a session is a client bug; a fresh session needs no header
            return rt.reject(res, 400, -32600, "initialize must be sent without an Mcp-Session-Id header.", idOf(r));
        }
        return rt.withKey(req, res, key -> {
            McpSchema.InitializeRequest init;
            try {
                init = rt.mcpMapper.convertValue(r.params(), new TypeRef<McpSchema.InitializeRequest>() {
                });
            } catch (RuntimeException e) {
                return HttpRuntime.json(res, 400, rt.lines.error(rt.mapper.valueToTree(r.id()), -32602,
                        "Invalid params for initialize: " + e.getMessage()));
            }
            McpStreamableServerSession.McpStreamableServerSessionInit started = factory.startSession(init);
            boolean primed = init.protocolVersion() != null && init.protocolVersion().compareTo(PRIMING_SINCE) >= 0;
            Session s = new Session(rt.newSessionId(), started.session(), key, primed);
            try {
                sessions.add(s);
            } catch (SessionCap.Full full) {
                started.session().delete().onErrorResume(e -> Mono.empty()).subscribe();
                return rt.error(res, full.status(), -32000, full.getMessage());
            }
            McpTransportContext ctx = rt.context("streamable-http", key);
            return started.initResult()
                    .contextWrite(c -> c.put(McpTransportContext.KEY, ctx))
                    .map(result -> McpSchema.JSONRPCResponse.result(r.id(), result))
                    .onErrorResume(e -> Mono.just(McpSchema.JSONRPCResponse.error(r.id(),
                            new McpSchema.JSONRPCResponse.JSONRPCError(McpSchema.ErrorCodes.INTERNAL_ERROR,
                                    String.valueOf(e.getMessage()), null))))
                    .flatMap(answer -> {
                        if (answer.error() != null) {
                            sessions.end(s).subscribe();
                        } else {
                            res.header(HttpRuntime.SESSION_HEADER, s.id);
                        }
                        try {
                            return HttpRuntime.json(res, 200, rt.mcpMapper.writeValueAsString(answer));
                        } catch (java.io.IOException e) {
                            return Mono.error(e);
                        }
                    });
        });
    }

    /**
     * Runs one request; its answer and any notifications it sends go out on the POST's SSE stream.
     * The call does not depend on that connection: if it drops, the client may resume the stream.
     */
    private Mono<Void> request(HttpServerResponse res, Session s, McpSchema.JSONRPCRequest r, String key) {
        SseStream stream = SseStream.resumable(rt.mcpMapper, Long.toString(s.streamIds.incrementAndGet()), s.primed);
        s.resumable.put(stream.streamId(), stream);
        McpTransportContext ctx = rt.context("streamable-http", key, Map.of(HANG_UP, (Runnable) stream::hangUp));
        Mono<Void> handling = s.mcp.responseStream(r, stream).contextWrite(c -> c.put(McpTransportContext.KEY, ctx));
        if (CallLimiter.capped(r.method())) {
            handling = rt.limiter.limit(s.tenant, handling);
        }
        rt.running.incrementAndGet();
        sessions.run(s, r.id(), r.method(), handling, () -> {
            rt.running.decrementAndGet();
            stream.close(); // a cancelled request ends its stream without an answer, as the spec asks
        });
        return s.deliver(res, stream, -1);
    }

    private Mono<Void> get(HttpServerRequest req, HttpServerResponse res) {
        String accept = req.requestHeaders().get(HttpHeaderNames.ACCEPT);
        if (accept != null && !accept.contains("text/event-stream") && !accept.contains("*/*")) {
            return rt.reject(req, res, 406, -32600, "GET /mcp opens an event stream: send 'Accept: text/event-stream'.");
        }
        return inSession(req, res, null, s -> {
            String lastEventId = req.requestHeaders().get(LAST_EVENT_ID);
            if (lastEventId != null) {
                Mono<Void> resumed = resume(res, s, lastEventId.trim());
                if (resumed != null) {
                    return resumed;
                }
                // an unknown or expired id: what it named is gone, so the client gets a fresh stream
                log.debug("nothing to resume after event {}", lastEventId);
            }
            if (rt.closing.get()) {
                return rt.shuttingDown(res);
            }
            SseStream stream = SseStream.live(rt.mcpMapper);
            McpStreamableServerSession.McpStreamableServerSessionStream listening = s.mcp.listeningStream(stream);
            return HttpRuntime.sse(res, stream.events(KEEP_ALIVE).doFinally(sig -> listening.close()));
        });
    }

    /** @return the rest of the answer stream named by {@code <stream>.<n>}, or null when there is none */
    private static Mono<Void> resume(HttpServerResponse res, Session s, String lastEventId) {
        int dot = lastEventId.lastIndexOf('.');
        SseStream stream = dot < 0 ? null : s.resumable.get(lastEventId.substring(0, dot));
        if (stream == null) {
            return null;
        }
        long after;
        try {
            after = Long.parseLong(lastEventId.substring(dot + 1));
        } catch (NumberFormatException e) {
            return null;
        }
        return s.deliver(res, stream, after);
    }

    private Mono<Void> delete(HttpServerRequest req, HttpServerResponse res) {
        return inSession(req, res, null, s -> sessions.end(s).then(HttpRuntime.empty(res, 200)));
    }

    /**
     * Runs {@code then} in the request's session: 404 when there is none, 401 when it lacks the session's Jetty key.
     *
     * @param id the id of the POSTed request (its body already read), for an error to echo; null for GET and DELETE
     */
    private Mono<Void> inSession(HttpServerRequest req, HttpServerResponse res, com.fasterxml.jackson.databind.JsonNode id,
                                 java.util.function.Function<Session, Mono<Void>> then) {
        Session s = sessions.get(req.requestHeaders().get(HttpRuntime.SESSION_HEADER));
        if (s == null) {
            return missingSession(req, res, id);
        }
        String keyProblem = rt.keyProblem(req, s);
        if (keyProblem != null) {
            return id != null ? rt.reject(res, 401, -32600, keyProblem, id) : rt.reject(req, res, 401, -32600, keyProblem);
        }
        sessions.touch(s);
        return then.apply(s);
    }

    private Mono<Void> missingSession(HttpServerRequest req, HttpServerResponse res, com.fasterxml.jackson.databind.JsonNode id) {
        boolean none = !req.requestHeaders().contains(HttpRuntime.SESSION_HEADER);
        String why = none ? "Missing Mcp-Session-Id header: send initialize first and echo the session id it returns on "
                + "every request." : "Session not found: it ended or expired. Start a new session with initialize.";
        int status = none ? 400 : 404;
        int code = none ? -32600 : -32001;
        return id != null ? rt.reject(res, status, code, why, id) : rt.reject(req, res, status, code, why);
    }

    /** The id of a request, for an error answer; null for other messages. */
    private com.fasterxml.jackson.databind.JsonNode idOf(McpSchema.JSONRPCMessage msg) {
        return msg instanceof McpSchema.JSONRPCRequest r && r.id() != null ? rt.mapper.valueToTree(r.id()) : null;
    }

    @Override
    public void expireIdle() {
        sessions.expireIdle(rt.options.sessionIdle());
        long now = System.nanoTime();
        sessions.forEach(s -> s.resumable.values().removeIf(stream -> stream.endedBefore(now, RETENTION)));
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
