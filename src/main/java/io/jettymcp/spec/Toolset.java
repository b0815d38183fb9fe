package io.jettymcp.spec;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A toolset: a folder of {@code tool-specs/} that {@code --toolsets} selects as a whole, with the one line that
 * tells a person what it is for. The one list of toolsets; {@code --help} and the README show these lines. Besides
 * the toolsets, {@code --toolsets} knows {@value #EVERY} and {@value #DEFAULT}.
 */
public record Toolset(String name, String description) {

    public static final List<Toolset> ALL = List.of(
            new Toolset("context", "who the token is and which collection it works in"),
            new Toolset("collections", "list, read and create collections"),
            new Toolset("tasks", "create, find, read, change and delete tasks; validate a workflow"),
            new Toolset("runs", "run a task or a runbook and wait for the trajectory"),
            new Toolset("trajectories", "list, read, diagnose and label runs (trajectories), set their status; logs and statistics"),
            new Toolset("files", "list, upload and download files in a collection's storage"),
            new Toolset("step-templates", "the step templates a workflow can use"),
            new Toolset("environment", "a collection's environment variables and secrets"),
            new Toolset("routines", "scheduled runs of a task: create, change, pause, resume, run now"),
            new Toolset("trial", "the free trial: its status and activation"),
            new Toolset("data", "a collection's datasets and trained models"));

    /** Selects every toolset. */
    public static final String EVERY = "all";

    /** Selects every tool but {@link #OUTSIDE_DEFAULT}; what a server started without {@code --toolsets} or JETTY_TOOLSETS lists. */
    public static final String DEFAULT = io.jettymcp.config.Settings.DEFAULT_TOOLSET;

    /**
     * The tools the lean default leaves out (docs/token-economy.md): every other tool is in it, which covers every
     * capability of the official jetty-mcp-server plus whoami, wait-for-trajectory, diagnose-trajectory,
     * validate-workflow and list-env-vars, within the official server's tools/list size. Each of these is one flag
     * away: {@code --toolsets all}, or {@code --toolsets default,<its toolset>}.
     */
    public static final List<String> OUTSIDE_DEFAULT = List.of("create-collection", "search-tasks", "delete-task",
            "run-runbook", "get-workflow-logs", "set-trajectory-status", "list-files", "upload-file", "download-file",
            "delete-env-vars", "list-datasets", "list-models");

    /** Whether {@value #DEFAULT} lists the tool. */
    public static boolean inDefault(String tool) {
        return !OUTSIDE_DEFAULT.contains(tool);
    }

    /** The toolset names, in the order above. */
    public static Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        ALL.forEach(t -> names.add(t.name()));
        return names;
    }
}
