package io.jettymcp.catalog.environment;

import io.jettymcp.spec.ToolSpec;
import io.jettymcp.tool.ToolContext;
import io.jettymcp.tool.ToolHandler;

import java.util.Map;
import java.util.function.Function;

/** The handlers of {@code tool-specs/environment/}: every one answers with names only, never values. */
public final class EnvironmentToolset {

    private EnvironmentToolset() {
    }

    public static Map<String, ToolHandler> handlers(ToolContext ctx, Function<String, ToolSpec> spec) {
        EnvTools env = new EnvTools(ctx, spec.apply("check-secrets"));
        return Map.of(
                "list-env-vars", env::list,
                "check-secrets", ToolHandler.prechecked(env::precheckNames, env::check),
                "set-env-vars", ToolHandler.prechecked(env::precheckVariables, env::set),
                "delete-env-vars", ToolHandler.prechecked(env::precheckNames, env::delete));
    }
}
