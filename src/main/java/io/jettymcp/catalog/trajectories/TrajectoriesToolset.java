package io.jettymcp.catalog.trajectories;

import io.jettymcp.spec.ToolSpec;
import io.jettymcp.tool.ToolContext;
import io.jettymcp.tool.ToolHandler;

import java.util.Map;
import java.util.function.Function;

/** The handlers of {@code tool-specs/trajectories/}; get-stats is a plain REST mapping. */
public final class TrajectoriesToolset {

    private TrajectoriesToolset() {
    }

    public static Map<String, ToolHandler> handlers(ToolContext ctx, Function<String, ToolSpec> spec) {
        TrajectoryReader reader = new TrajectoryReader(ctx);
        TrajectoryTools trajectories = new TrajectoryTools(ctx, new TrajectoryWaiter(reader, ctx.waits()));
        return Map.of(
                "list-trajectories", trajectories::list,
                "get-trajectory", trajectories::get,
                "get-workflow-logs", trajectories::logs,
                "set-trajectory-status", trajectories::setStatus,
                "add-label", trajectories::addLabel,
                "diagnose-trajectory", new Diagnosis(ctx.mapper(), reader)::diagnose);
    }
}
