package io.jettymcp.catalog.routines;

import io.jettymcp.spec.ToolSpec;
import io.jettymcp.tool.ToolContext;
import io.jettymcp.tool.ToolHandler;

import java.util.Map;
import java.util.function.Function;

/** The handlers of {@code tool-specs/routines/}. */
public final class RoutinesToolset {

    private RoutinesToolset() {
    }

    public static Map<String, ToolHandler> handlers(ToolContext ctx, Function<String, ToolSpec> spec) {
        RoutineTools routines = new RoutineTools(ctx, spec.apply("create-routine"), spec.apply("update-routine"));
        return Map.of(
                "list-routines", routines::list,
                "get-routine", routines::get,
                "create-routine", ToolHandler.prechecked(a -> routines.precheck(a, false), routines::create),
                "update-routine", ToolHandler.prechecked(a -> routines.precheck(a, true), routines::update),
                "delete-routine", routines::delete,
                "pause-routine", routines::pause,
                "resume-routine", routines::resume,
                "run-routine-now", routines::runNow,
                "list-routine-runs", routines::runs);
    }
}
