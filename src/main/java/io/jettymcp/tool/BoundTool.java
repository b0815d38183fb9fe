package io.jettymcp.tool;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.spec.ToolSpec;
import io.modelcontextprotocol.spec.McpSchema;

/**
 * A tool as this configuration exposes it: its spec, the input schema arguments are checked
 * against (without {@code collection} when the server is pinned to one), its handler, and the
 * definition published in tools/list.
 */
public record BoundTool(ToolSpec spec, ObjectNode effectiveInput, ToolHandler handler, McpSchema.Tool definition) {
}
