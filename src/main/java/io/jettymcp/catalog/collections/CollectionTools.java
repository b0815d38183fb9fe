package io.jettymcp.catalog.collections;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.Routes;
import io.jettymcp.guard.ToolError;
import io.jettymcp.tool.ToolCall;
import io.jettymcp.tool.ToolContext;
import reactor.core.publisher.Mono;

/** Collections: the list narrowed to this server's scope, and creation (user tokens only). */
public final class CollectionTools {

    private final ToolContext ctx;

    public CollectionTools(ToolContext ctx) {
        this.ctx = ctx;
    }

    public Mono<JsonNode> list(ToolCall call) {
        ApiRequest req = ApiRequest.get(Routes.COLLECTIONS_LIST.path())
                .withQuery("skip", call.integer("skip"))
                .withQuery("limit", call.integer("limit"));
        return call.api().json(req).zipWith(call.tenant().scope().allowed()).map(t -> {
            ArrayNode out = ctx.mapper().createArrayNode();
            for (JsonNode c : t.getT1()) {
                if (t.getT2().names() == null || t.getT2().names().contains(c.path("name").asText())) {
                    out.add(c);
                }
            }
            return out;
        });
    }

    public Mono<JsonNode> create(ToolCall call) {
        if (call.api().token().collectionScopedKey()) {
            return Mono.error(new ToolError("create-collection needs a user (account) token: this server uses an "
                    + "mlc_ API key, which Jetty binds to one collection and never lets create collections. Create "
                    + "the collection at https://jetty.io, or run the server with a user token."));
        }
        ObjectNode body = ctx.mapper().createObjectNode().put("name", call.str("name"));
        if (call.has("description")) {
            body.put("description", call.str("description"));
        }
        return call.api().json(ApiRequest.json("POST", Routes.COLLECTIONS_CREATE.path(), body));
    }
}
