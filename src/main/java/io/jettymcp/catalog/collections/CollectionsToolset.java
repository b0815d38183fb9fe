package io.jettymcp.catalog.collections;

import io.jettymcp.spec.ToolSpec;
import io.jettymcp.tool.ToolContext;
import io.jettymcp.tool.ToolHandler;

import java.util.Map;
import java.util.function.Function;

/** The handlers of {@code tool-specs/collections/}; get-collection is a plain REST mapping. */
public final class CollectionsToolset {

    private CollectionsToolset() {
    }

    public static Map<String, ToolHandler> handlers(ToolContext ctx, Function<String, ToolSpec> spec) {
        CollectionTools collections = new CollectionTools(ctx);
        return Map.of(
                "list-collections", collections::list,
                "create-collection", collections::create);
    }
}
