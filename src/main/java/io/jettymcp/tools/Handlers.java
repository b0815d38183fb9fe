package io.jettymcp.tools;

import io.jettymcp.spec.SpecException;
import io.jettymcp.spec.ToolSpec;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The named Java handlers that tool specs can refer to with {@code "handler": "<name>"}. Handlers that need a
 * fact the specs state (an enum, a pattern) are given the spec to read it from, so the fact is stated once.
 */
public final class Handlers {

    private Handlers() {
    }

    /** {@code specs}: the loaded catalog, whose facts some handlers read. */
    public static Map<String, ToolHandler> all(ToolContext ctx, List<ToolSpec> specs) {
        Function<String, ToolSpec> spec = name -> specs.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new SpecException("No tool spec '" + name + "', whose facts a handler reads."));
        Map<String, ToolHandler> m = new TreeMap<>();
        ContextTools context = new ContextTools(ctx);
        CollectionTools collections = new CollectionTools(ctx);
        TaskTools tasks = new TaskTools(ctx);
        m.put("whoami", context::whoami);
        m.put("list-collections", collections::list);
        m.put("create-collection", collections::create);
        m.put("search-tasks", tasks::search);
        TrajectoryReader reader = new TrajectoryReader(ctx);
        TrajectoryWaiter waiter = new TrajectoryWaiter(reader);
        RunTools runs = new RunTools(ctx, waiter);
        TrajectoryTools trajectories = new TrajectoryTools(ctx, waiter);
        FileTools files = new FileTools(ctx);
        m.put("run-task", ToolHandler.prechecked(runs::precheck, runs::run));
        m.put("wait-for-trajectory", trajectories::await);
        m.put("list-trajectories", trajectories::list);
        m.put("get-trajectory", trajectories::get);
        m.put("get-workflow-logs", trajectories::logs);
        m.put("set-trajectory-status", trajectories::setStatus);
        m.put("add-label", trajectories::addLabel);
        m.put("upload-file", ToolHandler.prechecked(files::precheckUpload, files::upload));
        m.put("download-file", ToolHandler.prechecked(files::precheckDownload, files::download));
        m.put("list-files", files::list);
        m.put("validate-workflow", tasks::validate);
        m.put("diagnose-trajectory", new Diagnosis(ctx.mapper(), reader)::diagnose);
        EnvTools env = new EnvTools(ctx, spec.apply("check-secrets"));
        m.put("list-env-vars", env::list);
        m.put("check-secrets", ToolHandler.prechecked(env::precheckNames, env::check));
        m.put("set-env-vars", ToolHandler.prechecked(env::precheckVariables, env::set));
        m.put("delete-env-vars", ToolHandler.prechecked(env::precheckNames, env::delete));
        RoutineTools routines = new RoutineTools(ctx, spec.apply("create-routine"), spec.apply("update-routine"));
        m.put("list-routines", routines::list);
        m.put("get-routine", routines::get);
        m.put("create-routine", ToolHandler.prechecked(a -> routines.precheck(a, false), routines::create));
        m.put("update-routine", ToolHandler.prechecked(a -> routines.precheck(a, true), routines::update));
        m.put("delete-routine", routines::delete);
        m.put("pause-routine", routines::pause);
        m.put("resume-routine", routines::resume);
        m.put("run-routine-now", routines::runNow);
        m.put("list-routine-runs", routines::runs);
        RunbookTools runbooks = new RunbookTools(ctx, spec.apply("run-runbook"));
        m.put("run-runbook", ToolHandler.prechecked(runbooks::precheck, runbooks::run));
        return m;
    }
}
