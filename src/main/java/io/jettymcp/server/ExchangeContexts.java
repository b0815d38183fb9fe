package io.jettymcp.server;

import io.jettymcp.guard.ApprovalAsker;
import io.jettymcp.guard.Tenant;
import io.jettymcp.guard.TenantSecrets;
import io.jettymcp.tool.ToolCall;
import io.jettymcp.tool.chain.CallContext;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Adapts an MCP exchange (stateful or stateless) to the guard chain's protocol-neutral {@link CallContext}: who the
 * call acts as, progress notifications, elicitation for approvals. MCP cancels a call by disposing its subscription.
 */
public final class ExchangeContexts {

    private final Function<McpAsyncServerExchange, Tenant> tenants;
    private final TenantSecrets serverSecrets;

    /**
     * @param tenants       who each call acts as
     * @param serverSecrets the server's own secrets only: they redact a failure that comes before the tenant is known
     */
    public ExchangeContexts(Function<McpAsyncServerExchange, Tenant> tenants, TenantSecrets serverSecrets) {
        this.tenants = tenants;
        this.serverSecrets = serverSecrets;
    }

    /** The context of a tools/call (or of a resource read or completion made through a tool). */
    public CallContext of(McpAsyncServerExchange exchange, McpSchema.CallToolRequest request) {
        Object token = request.meta() == null ? null : request.meta().get("progressToken");
        return new CallContext(() -> tenants.apply(exchange), serverSecrets, progress(exchange, token),
                approval(exchange), Mono.never());
    }

    private static ToolCall.Progress progress(McpAsyncServerExchange exchange, Object token) {
        if (token == null || exchange == null) {
            return ToolCall.Progress.NONE;
        }
        return (progress, total, message) -> exchange.progressNotification(
                new McpSchema.ProgressNotification(token, progress, total, message, null));
    }

    /** Approval through MCP elicitation, when the client supports it. */
    public static ApprovalAsker approval(McpAsyncServerExchange exchange) {
        if (exchange == null || exchange.getClientCapabilities() == null
                || exchange.getClientCapabilities().elicitation() == null) {
            return ApprovalAsker.NONE;
        }
        Map<String, Object> schema = Map.of("type", "object", "required", List.of("approve"),
                "properties", Map.of("approve", Map.of("type", "boolean", "title", "Approve",
                        "description", "Allow this one call")));
        return ApprovalAsker.by(prompt -> exchange.createElicitation(McpSchema.ElicitRequest.builder(prompt, schema).build())
                .map(res -> res.action() == McpSchema.ElicitResult.Action.ACCEPT && res.content() != null
                        && Boolean.TRUE.equals(res.content().get("approve"))));
    }
}
