package io.jettymcp.server;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpLoggableSession;
import io.modelcontextprotocol.spec.McpSchema;
import reactor.core.publisher.Mono;

/**
 * The exchange a tool sees in stateless mode: there is no session to write to, so notifications
 * (progress, logging) are dropped and requests to the client (elicitation, sampling) fail clearly.
 * The client is presented with no capabilities, which tools already read as "this client cannot be asked".
 */
final class StatelessExchange implements McpLoggableSession {

    private static final StatelessExchange SESSION = new StatelessExchange();
    /** The id every stateless request shares: stateless HTTP has no sessions, so its calls are one tenant. */
    static final String SESSION_ID = "stateless";
    /** No elicitation, sampling or roots: tools that would ask the client refuse or return at their budget. */
    private static final McpSchema.ClientCapabilities NO_CAPABILITIES = McpSchema.ClientCapabilities.builder().build();

    private StatelessExchange() {
    }

    static McpAsyncServerExchange of(McpTransportContext context) {
        return new McpAsyncServerExchange(SESSION_ID, SESSION, NO_CAPABILITIES, null, context);
    }

    @Override
    public <T> Mono<T> sendRequest(String method, Object params, TypeRef<T> typeRef) {
        return Mono.error(McpError.builder(McpSchema.ErrorCodes.INVALID_REQUEST)
                .message(method + " is not available: this server runs in stateless mode and cannot ask the client")
                .build());
    }

    @Override
    public Mono<Void> sendNotification(String method, Object params) {
        return Mono.empty();
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.empty();
    }

    @Override
    public void close() {
    }

    @Override
    public void setMinLoggingLevel(McpSchema.LoggingLevel level) {
    }

    @Override
    public boolean isNotificationForLevelAllowed(McpSchema.LoggingLevel level) {
        return false;
    }
}
