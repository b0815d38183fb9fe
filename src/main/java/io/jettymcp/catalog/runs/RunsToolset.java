package io.jettymcp.catalog.runs;

import io.jettymcp.catalog.trajectories.TrajectoryReader;
import io.jettymcp.catalog.trajectories.TrajectoryWaiter;
import io.jettymcp.spec.ToolSpec;
import io.jettymcp.tool.ToolContext;
import io.jettymcp.tool.ToolHandler;

import java.util.Map;
import java.util.function.Function;

/** The handlers of {@code tool-specs/runs/}: the two ways to start a run, and waiting for one. */
public final class RunsToolset {

    private RunsToolset() {
    }

    public static Map<String, ToolHandler> handlers(ToolContext ctx, Function<String, ToolSpec> spec) {
        TrajectoryWaiter waiter = new TrajectoryWaiter(new TrajectoryReader(ctx), ctx.waits());
        RunTools runs = new RunTools(ctx, waiter);
        RunbookTools runbooks = new RunbookTools(ctx, spec.apply("run-runbook"));
        return Map.of(
                "run-task", ToolHandler.prechecked(runs::precheck, runs::run),
                "run-runbook", ToolHandler.prechecked(runbooks::precheck, runbooks::run),
                "wait-for-trajectory", runs::await);
    }
}
