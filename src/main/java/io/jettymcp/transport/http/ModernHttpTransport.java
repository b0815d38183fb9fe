package io.jettymcp.transport.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.modern.JsonRpc;
import io.modelcontextprotocol.modern.server.McpRequestManager;
import io.modelcontextprotocol.modern.server.McpTransportResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The 2026-07-28 era on {@code /mcp} (served unless {@code --protocol-era legacy}): a request that carries
 * {@code MCP-Protocol-Version: 2026-07-28} is served here, with no session, by the SDK's transport-neutral modern
 * server; every other request keeps the legacy transports. Each POST stands alone (any replica can serve it), its
 * answer is plain JSON or, when the call streams (progress), an event stream of its own; closing that stream cancels
 * the call. Checked here, as the revision asks of HTTP: {@code Mcp-Method} and {@code Mcp-Name} match the body
 * (-32020), GET and DELETE are 405, and each JSON-RPC error has its HTTP status (400, 404 for a removed method).
 */
final class ModernHttpTransport {

    static final String VERSION = "2026-07-28";
    static final String METHOD_HEADER = io.modelcontextprotocol.modern.McpHttp.Headers.MCP_METHOD;
    static final String NAME_HEADER = io.modelcontextprotocol.modern.McpHttp.Headers.MCP_NAME;
    private static final int HEADER_MISMATCH = -32020;
    private static final int UNSUPPORTED_VERSION = -32022;
    /** Reactor's context key for a subscriber's discard hook ({@code Hooks.KEY_ON_DISCARD}, package-private there). */
    private static final String DISCARD_HOOK = "reactor.onDiscard.local";
    /** The HTTP status of each JSON-RPC error code; others are 500. */
    private static final Map<Integer, Integer> STATUS = Map.of(-32700, 400, -32600, 400, -32602, 400, HEADER_MISMATCH, 400,
            -32021, 400, -32022, 400, -32601, 404);
    /** Methods whose {@code Mcp-Name} header names the tool, prompt or resource in the body. */
    private static final Map<String, String> NAMED = Map.of("tools/call", "name", "prompts/get", "name",
            "resources/read", "uri");

    private final HttpRuntime rt;
    private final McpRequestManager server;

    ModernHttpTransport(HttpRuntime rt, McpRequestManager server) {
        this.rt = rt;
        this.server = server;
    }

    /** Whether the request is of this era: it names the 2026-07-28 version. */
    static boolean claims(HttpServerRequest req) {
        List<String> v = req.requestHeaders().getAll(HttpRuntime.PROTOCOL_HEADER);
        return v.size() == 1 && VERSION.equals(v.get(0).trim());
    }

    Mono<Void> serve(HttpServerRequest req, HttpServerResponse res) {
        if (!req.method().equals(HttpMethod.POST)) {
            res.header(HttpHeaderNames.ALLOW, "POST");
            return rt.reject(req, res, 405, -32600, "Protocol " + VERSION + " has no sessions and no standing stream: "
                    + "send each request as a POST to /mcp.");
        }
        return rt.withKey(req, res, key -> rt.body(req).flatMap(bytes -> {
            String text = new String(bytes, StandardCharsets.UTF_8);
            JsonRpc.JSONRPCMessage msg;
            try {
                msg = JsonRpc.deserializeMessage(rt.mcpMapper, text);
            } catch (Exception e) {
                return answer(res, 400, rt.lines.error(rt.lines.idOf(text), -32700, "Parse error: send one JSON-RPC "
                        + "message as a JSON object."));
            }
            McpTransportContext ctx = rt.context("modern-http", key);
            if (msg instanceof JsonRpc.JSONRPCNotification n) {
                return server.handleNotification(ctx, n).onErrorResume(e -> Mono.empty()).then(HttpRuntime.empty(res, 202));
            }
            if (!(msg instanceof JsonRpc.JSONRPCRequest r)) {
                return answer(res, 400, rt.lines.error(null, -32600, "This server accepts requests and notifications only."));
            }
            JsonNode id = rt.lines.idOf(text);
            String mismatch = headerMismatch(req, r);
            if (mismatch != null) {
                return answer(res, 400, rt.lines.error(id, HEADER_MISMATCH, mismatch));
            }
            if (rt.closing.get()) {
                return rt.shuttingDown(res, id);
            }
            // the answer's writing is inside the call's turn: a streamed call runs while its stream is written
            Mono<Void> handling = server.handle(ctx, r).flatMap(out -> write(res, out));
            if (CallLimiter.capped(r.method())) {
                handling = rt.limiter.limit(HttpRuntime.tenant(key, null), handling);
            }
            rt.running.incrementAndGet();
            return handling.doFinally(s -> rt.running.decrementAndGet());
        }).onErrorResume(HttpRuntime.BodyTooLarge.class, e -> rt.tooLarge(req, res)));
    }

    /**
     * A POST naming a version this server speaks in neither era: the revision's UnsupportedProtocolVersionError
     * (-32022, 400) with the modern version it can use (legacy clients negotiate theirs by initialize) and the one asked.
     */
    Mono<Void> unsupportedVersion(HttpServerRequest req, HttpServerResponse res) {
        String requested = req.requestHeaders().get(HttpRuntime.PROTOCOL_HEADER).trim();
        return rt.body(req).defaultIfEmpty(new byte[0]).flatMap(bytes -> {
            com.fasterxml.jackson.databind.node.ObjectNode error = rt.mapper.createObjectNode().put("jsonrpc", "2.0");
            JsonNode id = rt.lines.idOf(new String(bytes, StandardCharsets.UTF_8));
            error.set("id", id == null ? rt.mapper.nullNode() : id);
            com.fasterxml.jackson.databind.node.ObjectNode body = error.putObject("error").put("code", UNSUPPORTED_VERSION)
                    .put("message", "Unsupported protocol version; this server supports " + VERSION + " (and, through "
                            + "initialize, " + String.join(", ", new java.util.TreeSet<>(HttpRuntime.PROTOCOL_VERSIONS)) + ").");
            body.putObject("data").put("requested", requested).putArray("supported").add(VERSION);
            return answer(res, 400, error.toString());
        }).onErrorResume(HttpRuntime.BodyTooLarge.class, e -> rt.tooLarge(req, res));
    }

    /** @return what is wrong with the request's MCP headers, or null when they match its body */
    private static String headerMismatch(HttpServerRequest req, JsonRpc.JSONRPCRequest r) {
        List<String> methods = req.requestHeaders().getAll(METHOD_HEADER);
        if (methods.size() != 1) {
            return methods.isEmpty() ? "Missing required header: " + METHOD_HEADER : METHOD_HEADER + " header has more than one value";
        }
        if (!methods.get(0).trim().equals(r.method())) {
            return METHOD_HEADER + " header does not match the request's method";
        }
        Object meta = r.params() instanceof Map<?, ?> p ? p.get("_meta") : null;
        Object version = meta instanceof Map<?, ?> m ? m.get("io.modelcontextprotocol/protocolVersion") : null;
        if (version != null && !VERSION.equals(version)) {
            return HttpRuntime.PROTOCOL_HEADER + " header does not match the _meta protocol version";
        }
        String field = NAMED.get(r.method());
        if (field == null) {
            return null;
        }
        List<String> names = req.requestHeaders().getAll(NAME_HEADER);
        if (names.size() != 1) {
            return names.isEmpty() ? "Missing required header: " + NAME_HEADER : NAME_HEADER + " header has more than one value";
        }
        Object named = r.params() instanceof Map<?, ?> p ? p.get(field) : null;
        if (!decode(names.get(0).trim()).equals(String.valueOf(named))) {
            return NAME_HEADER + " header does not match the request's " + field;
        }
        return null;
    }

    /** A header value as sent: plain, or base64 in the revision's wrapper for text a header cannot carry. */
    private static String decode(String value) {
        try {
            return io.modelcontextprotocol.modern.server.transport.McpHeaderDecoder.decodeValue(value);
        } catch (RuntimeException e) {
            return value; // malformed: it cannot match, and the mismatch is what the client is told
        }
    }

    private Mono<Void> write(HttpServerResponse res, McpTransportResponse out) {
        try {
            if (out instanceof McpTransportResponse.Result r) {
                return answer(res, 200, rt.mcpMapper.writeValueAsString(r.response()));
            }
            if (out instanceof McpTransportResponse.Error e) {
                Integer code = e.response().error() == null ? null : e.response().error().code();
                return answer(res, code == null ? 500 : STATUS.getOrDefault(code, 500), rt.mcpMapper.writeValueAsString(e.response()));
            }
            McpTransportResponse.Streaming s = (McpTransportResponse.Streaming) out;
            // the call's own stream: its progress, then its answer; a client that closes it cancels the call
            // the stream ends with the answer (the SDK's message flux need not complete by itself)
            Flux<String> events = s.messages().takeUntil(m -> m instanceof JsonRpc.JSONRPCResponse).concatMap(m -> {
                try {
                    return Mono.just("event: message\ndata: " + rt.mcpMapper.writeValueAsString(m) + "\n\n");
                } catch (IOException x) {
                    return Mono.error(x);
                }
            });
            // The call runs inside the stream's send, whose context carries Reactor Netty's discard hook (it
            // releases each discarded buffer). Inherited by the call, it released the upstream answer's buffers when
            // an operator dropped them (then(), the body read), and Reactor Netty released them again:
            // IllegalReferenceCountException and a read that never ends. The call keeps its own context.
            return HttpRuntime.sse(res, events.contextWrite(c -> c.delete(DISCARD_HOOK)));
        } catch (IOException e) {
            return Mono.error(e);
        }
    }

    private static Mono<Void> answer(HttpServerResponse res, int status, String json) {
        return HttpRuntime.json(res, status, json);
    }
}
