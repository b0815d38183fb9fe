package io.jettymcp.transport.http;

import io.jettymcp.transport.JsonRpcLines;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpStatelessServerHandler;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Stateless Streamable HTTP ({@code --stateless}): every POST stands alone and is answered with
 * plain JSON, so any replica behind a load balancer can serve any request. No session ids, no GET
 * stream, no progress notifications or elicitation (waits return at their budget). A
 * {@code notifications/cancelled} stops a call running on this replica when it names exactly one call of the same
 * caller ({@link StatelessCalls}); a client that closes its connection stops its call on any replica.
 */
public final class StatelessHttpTransport implements McpStatelessServerTransport, HttpEndpoint {

    private final HttpRuntime rt;
    private final StatelessCalls calls = new StatelessCalls();
    private volatile McpStatelessServerHandler handler;

    StatelessHttpTransport(HttpRuntime rt) {
        this.rt = rt;
    }

    @Override
    public void setMcpHandler(McpStatelessServerHandler handler) {
        this.handler = handler;
    }

    @Override
    public boolean serves(String path) {
        return StreamableHttpTransport.PATH.equals(path);
    }

    @Override
    public int sessionCount() {
        return 0;
    }

    @Override
    public Mono<Void> serve(HttpServerRequest req, HttpServerResponse res, String path) {
        String bad = HttpRuntime.unsupportedVersion(req);
        if (bad != null) {
            return rt.rejectEchoingId(req, res, 400, -32600, bad);
        }
        if (!req.method().equals(HttpMethod.POST)) {
            res.header(HttpHeaderNames.ALLOW, "POST");
            return rt.reject(req, res, 405, -32600, "This server is stateless: only POST /mcp is served (no event stream, no sessions).");
        }
        return rt.withKey(req, res, k -> rt.body(req).flatMap(bytes -> {
                    JsonRpcLines.Parsed parsed = rt.lines.parse(new String(bytes, StandardCharsets.UTF_8));
                    if (parsed instanceof JsonRpcLines.Bad b) {
                        return HttpRuntime.json(res, 400, b.error());
                    }
                    McpSchema.JSONRPCMessage msg = ((JsonRpcLines.Ok) parsed).message();
                    McpTransportContext ctx = rt.context("stateless-http", k);
                    String caller = caller(req, k);
                    if (msg instanceof McpSchema.JSONRPCRequest r) {
                        Mono<McpSchema.JSONRPCResponse> answer = handler.handleRequest(ctx, r);
                        if (CallLimiter.capped(r.method())) {
                            answer = rt.limiter.limit(HttpRuntime.tenant(k, null), answer);
                        }
                        rt.running.incrementAndGet();
                        return calls.track(caller, r.id(), answer)
                                .onErrorResume(e -> Mono.just(McpSchema.JSONRPCResponse.error(r.id(),
                                        new McpSchema.JSONRPCResponse.JSONRPCError(McpSchema.ErrorCodes.INTERNAL_ERROR,
                                                String.valueOf(e.getMessage()), null))))
                                .flatMap(a -> {
                                    try {
                                        return HttpRuntime.json(res, 200, rt.mcpMapper.writeValueAsString(a));
                                    } catch (IOException e) {
                                        return Mono.error(e);
                                    }
                                })
                                // cancelled: no answer, as the spec asks of a cancelled request
                                .switchIfEmpty(Mono.defer(() -> HttpRuntime.empty(res, 204)))
                                .doFinally(s -> rt.running.decrementAndGet());
                    }
                    if (msg instanceof McpSchema.JSONRPCNotification n && CANCELLED.equals(n.method())) {
                        Object id = n.params() instanceof java.util.Map<?, ?> p ? p.get("requestId") : null;
                        calls.cancel(caller, id); // one that names no single call of this caller's is ignored
                        return HttpRuntime.empty(res, 202);
                    }
                    if (msg instanceof McpSchema.JSONRPCNotification n) {
                        return handler.handleNotification(ctx, n).onErrorResume(e -> Mono.empty())
                                .then(HttpRuntime.empty(res, 202));
                    }
                    return HttpRuntime.empty(res, 202); // nothing to match a response to without sessions
                }).onErrorResume(HttpRuntime.BodyTooLarge.class, e -> rt.tooLarge(req, res)));
    }

    private static final String CANCELLED = "notifications/cancelled";

    /**
     * Who a stateless request comes from, as far as this server can tell: its per-request Jetty key, else its
     * bearer token (hashed: never kept), else nobody in particular.
     */
    private static String caller(HttpServerRequest req, String jettyKey) {
        if (jettyKey != null) {
            return "key " + PerRequestKeys.hash(jettyKey);
        }
        String auth = req.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
        return auth == null ? "" : "bearer " + PerRequestKeys.hash(auth.trim());
    }

    @Override
    public void expireIdle() {
    }

    @Override
    public Mono<Void> closeAll() {
        return Mono.empty();
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.empty();
    }
}
