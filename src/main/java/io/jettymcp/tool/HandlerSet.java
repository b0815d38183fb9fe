package io.jettymcp.tool;

import io.jettymcp.spec.ToolSpec;

import java.util.Map;
import java.util.function.Function;

/**
 * A toolset's Java handlers, keyed by the tool names its specs give in {@code "handler"}. {@code spec} looks up a
 * loaded spec by tool name, for handlers that read a fact (an enum, a pattern) the spec states, so it is stated once.
 */
@FunctionalInterface
public interface HandlerSet {

    Map<String, ToolHandler> handlers(ToolContext ctx, Function<String, ToolSpec> spec);
}
