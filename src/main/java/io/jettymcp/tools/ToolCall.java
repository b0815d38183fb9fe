package io.jettymcp.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.api.JettyApi;
import io.jettymcp.spec.ToolSpec;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import reactor.core.publisher.Mono;

/**
 * One validated tool call: its arguments (with {@code collection} resolved and injected), the
 * tenant it acts as, and a way to report progress when the client asked for it.
 */
public record ToolCall(ToolSpec spec, ObjectNode args, String collection, Tenant tenant,
                       McpAsyncServerExchange exchange, Object progressToken) {

    public JettyApi api() {
        return tenant.api();
    }

    public String str(String name) {
        JsonNode n = args.get(name);
        return n == null || n.isNull() ? null : n.asText();
    }

    public Integer integer(String name) {
        JsonNode n = args.get(name);
        return n == null || n.isNull() ? null : n.asInt();
    }

    public boolean bool(String name, boolean dflt) {
        JsonNode n = args.get(name);
        return n == null || n.isNull() ? dflt : n.asBoolean();
    }

    public JsonNode node(String name) {
        JsonNode n = args.get(name);
        return n == null || n.isNull() ? null : n;
    }

    public boolean has(String name) {
        return node(name) != null;
    }

    /** Sends {@code notifications/progress} if the client gave a progress token; otherwise nothing. */
    public Mono<Void> progress(double progress, Double total, String message) {
        if (progressToken == null || exchange == null) {
            return Mono.empty();
        }
        return exchange.progressNotification(new McpSchema.ProgressNotification(progressToken, progress, total, message, null))
                .onErrorResume(e -> Mono.empty());
    }
}
