package io.jettymcp.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The input schema as tools/list shows it, derived once at bind from the schema the validator enforces. Every byte
 * is model context in every conversation, so it keeps what guides a call (types, enums, required, defaults,
 * numeric bounds, descriptions) and drops what the validator enforces anyway and a model needs no hint for:
 * private {@code x-*} markers, string patterns, length and item-count limits. A call that breaks one of them still
 * gets an error naming the argument, so nothing is less strict; only less is said up front.
 */
public final class PublishedSchema {

    /** Keywords the validator enforces that the published schema leaves out. */
    static final Set<String> UNPUBLISHED = Set.of("pattern", "minLength", "maxLength", "minItems", "maxItems");

    private PublishedSchema() {
    }

    /** A copy of {@code checked} without the unpublished keywords and with no empty {@code required}. */
    public static ObjectNode of(ObjectNode checked) {
        ObjectNode published = checked.deepCopy();
        strip(published);
        if (published.path("required").isArray() && published.get("required").isEmpty()) {
            published.remove("required");
        }
        return published;
    }

    /** Walks schema keywords only: a property may itself be named like a keyword ("pattern", "x-y"). */
    private static void strip(ObjectNode schema) {
        List<String> drop = new ArrayList<>();
        schema.fieldNames().forEachRemaining(f -> {
            if (f.startsWith("x-") || UNPUBLISHED.contains(f)) {
                drop.add(f);
            }
        });
        schema.remove(drop);
        if (schema.get("properties") instanceof ObjectNode props) {
            for (Map.Entry<String, JsonNode> p : props.properties()) {
                if (p.getValue() instanceof ObjectNode o) {
                    strip(o);
                }
            }
        }
        if (schema.get("items") instanceof ObjectNode items) {
            strip(items);
        }
        if (schema.get("additionalProperties") instanceof ObjectNode extra) {
            strip(extra);
        }
    }
}
