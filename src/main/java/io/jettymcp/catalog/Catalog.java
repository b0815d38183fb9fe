package io.jettymcp.catalog;

import io.jettymcp.catalog.collections.CollectionsToolset;
import io.jettymcp.catalog.context.ContextToolset;
import io.jettymcp.catalog.environment.EnvironmentToolset;
import io.jettymcp.catalog.files.FilesToolset;
import io.jettymcp.catalog.routines.RoutinesToolset;
import io.jettymcp.catalog.runs.RunsToolset;
import io.jettymcp.catalog.tasks.TasksToolset;
import io.jettymcp.catalog.trajectories.TrajectoriesToolset;
import io.jettymcp.spec.SpecException;
import io.jettymcp.spec.ToolSpec;
import io.jettymcp.tool.HandlerSet;
import io.jettymcp.tool.ToolContext;
import io.jettymcp.tool.ToolHandler;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The Java half of the tool catalog. {@code tool-specs/<toolset>/<tool>.json} says what a tool takes and answers;
 * a tool whose spec names a {@code handler} has its code in the package {@code catalog.<toolset>}, whose
 * {@code <Toolset>Toolset} class lists its handlers. The folders data, step-templates and trial have none: their
 * tools are plain REST mappings, run by {@link io.jettymcp.tool.RestHandler} from the spec alone.
 *
 * <p>The {@code <Name>Toolset} classes share one shape on purpose (a pair {@code duplicates} lists): each is the one
 * place that lists its folder's handlers, so a reader of a spec finds its code in one step.
 */
public final class Catalog {

    /** Each toolset folder with Java handlers, and where they are listed. */
    public static final Map<String, HandlerSet> TOOLSETS = Map.of(
            "collections", CollectionsToolset::handlers,
            "context", ContextToolset::handlers,
            "environment", EnvironmentToolset::handlers,
            "files", FilesToolset::handlers,
            "routines", RoutinesToolset::handlers,
            "runs", RunsToolset::handlers,
            "tasks", TasksToolset::handlers,
            "trajectories", TrajectoriesToolset::handlers);

    private Catalog() {
    }

    /** Every handler of every toolset, keyed by tool name. {@code specs}: the loaded catalog, whose facts some read. */
    public static Map<String, ToolHandler> handlers(ToolContext ctx, List<ToolSpec> specs) {
        Map<String, ToolHandler> all = new TreeMap<>();
        byToolset(ctx, specs).values().forEach(all::putAll);
        return all;
    }

    /** The handlers, grouped by the toolset folder that lists them. */
    public static Map<String, Map<String, ToolHandler>> byToolset(ToolContext ctx, List<ToolSpec> specs) {
        Function<String, ToolSpec> spec = name -> specs.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new SpecException("No tool spec '" + name + "', whose facts a handler reads."));
        Map<String, Map<String, ToolHandler>> out = new TreeMap<>();
        TOOLSETS.forEach((toolset, set) -> out.put(toolset, set.handlers(ctx, spec)));
        return out;
    }
}
