package io.jettymcp.spec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.shape.OutputSpec;

/**
 * One tool, as declared in {@code tool-specs/<toolset>/<name>.json}: the single source of truth for
 * its name, description, annotations, input schema, HTTP mapping and output shape.
 *
 * @param input   JSON Schema of the arguments, including our private {@code x-kind} markers
 * @param http    how the generic REST handler calls Jetty; null when {@link #handler} names a Java handler
 * @param handler name of a Java handler, or null for the generic REST handler
 * @param auth    whether the tool needs a Jetty token (step templates do not)
 * @param reads   per route id ({@link io.jettymcp.api.Routes}), the answer fields the tool's reader relies on
 *                (grammar: {@link io.jettymcp.shape.AnswerShape}); an answer lacking one is reported as drift
 */
public record ToolSpec(
        String name,
        String title,
        String toolset,
        String description,
        Annotations annotations,
        ObjectNode input,
        ObjectNode outputSchema,
        HttpMapping http,
        String handler,
        OutputSpec output,
        boolean auth,
        java.util.Map<String, java.util.List<String>> reads) {

    public ToolSpec {
        reads = java.util.Map.copyOf(reads);
    }

    /** All four MCP hints, always explicit: clients decide on confirmation prompts from them. */
    public record Annotations(boolean readOnly, boolean destructive, boolean idempotent, boolean openWorld) {
    }

    public boolean takesCollection() {
        return input.path("properties").has("collection");
    }

    public boolean writes() {
        return !annotations.readOnly();
    }
}
