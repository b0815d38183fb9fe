package io.jettymcp.tool;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.spec.ToolSpec;
import io.modelcontextprotocol.spec.McpSchema;

/**
 * A tool as this configuration exposes it: its spec, the input schema arguments are checked
 * against (without {@code collection} when the server is pinned to one), its handler, the
 * definition published in tools/list, and the facts the guard chain reads from its schema.
 */
public record BoundTool(ToolSpec spec, ObjectNode effectiveInput, ToolHandler handler, McpSchema.Tool definition,
                        SchemaFacts facts) {

    /** Binds a tool, reading its schema's facts once. */
    public BoundTool(ToolSpec spec, ObjectNode effectiveInput, ToolHandler handler, McpSchema.Tool definition) {
        this(spec, effectiveInput, handler, definition, SchemaFacts.of(spec, effectiveInput));
    }
}
