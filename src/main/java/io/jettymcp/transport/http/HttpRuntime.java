package io.jettymcp.transport.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.transport.JsonRpcLines;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** What every HTTP transport shares: options, JSON, the call cap, the count of running requests, ids. */
final class HttpRuntime {

    static final String PROTOCOL_HEADER = "MCP-Protocol-Version";
    static final String SESSION_HEADER = "Mcp-Session-Id";
    static final Set<String> PROTOCOL_VERSIONS = Set.of("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25");

    final HttpOptions options;
    final ObjectMapper mapper;
    final McpJsonMapper mcpMapper;
    final JsonRpcLines lines;
    final CallLimiter limiter;
    final PerRequestKeys keys;
    /** live sessions of both stateful transports together */
    final SessionCap sessionCap;
    /** requests being handled (not listening streams): graceful shutdown waits for these */
    final AtomicInteger running = new AtomicInteger();
    /** set at shutdown: new work is refused, what running calls still need (answers, cancels, resumes) is not */
    final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
    /** nanoTime, or a test's clock: session deadlines and idle times are measured with it */
    final java.util.function.LongSupplier clock;
    private final SecureRandom random = new SecureRandom();

    HttpRuntime(HttpOptions options, ObjectMapper mapper, McpJsonMapper mcpMapper, PerRequestKeys keys,
                java.util.function.LongSupplier clock) {
        this.options = options;
        this.clock = clock;
        this.mapper = mapper;
        this.mcpMapper = mcpMapper;
        this.lines = new JsonRpcLines(mapper, mcpMapper);
        this.limiter = new CallLimiter(options.maxConcurrentCalls(), options.callsPerTenant());
        this.keys = keys;
        this.sessionCap = new SessionCap(options.maxSessions(), options.maxSessionsPerKey(), options.authToken() != null);
    }

    /**
     * The tenant whose share of the call cap a call counts against: its per-request Jetty key (by hash), else
     * its session. The bearer token is not one: every client of the server holds the same one. Null (stateless,
     * no per-request key): no tenant to tell apart, only the global cap applies.
     */
    static String tenant(String jettyKey, String sessionId) {
        if (jettyKey != null) {
            return "key " + PerRequestKeys.hash(jettyKey);
        }
        return sessionId == null ? null : "session " + sessionId;
    }

    /** 256 random bits, URL-safe: visible ASCII as the spec asks, and unguessable. */
    String newSessionId() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    McpTransportContext context(String transport, String jettyKey) {
        return context(transport, jettyKey, Map.of());
    }

    McpTransportContext context(String transport, String jettyKey, Map<String, Object> extra) {
        Map<String, Object> m = new HashMap<>(extra);
        m.put("transport", transport);
        if (jettyKey != null) {
            m.put(PerRequestKeys.CONTEXT_KEY, jettyKey);
        }
        return McpTransportContext.create(m);
    }

    /**
     * Admits the request's per-request Jetty key (when that mode is on) and continues with it, or
     * with null when the mode is off; a refused key is answered here.
     */
    Mono<Void> withKey(HttpServerRequest req, HttpServerResponse res, java.util.function.Function<String, Mono<Void>> next) {
        if (keys == null) {
            return next.apply(null);
        }
        return keys.admit(req.requestHeaders().get(PerRequestKeys.HEADER))
                .flatMap(next)
                .onErrorResume(PerRequestKeys.Refused.class, e -> reject(req, res, e.status(), -32600, e.getMessage()));
    }

    /**
     * With per-request keys, every request in a session carries the key it was opened with (F7): the
     * session id alone, which legacy SSE puts in the URL, neither acts nor replays answers.
     *
     * @return why the request may not use this session (no key, or another one), or null
     */
    String keyProblem(HttpServerRequest req, HttpSessions.Session s) {
        if (keys == null) {
            return null;
        }
        String given = requestKey(req);
        if (given == null) {
            return "This session was opened with a Jetty key: send the same key in the " + PerRequestKeys.HEADER
                    + " header on every request.";
        }
        if (s.keyHash == null || !MessageDigest.isEqual(s.keyHash, sha256(given))) {
            return PerRequestKeys.HEADER + " differs from the key this session was opened with; send that key, or "
                    + "start a new session with this one.";
        }
        return null;
    }

    /** The request's per-request Jetty key, trimmed; null when absent or when that mode is off. */
    String requestKey(HttpServerRequest req) {
        String given = keys == null ? null : req.requestHeaders().get(PerRequestKeys.HEADER);
        return given == null || given.isBlank() ? null : given.trim();
    }

    static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JVM has SHA-256
        }
    }

    /** @return null when the header is absent (the spec's default applies) or supported */
    static String unsupportedVersion(HttpServerRequest req) {
        String v = null;
        for (String each : req.requestHeaders().getAll(PROTOCOL_HEADER)) {
            if (!PROTOCOL_VERSIONS.contains(each.trim())) {
                v = each;
            }
        }
        if (v == null) {
            return null;
        }
        return "Unsupported MCP-Protocol-Version '" + v.replaceAll("[^\\x20-\\x7e]", "?") + "'; this server supports "
                + String.join(", ", new java.util.TreeSet<>(PROTOCOL_VERSIONS)) + ".";
    }

    /** Reads the whole body, failing with {@link BodyTooLarge} as soon as it passes the limit. */
    Mono<byte[]> body(HttpServerRequest req) {
        int max = options.maxBodyBytes();
        if (declaresTooMuch(req)) {
            return Mono.error(new BodyTooLarge());
        }
        return req.receive().asByteArray()
                .reduce(new ByteArrayOutputStream(), (out, chunk) -> {
                    if (out.size() + chunk.length > max) {
                        throw new BodyTooLarge();
                    }
                    out.writeBytes(chunk);
                    return out;
                })
                .map(ByteArrayOutputStream::toByteArray)
                .defaultIfEmpty(new byte[0]);
    }

    /** @return whether the request declares a body over the limit (an unreadable length counts as too much) */
    boolean declaresTooMuch(HttpServerRequest req) {
        String declared = req.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
        if (declared == null) {
            return false;
        }
        try {
            return Long.parseLong(declared.trim()) > options.maxBodyBytes();
        } catch (NumberFormatException e) {
            return true;
        }
    }

    static final class BodyTooLarge extends RuntimeException {
        BodyTooLarge() {
            super(null, null, false, false);
        }
    }

    /**
     * 413 without reading (or draining) the body: the answer goes out at once and the connection closes
     * after it, so a client cannot make the server read a body it has already refused.
     */
    Mono<Void> tooLarge(HttpServerRequest req, HttpServerResponse res) {
        res.keepAlive(false);
        return error(res, 413, -32600, "Request body larger than " + options.maxBodyBytes() + " bytes. Send less "
                + "data per call (the server's limit is set with --http-max-body).");
    }

    /**
     * Answers an error after discarding whatever is left of the request body: closing on unread
     * bytes would make the kernel reset the connection and the client could lose the answer.
     */
    Mono<Void> reject(HttpServerRequest req, HttpServerResponse res, int status, int code, String message) {
        return req.receive().then().onErrorResume(e -> Mono.empty()).then(error(res, status, code, message));
    }

    /** Like {@link #reject}, once the request's body has been read (it may not be read twice). */
    Mono<Void> reject(HttpServerResponse res, int status, int code, String message, com.fasterxml.jackson.databind.JsonNode id) {
        return json(res, status, lines.error(id, code, message));
    }

    /**
     * Answers an error for a request this server will not serve, after reading its body (within the body limit):
     * the error carries the request's id when one can be read, so the client can match it to what it sent.
     */
    Mono<Void> rejectEchoingId(HttpServerRequest req, HttpServerResponse res, int status, int code, String message) {
        return body(req)
                .map(bytes -> java.util.Optional.ofNullable(lines.idOf(new String(bytes, StandardCharsets.UTF_8))))
                .onErrorResume(e -> e instanceof BodyTooLarge ? Mono.error(e) : Mono.just(java.util.Optional.empty()))
                .flatMap(id -> json(res, status, lines.error(id.orElse(null), code, message)))
                .onErrorResume(BodyTooLarge.class, e -> tooLarge(req, res));
    }

    static final String SHUTTING_DOWN = "Not executed: this server instance is stopping. Nothing was done, so it is "
            + "safe to send again; another instance will serve it.";

    /**
     * 503 for new work during shutdown, once the request body has been read. A 503 from this server always means
     * "not executed, safe to retry": {@code Retry-After: 0}, and the connection closes after it.
     */
    Mono<Void> shuttingDown(HttpServerResponse res) {
        return shuttingDown(res, (com.fasterxml.jackson.databind.JsonNode) null);
    }

    /** {@link #shuttingDown} for a parsed request: the answer carries its JSON-RPC id. */
    Mono<Void> shuttingDown(HttpServerResponse res, Object id) {
        return shuttingDown(res, id == null ? null : (com.fasterxml.jackson.databind.JsonNode) mapper.valueToTree(id));
    }

    private Mono<Void> shuttingDown(HttpServerResponse res, com.fasterxml.jackson.databind.JsonNode id) {
        res.keepAlive(false).header(HttpHeaderNames.RETRY_AFTER, "0");
        return json(res, 503, lines.error(id, -32000, SHUTTING_DOWN));
    }

    /** {@link #shuttingDown} for a request not parsed yet: reads its body for the JSON-RPC id the answer carries. */
    Mono<Void> notExecuted(HttpServerRequest req, HttpServerResponse res) {
        res.keepAlive(false).header(HttpHeaderNames.RETRY_AFTER, "0");
        return body(req).onErrorResume(e -> Mono.just(new byte[0]))
                .flatMap(b -> json(res, 503, lines.error(idOf(b), -32000, SHUTTING_DOWN)));
    }

    private com.fasterxml.jackson.databind.JsonNode idOf(byte[] body) {
        try {
            return body.length == 0 ? null : mapper.readTree(body).get("id");
        } catch (IOException e) {
            return null;
        }
    }

    /** An HTTP error with a JSON-RPC error body (id null), which MCP clients show to the user. */
    Mono<Void> error(HttpServerResponse res, int status, int code, String message) {
        return json(res, status, lines.error(null, code, message));
    }

    static Mono<Void> json(HttpServerResponse res, int status, String body) {
        return res.status(HttpResponseStatus.valueOf(status))
                .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .sendString(Mono.just(body), StandardCharsets.UTF_8)
                .then();
    }

    static Mono<Void> empty(HttpServerResponse res, int status) {
        return res.status(HttpResponseStatus.valueOf(status)).send().then();
    }

    /** Streams SSE events, flushing each one at once. */
    static Mono<Void> sse(HttpServerResponse res, Flux<String> events) {
        return res.status(HttpResponseStatus.OK)
                .header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
                .header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .header("X-Accel-Buffering", "no")
                .send(events.map(s -> Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8))), b -> true)
                .then();
    }
}
