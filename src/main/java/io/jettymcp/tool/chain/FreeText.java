package io.jettymcp.tool.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A collection's free text in an answer (run outputs, init_params, logs, file contents, task and routine
 * documents, search hits): every string except names, ids, states and times. Which collection a part of an
 * answer belongs to: the nearest object naming one ({@code collection}, or a storage path's first segment),
 * else the call's own.
 */
final class FreeText {

    /** Fields that hold names, ids, states or times, never text a person or a model wrote. */
    private static final Set<String> STRUCTURAL = Set.of("collection", "collection_name", "name", "task", "task_name",
            "routine", "trajectory_id", "workflow_id", "id", "status", "state", "link", "path", "storage_path", "prefix",
            "created", "updated", "completed", "created_at", "updated_at", "next_run_at", "version", "source",
            "content_type", "type");

    private FreeText() {
    }

    static String marker(String collection, String why) {
        return "[withheld: the secrets of collection '" + collection + "' could not be checked (" + why + ")]";
    }

    /** The collections an answer names: {@code collection} fields and storage paths' first segments. */
    static Set<String> named(JsonNode n) {
        Set<String> out = new LinkedHashSet<>();
        collect(n, out);
        return out;
    }

    private static void collect(JsonNode n, Set<String> out) {
        if (n.isObject()) {
            String own = owner(n);
            if (own != null) {
                out.add(own);
            }
        }
        if (n.isContainerNode()) {
            n.forEach(c -> collect(c, out));
        }
    }

    /** The collection an object names, if any. */
    private static String owner(JsonNode o) {
        for (String f : new String[]{"collection", "collection_name"}) {
            if (o.path(f).isTextual() && !o.get(f).asText().isBlank()) {
                return o.get(f).asText();
            }
        }
        for (String f : new String[]{"path", "storage_path"}) {
            String p = o.path(f).asText("");
            int slash = p.indexOf('/');
            if (slash > 0) {
                return p.substring(0, slash);
            }
        }
        return null;
    }

    /**
     * A copy in which every free-text string of a collection in {@code failed} (collection → why) is replaced by
     * {@link #marker}; {@code owner} is the collection the top of the answer belongs to (null: none).
     */
    static JsonNode withhold(JsonNode n, String owner, Map<String, String> failed) {
        return withhold(n, owner, failed, false);
    }

    private static JsonNode withhold(JsonNode n, String owner, Map<String, String> failed, boolean structural) {
        if (n.isObject()) {
            String own = owner(n);
            String o = own != null ? own : owner;
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            n.properties().forEach(e -> copy.set(e.getKey(), withhold(e.getValue(), o, failed, STRUCTURAL.contains(e.getKey()))));
            return copy;
        }
        if (n.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            n.forEach(c -> copy.add(withhold(c, owner, failed, false)));
            return copy;
        }
        if (n.isTextual() && !structural && owner != null && failed.containsKey(owner)) {
            return TextNode.valueOf(marker(owner, failed.get(owner)));
        }
        return n;
    }
}
