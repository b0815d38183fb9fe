package io.jettymcp.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.api.ApiRequest;
import reactor.core.publisher.Mono;

/** whoami: what the token is, what it may touch, and which server and backend answer. */
public final class ContextTools {

    private final ToolContext ctx;

    public ContextTools(ToolContext ctx) {
        this.ctx = ctx;
    }

    public Mono<JsonNode> whoami(ToolCall call) {
        return call.api().json(ApiRequest.get("/api/v1/auth/whoami")).zipWith(call.tenant().scope().allowed())
                .map(t -> {
                    JsonNode who = t.getT1();
                    ObjectNode o = ctx.mapper().createObjectNode();
                    o.put("auth_type", who.path("auth_type").asText(null));
                    o.put("access_level", who.path("access_level").asText(null));
                    o.put("identifier", who.path("identifier").asText(null));
                    o.set("collection_scope", who.path("collection_scope"));
                    if (t.getT2().names() == null) {
                        o.put("allowed_collections", "any");
                    } else {
                        t.getT2().names().stream().sorted().forEach(o.putArray("allowed_collections")::add);
                    }
                    o.put("token", call.api().token().masked());
                    o.put("token_source", call.api().token().source());
                    o.put("base_url", call.api().baseUrl());
                    o.put("server_version", ctx.version());
                    if (ctx.settings().sandbox()) {
                        o.put("sandbox", "Embedded sandbox simulator: fake data, no real Jetty account is used.");
                    }
                    return o;
                });
    }
}
