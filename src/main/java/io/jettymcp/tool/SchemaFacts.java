package io.jettymcp.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.spec.ToolSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the guard chain needs to know of a tool's input schema, read once when the tool is bound rather than on
 * every call.
 *
 * @param localPaths         arguments naming a file on the server's disk ({@code x-kind} local-path, or a list of them)
 * @param storagePaths       arguments naming a Jetty storage path ({@code x-kind} storage-path), whose first segment is
 *                           a collection; in schema order
 * @param secrets            secret arguments by name, with their kind: {@code secret} or {@code secret-map}
 * @param collectionRequired whether the spec requires {@code collection} (the checked schema never does: it defaults)
 */
public record SchemaFacts(List<String> localPaths, List<String> storagePaths, Map<String, String> secrets,
                          boolean collectionRequired) {

    public SchemaFacts {
        localPaths = List.copyOf(localPaths);
        storagePaths = List.copyOf(storagePaths);
        secrets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(secrets));
    }

    /**
     * @param effectiveInput the schema arguments are checked against; secret arguments are read from it, paths and
     *                       {@code required} from the spec's own
     */
    public static SchemaFacts of(ToolSpec spec, ObjectNode effectiveInput) {
        List<String> local = new ArrayList<>();
        List<String> storage = new ArrayList<>();
        for (Map.Entry<String, JsonNode> p : spec.input().path("properties").properties()) {
            JsonNode schema = p.getValue();
            if ("local-path".equals(schema.path("x-kind").asText())
                    || "local-path".equals(schema.path("items").path("x-kind").asText())) {
                local.add(p.getKey());
            }
            if ("storage-path".equals(schema.path("x-kind").asText())) {
                storage.add(p.getKey());
            }
        }
        Map<String, String> secrets = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> p : effectiveInput.path("properties").properties()) {
            String kind = p.getValue().path("x-kind").asText("");
            if (kind.equals("secret") || kind.equals("secret-map")) {
                secrets.put(p.getKey(), kind);
            }
        }
        boolean required = false;
        for (JsonNode r : spec.input().path("required")) {
            required |= r.asText().equals("collection");
        }
        return new SchemaFacts(local, storage, secrets, required);
    }
}
