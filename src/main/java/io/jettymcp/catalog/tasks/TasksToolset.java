package io.jettymcp.catalog.tasks;

import io.jettymcp.spec.ToolSpec;
import io.jettymcp.tool.ToolContext;
import io.jettymcp.tool.ToolHandler;

import java.util.Map;
import java.util.function.Function;

/** The handlers of {@code tool-specs/tasks/}; list, get, create, update and delete are plain REST mappings. */
public final class TasksToolset {

    private TasksToolset() {
    }

    public static Map<String, ToolHandler> handlers(ToolContext ctx, Function<String, ToolSpec> spec) {
        TaskTools tasks = new TaskTools(ctx);
        return Map.of(
                "search-tasks", tasks::search,
                "validate-workflow", tasks::validate);
    }
}
