package io.jettymcp.tool.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.jettymcp.guard.Policy;
import io.jettymcp.guard.TenantSecrets;
import reactor.core.publisher.Mono;

import java.util.Map;

/**
 * The policy decides on every collection the call touches (allow, deny, or ask the person), before any request
 * but whoami. The policy, and any approval prompt, sees secret arguments as a marker and the caller's registered
 * secrets masked.
 */
public record CheckPolicy(Policy policy) implements Step {

    @Override
    public Mono<Void> run(Call call) {
        return Mono.defer(() -> policy.check(call.spec(), shown(call), call.reach, call.context.approval()));
    }

    /** The arguments as a person may read them: secret values replaced by a marker, every other string redacted. */
    static ObjectNode shown(Call call) {
        ObjectNode copy = call.args.deepCopy();
        call.tool.facts().secrets().forEach((name, kind) -> {
            JsonNode v = copy.get(name);
            if (v == null || v.isNull()) {
                return;
            }
            if (kind.equals("secret")) {
                copy.put(name, "(secret)");
            } else if (v.isObject()) {
                ((ObjectNode) v).properties().forEach(e -> e.setValue(TextNode.valueOf("(secret)")));
            }
        });
        return (ObjectNode) redacted(copy, call.secrets());
    }

    /** Every string value redacted in place (names stay: a secret-map's names are shown, by design). */
    private static JsonNode redacted(JsonNode n, TenantSecrets secrets) {
        if (n instanceof ObjectNode o) {
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                e.setValue(redacted(e.getValue(), secrets));
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                ((com.fasterxml.jackson.databind.node.ArrayNode) n).set(i, redacted(n.get(i), secrets));
            }
        } else if (n.isTextual()) {
            return TextNode.valueOf(secrets.redact(n.asText()));
        }
        return n;
    }
}
