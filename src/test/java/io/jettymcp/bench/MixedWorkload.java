package io.jettymcp.bench;

import io.jettymcp.e2e.support.ServerProcess;
import io.modelcontextprotocol.spec.McpSchema;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A repeatable mix of tool calls a busy assistant makes: reads, searches, a bad argument, a
 * not-found, and (when the tools exist) runs with waits. Used by the soak benchmark and its smoke test.
 */
public final class MixedWorkload {

    public record Tally(long ok, long expectedErrors, long unexpected, String firstUnexpected) {
    }

    private final ServerProcess server;
    private final Set<String> tools;
    private long ok;
    private long expectedErrors;
    private long unexpected;
    private String firstUnexpected;

    public MixedWorkload(ServerProcess server) {
        this.server = server;
        this.tools = server.tools().stream().map(McpSchema.Tool::name).collect(Collectors.toSet());
    }

    /** One round of the mix. */
    public void round(int i) {
        expectOk("whoami", Map.of());
        expectOk("list-tasks", Map.of("limit", 20));
        expectOk("get-task", Map.of("task", "text-echo"));
        expectOk("search-tasks", Map.of("query", "echo"));
        expectOk("list-step-templates", Map.of());
        expectError("get-task", Map.of("task", "missing-" + i));
        expectError("list-tasks", Map.of("limit", "ten"));
        if (tools.contains("run-task") && i % 5 == 0) {
            expectOk("run-task", Map.of("task", "text-echo", "init_params", Map.of("text", "soak " + i)));
        }
        if (tools.contains("list-trajectories")) {
            expectOk("list-trajectories", Map.of("task", "text-echo", "limit", 5));
        }
        if (tools.contains("list-env-vars")) {
            expectOk("list-env-vars", Map.of());
        }
    }

    private void expectOk(String tool, Map<String, Object> args) {
        McpSchema.CallToolResult r = server.call(tool, args);
        if (Boolean.TRUE.equals(r.isError())) {
            unexpected(tool + " failed: " + ServerProcess.text(r));
        } else {
            ok++;
        }
    }

    private void expectError(String tool, Map<String, Object> args) {
        McpSchema.CallToolResult r = server.call(tool, args);
        if (Boolean.TRUE.equals(r.isError())) {
            expectedErrors++;
        } else {
            unexpected(tool + " unexpectedly succeeded");
        }
    }

    private void unexpected(String what) {
        unexpected++;
        if (firstUnexpected == null) {
            firstUnexpected = what;
        }
    }

    public Tally tally() {
        return new Tally(ok, expectedErrors, unexpected, firstUnexpected);
    }

    public static List<String> describe() {
        return List.of("whoami", "list-tasks", "get-task", "search-tasks", "list-step-templates",
                "get-task (404)", "list-tasks (bad argument)", "run-task (every 5th round)", "list-trajectories", "list-env-vars");
    }
}
