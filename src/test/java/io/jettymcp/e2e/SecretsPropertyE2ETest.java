package io.jettymcp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.e2e.support.DemoServerTest;
import io.jettymcp.e2e.support.ServerProcess;
import io.jettymcp.sandbox.SandboxSeeds;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The secrets property over every listed tool: the sandbox echoes the token and env values in its
 * error details and logs, task text carries key-shaped strings, runs echo secret params and webhook
 * secrets through their outputs; after calling every tool (successes and failures alike), no secret
 * appears in any result, error, progress notification, resource or stderr line.
 */
class SecretsPropertyE2ETest extends DemoServerTest {

    static final String ENV_SECRET = "correct-horse-battery-staple-42";
    static final String SET_SECRET = "set-through-the-tool-secret-777";
    static final String SECRET_PARAM = "param-secret-value-0042-qq";
    static final String WEBHOOK_SECRET = "webhook-signing-secret-0099-zz";
    static final String KEY_LIKE = "sk-ant-api03-PROPERTYTESTKEY0123456789abc";

    static List<String> secrets() {
        return List.of(SandboxSeeds.DEMO_TOKEN, "sandboxDemoKey7f3a9c21e4b8", ENV_SECRET, SET_SECRET, SECRET_PARAM,
                WEBHOOK_SECRET, KEY_LIKE, SandboxSeeds.DEMO_OPENROUTER_KEY);
    }

    /** Tools that change what later calls see run last, in this order. */
    static final List<String> LAST = List.of("set-trajectory-status", "delete-routine", "delete-env-vars", "delete-task");

    /** every notifications/progress the server sent */
    final List<McpSchema.ProgressNotification> progress = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    protected ServerProcess.Builder configure(ServerProcess.Builder builder) {
        sandbox.switches().echoSecretsInErrors(true);
        rest("PATCH", "/api/v1/collections/demo/environment",
                "{\"environment_variables\":{\"DB_PASSWORD\":\"" + ENV_SECRET + "\"}}");
        rest("PUT", "/api/v1/tasks/demo/judge", "{\"description\":\"Judge with " + KEY_LIKE + " for "
                + SandboxSeeds.DEMO_TOKEN + " and " + ENV_SECRET + "\"}");
        // a run of this task fails with an error that quotes an env value: "No step registered for '…'"
        rest("POST", "/api/v1/tasks/demo", "{\"name\":\"leaky\",\"description\":\"fails\",\"workflow\":{\"init_params\":{},"
                + "\"steps\":[\"boom\"],\"step_configs\":{\"boom\":{\"activity\":\"no_such_" + ENV_SECRET + "\"}}}}");
        return builder.progress(progress::add);
    }

    @Test
    void noSecretReachesAnyOutputOfAnyTool() throws Exception {
        Set<String> listed = new TreeSet<>();
        server.tools().forEach(t -> listed.add(t.name()));
        List<String> outputs = new ArrayList<>();
        Set<String> covered = new TreeSet<>();
        Path local = Files.writeString(server.home().resolve("notes.txt"), "local file " + SECRET_PARAM);

        String trajectory = "00000000";
        if (listed.contains("set-env-vars")) {
            outputs.add(call("set-env-vars", Map.of("variables", Map.of("PROP_SECRET", SET_SECRET)), covered));
        }
        if (listed.contains("run-task")) {
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("task", "text-echo");
            args.put("init_params", Map.of("text", "echo " + SECRET_PARAM + " " + WEBHOOK_SECRET + " " + KEY_LIKE + " "
                    + ENV_SECRET + " " + SandboxSeeds.DEMO_TOKEN));
            args.put("secret_params", Map.of("API_PASSWORD", SECRET_PARAM));
            args.put("webhook_url", "http://127.0.0.1:9/hook");
            args.put("webhook_secret", WEBHOOK_SECRET);
            args.put("wait_seconds", 30);
            McpSchema.CallToolResult r = server.callWithProgress("run-task", args, "prop-run");
            covered.add("run-task");
            outputs.add(ServerProcess.text(r));
            JsonNode j = ServerProcess.json(r);
            trajectory = j.path("trajectory_id").asText(j.path("trajectory").path("trajectory_id").asText(trajectory));
        }
        if (listed.contains("create-routine")) {
            outputs.add(call("create-routine", Map.of("task", "text-echo", "name", "prop-routine",
                    "cadence", Map.of("type", "manual"), "secret_params", Map.of("P", SECRET_PARAM),
                    "webhook_url", "http://127.0.0.1:9/hook", "webhook_secret", WEBHOOK_SECRET), covered));
        }
        List<String> order = new ArrayList<>(listed);
        order.removeAll(LAST);
        order.addAll(LAST.stream().filter(listed::contains).toList());
        for (String tool : order) {
            if (covered.contains(tool)) {
                continue;
            }
            Map<String, Object> args = fixture(tool, trajectory, local);
            if (args != null) {
                outputs.add(call(tool, args, covered));
            }
        }
        for (McpSchema.Resource r : server.client().listResources().resources()) {
            outputs.add(server.client().readResource(new McpSchema.ReadResourceRequest(r.uri())).toString());
        }
        outputs.add(server.client().readResource(new McpSchema.ReadResourceRequest("jetty://tasks/demo/judge")).toString());

        // a failed run waited on with a progress token: its error (quoting an env value) ends the progress
        McpSchema.CallToolResult failed = server.callWithProgress("run-task", Map.of("task", "leaky", "wait_seconds", 30),
                "prop-fail");
        outputs.add(ServerProcess.text(failed));
        assertThat(ServerProcess.text(failed)).as("the run failed with the quoted value").contains("failed", "[REDACTED]");
        // the SDK client hands notifications to their consumer on its own threads: the last one may follow the result
        for (int i = 0; i < 250 && progress.stream().noneMatch(n -> n.message() != null && n.message().startsWith("failed")); i++) {
            Thread.sleep(20);
        }
        assertThat(progress).as("progress of the failed run")
                .anySatisfy(n -> assertThat(n.message()).startsWith("failed").contains("[REDACTED]"));
        progress.forEach(n -> outputs.add(n.message()));

        assertThat(covered).as("every listed tool is exercised").containsAll(listed);
        String all = String.join("\n", outputs);
        assertThat(all).as("the sandbox really echoed secret-bearing text").contains("[REDACTED]");
        String stderr = String.join("\n", server.stderr());
        for (String secret : secrets()) {
            assertThat(all).as("outputs contain " + secret).doesNotContain(secret);
            assertThat(stderr).as("stderr contains " + secret).doesNotContain(secret);
        }
    }

    private String call(String tool, Map<String, Object> args, Set<String> covered) {
        McpSchema.CallToolResult r = server.call(tool, args);
        covered.add(tool);
        return ServerProcess.text(r) + (r.structuredContent() == null ? "" : r.structuredContent().toString());
    }

    /** Plausible arguments for each tool; null when the tool cannot be called meaningfully here. */
    static Map<String, Object> fixture(String tool, String trajectory, Path local) {
        Map<String, Object> wf = Map.of("init_params", Map.of("text", "x"), "steps", List.of("echo"),
                "step_configs", Map.of("echo", Map.of("activity", "text_echo", "text_path", "init_params.text")));
        return switch (tool) {
            case "whoami", "list-collections", "get-collection", "list-step-templates", "list-env-vars", "list-datasets",
                 "list-models", "get-trial-status", "activate-trial", "list-routines" -> Map.of();
            case "create-collection" -> Map.of("name", "prop-collection");
            case "list-tasks" -> Map.of("include_workflows", true);
            case "get-task" -> Map.of("task", "judge"); // its description carries a key, the token and an env value
            case "get-stats", "list-trajectories" -> Map.of("task", "text-echo");
            case "search-tasks" -> Map.of("query", "judge");
            case "create-task" -> Map.of("name", "prop-task", "workflow", wf);
            case "update-task" -> Map.of("task", "prop-task", "description", "still " + KEY_LIKE);
            case "delete-task" -> Map.of("task", "prop-task");
            case "validate-workflow" -> Map.of("task", "judge");
            case "get-step-template" -> Map.of("name", "text_echo");
            case "get-trajectory", "get-workflow-logs", "wait-for-trajectory", "diagnose-trajectory" ->
                    Map.of("task", "text-echo", "trajectory_id", trajectory);
            case "add-label" -> Map.of("task", "text-echo", "trajectory_id", trajectory, "key", "note", "value", KEY_LIKE);
            case "set-trajectory-status" -> Map.of("task", "text-echo", "trajectory_ids", List.of(trajectory), "status", "archived");
            case "check-secrets" -> Map.of("names", List.of("DB_PASSWORD", "PROP_SECRET", "MISSING_ONE"));
            case "delete-env-vars" -> Map.of("names", List.of("PROP_SECRET"));
            case "set-env-vars" -> Map.of("variables", Map.of("PROP_SECRET", SET_SECRET));
            case "get-routine", "pause-routine", "resume-routine", "run-routine-now", "list-routine-runs", "delete-routine" ->
                    Map.of("task", "text-echo", "name", "prop-routine");
            case "update-routine" -> Map.of("task", "text-echo", "name", "prop-routine", "webhook_secret", WEBHOOK_SECRET);
            case "list-files" -> Map.of("prefix", "demo/text-echo");
            case "download-file" -> Map.of("path", "demo/text-echo/0000/missing.txt", "inline", true);
            case "upload-file" -> Map.of("paths", List.of(local.toString()));
            case "run-runbook" -> Map.of("task", "pdf-amber-hawk", "model", "anthropic/claude-sonnet-4.6",
                    "runbook", "---\nagent: claude-code\nmodel: anthropic/claude-sonnet-4.6\n---\nWrite " + SECRET_PARAM
                            + " to results/out.txt.\n");
            default -> null;
        };
    }
}
