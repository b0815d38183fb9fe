package io.jettymcp.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.shape.OutputSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

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
 * @param search  what a client's tool search reads: keywords, or that the tool stays loaded
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
        java.util.Map<String, java.util.List<String>> reads,
        Search search) {

    public ToolSpec {
        reads = java.util.Map.copyOf(reads);
    }

    /** A spec without tool-search hints (tests and fixtures). */
    public ToolSpec(String name, String title, String toolset, String description, Annotations annotations,
                    ObjectNode input, ObjectNode outputSchema, HttpMapping http, String handler, OutputSpec output,
                    boolean auth, java.util.Map<String, java.util.List<String>> reads) {
        this(name, title, toolset, description, annotations, input, outputSchema, http, handler, output, auth, reads,
                Search.NONE);
    }

    /**
     * Hints for clients that load tools on demand (Claude Code's tool search reads them from {@code _meta}).
     *
     * @param hint       a few keywords a search should match the tool on; null when none
     * @param alwaysLoad the tool stays loaded without a search (a handful of core tools)
     */
    public record Search(String hint, boolean alwaysLoad) {
        public static final Search NONE = new Search(null, false);
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

    /**
     * The {@code enum} the input schema states at {@code pointer} (e.g. {@code /properties/agent}). Java that needs
     * the list reads it here, so the spec stays its one statement.
     */
    public List<String> inputEnum(String pointer) {
        JsonNode values = input.at(pointer).path("enum");
        if (!values.isArray() || values.isEmpty()) {
            throw new SpecException(name + ": no enum at input" + pointer + ", which the server reads");
        }
        List<String> out = new ArrayList<>();
        values.forEach(v -> out.add(v.asText()));
        return List.copyOf(out);
    }

    /** The {@code pattern} the input schema states at {@code pointer}, compiled; read like {@link #inputEnum}. */
    public Pattern inputPattern(String pointer) {
        JsonNode p = input.at(pointer).path("pattern");
        if (!p.isTextual()) {
            throw new SpecException(name + ": no pattern at input" + pointer + ", which the server reads");
        }
        return Pattern.compile(p.asText());
    }
}
