package io.jettymcp.spec;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A toolset: a folder of {@code tool-specs/} that {@code --toolsets} selects as a whole, with the one line that
 * tells a person what it is for. The one list of toolsets; {@code --help} and the README show these lines.
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

    /** The toolset names, in the order above. */
    public static Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        ALL.forEach(t -> names.add(t.name()));
        return names;
    }
}
