package io.jettymcp.catalog.context;

import io.jettymcp.spec.ToolSpec;
import io.jettymcp.tool.ToolContext;
import io.jettymcp.tool.ToolHandler;

import java.util.Map;
import java.util.function.Function;

/** The handlers of {@code tool-specs/context/}. */
public final class ContextToolset {

    private ContextToolset() {
    }

    public static Map<String, ToolHandler> handlers(ToolContext ctx, Function<String, ToolSpec> spec) {
        ContextTools context = new ContextTools(ctx);
        return Map.of("whoami", context::whoami);
    }
}
