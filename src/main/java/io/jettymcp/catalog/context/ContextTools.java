package io.jettymcp.catalog.context;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.guard.CollectionScope;
import io.jettymcp.guard.ToolError;
import io.jettymcp.tool.ToolCall;
import io.jettymcp.tool.ToolContext;
import reactor.core.publisher.Mono;

import java.util.Set;

/**
 * whoami: what the token is, what it may touch, and which server and backend answer. When Jetty's whoami
 * cannot tell (absent, no fields, slow: jetty-api.md §7 E3) it says {@code scope: "unknown"} and why, and
 * still shows everything known locally.
 */
public final class ContextTools {

    private final ToolContext ctx;

    public ContextTools(ToolContext ctx) {
        this.ctx = ctx;
    }

    public Mono<JsonNode> whoami(ToolCall call) {
        CollectionScope scope = call.tenant().scope();
        return scope.key().zipWith(scope.allowed()).map(t -> {
            CollectionScope.Key key = t.getT1();
            if (key.state() == CollectionScope.Key.State.REJECTED) {
                throw new ToolError(key.reason() + ". The key in " + call.api().token().source() + " is invalid, inactive "
                        + "or from another Jetty backend than " + call.api().baseUrl() + ": set a valid key.");
            }
            return report(call, key, t.getT2());
        });
    }

    private JsonNode report(ToolCall call, CollectionScope.Key key, CollectionScope.Allowed allowed) {
        ObjectNode o = ctx.mapper().createObjectNode();
        o.put("scope", key.known() ? "known" : "unknown");
        if (!key.known()) {
            o.put("scope_reason", key.reason() + "; calls that name their collection still go to Jetty, which checks the key");
        }
        o.put("auth_type", key.authType());
        o.put("access_level", key.accessLevel());
        o.put("identifier", key.identifier());
        if (key.known() && key.scope() != null) {
            o.put("collection_scope", key.scope());
        } else {
            o.putNull("collection_scope");
        }
        Set<String> names = allowed.names();
        if (names == null) {
            o.put("allowed_collections", key.known() ? "any" : "any the key can use (JETTY_COLLECTIONS is not set)");
        } else {
            names.stream().sorted().forEach(o.putArray("allowed_collections")::add);
        }
        o.put("token", call.api().token().masked());
        o.put("token_source", call.api().token().source());
        o.put("base_url", call.api().baseUrl());
        o.put("server_version", ctx.version());
        if (ctx.settings().sandbox()) {
            o.put("sandbox", "Embedded sandbox simulator: fake data, no real Jetty account is used.");
        }
        return o;
    }
}
