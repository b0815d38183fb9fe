package io.jettymcp.e2e;

import io.jettymcp.e2e.support.SandboxTest;
import io.jettymcp.e2e.support.ServerProcess;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.sandbox.SandboxSeeds;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.jettymcp.e2e.support.ServerProcess.args;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * No env value, secret param or webhook secret appears in any output of any environment, routines,
 * trial, data or runbook tool once the server has seen it — even when Jetty echoes the collection's
 * environment in its error texts (echoSecretsInErrors) or returns a routine with its secrets.
 */
class SecretLeakE2ETest extends SandboxTest {

    static final String DIRECT = "directsecret-Pl0kmijnUhb";   // set behind the server's back, learnt by reading
    static final String ENV = "envsecret-Xq9w8e7r6t5y";        // set through set-env-vars
    static final String PARAM = "secretparam-Zx7c6v5b4n3m";    // a routine's secret_params value
    static final String HOOK = "whsecret-Aa1Bb2Cc3Dd4Ee";       // a routine's webhook_secret
    static final String ECHOED_PARAM = "echoed-param-Qq1Ww2Ee3";  // only ever seen in a Jetty answer
    static final List<String> SECRETS = List.of(DIRECT, ENV, PARAM, HOOK, ECHOED_PARAM, SandboxSeeds.DEMO_OPENROUTER_KEY);
    static final Set<String> MINE = Set.of("environment", "routines", "trial", "data");

    ServerProcess server;

    @BeforeAll
    void start() {
        sandbox.switches().echoSecretsInErrors(true);
        rest("PATCH", "/api/v1/collections/demo/environment", "{\"environment_variables\":{\"DIRECT_KEY\":\"" + DIRECT + "\"}}");
        server = demoServer().start();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void noSecretAppearsInAnyResultErrorOrLogLine() {
        List<String> outputs = new ArrayList<>();
        Set<String> called = new TreeSet<>();
        java.util.function.BiConsumer<String, Map<String, Object>> call = (tool, a) -> {
            McpSchema.CallToolResult r = server.call(tool, a);
            outputs.add(tool + " -> " + ServerProcess.text(r));
            if (r.structuredContent() != null) {
                outputs.add(String.valueOf(r.structuredContent()));
            }
            called.add(tool);
        };
        Map<String, Object> rb = args("task", "text-echo", "name", "leaky");
        // the server learns DIRECT by reading the environment, then sees the others as arguments
        call.accept("list-env-vars", Map.of());
        call.accept("set-env-vars", Map.of("variables", Map.of("ENV_KEY", ENV)));
        call.accept("check-secrets", Map.of("names", List.of("ENV_KEY", "DIRECT_KEY", "MISSING_KEY")));
        call.accept("create-routine", args("task", "text-echo", "name", "leaky", "cadence", Map.of("type", "hourly"),
                "init_params_overrides", Map.of("text", "hi"), "secret_params", Map.of("API_TOKEN", PARAM),
                "webhook_url", "http://127.0.0.1:9/hook", "webhook_secret", HOOK));
        call.accept("get-routine", rb);
        call.accept("list-routines", Map.of());
        call.accept("update-routine", args("task", "text-echo", "name", "leaky", "secret_params", Map.of("API_TOKEN", PARAM),
                "webhook_secret", HOOK, "paused", false));
        call.accept("pause-routine", rb);
        call.accept("resume-routine", rb);
        call.accept("run-routine-now", rb);
        call.accept("list-routine-runs", rb);
        call.accept("get-trial-status", Map.of());
        call.accept("activate-trial", Map.of());
        call.accept("list-datasets", Map.of("full", true));
        call.accept("list-models", Map.of("full", true));
        call.accept("run-runbook", args("task", "rb-leak", "runbook", "---\nmodel: anthropic/claude-sonnet-4.6\n"
                + "model_provider: openrouter\nsecrets: [ENV_KEY]\n---\nRead. Write summary.md."));
        // errors whose Jetty detail echoes the whole collection environment
        Map<String, Object> missing = args("task", "text-echo", "name", "missing");
        for (String tool : List.of("get-routine", "pause-routine", "resume-routine", "run-routine-now", "list-routine-runs",
                "delete-routine")) {
            call.accept(tool, missing);
        }
        call.accept("update-routine", args("task", "text-echo", "name", "missing", "webhook_secret", HOOK));
        call.accept("create-routine", args("task", "no-task", "name", "x", "cadence", Map.of("type", "manual"),
                "secret_params", Map.of("API_TOKEN", PARAM)));
        call.accept("list-routines", Map.of("task", "no-task"));
        call.accept("run-runbook", args("task", "rb-leak", "runbook", "---\nmodel: anthropic/claude-sonnet-4.6\n"
                + "model_provider: openrouter\nsecrets: [NOT_THERE]\n---\nRead."));
        // a Jetty that echoes secrets in a routine
        sandbox.faults().add(FaultRule.status("GET", "/api/v1/routines/demo/text-echo/echo", 200).withBody(
                "{\"name\":\"echo\",\"secret_params\":{\"API_TOKEN\":\"" + ECHOED_PARAM + "\"},\"webhook_secret\":\"" + HOOK
                        + "\",\"nested\":{\"secret_params\":{\"B\":\"" + ECHOED_PARAM + "\"}}}"));
        call.accept("get-routine", args("task", "text-echo", "name", "echo"));
        sandbox.faults().clear();
        call.accept("delete-env-vars", Map.of("names", List.of("ENV_KEY")));
        call.accept("delete-routine", rb);

        Set<String> mine = new TreeSet<>();
        server.tools().stream().filter(t -> MINE.contains(toolset(t.name())) || t.name().equals("run-runbook"))
                .forEach(t -> mine.add(t.name()));
        assertThat(called).containsAll(mine);
        assertThat(mine).hasSize(18);

        String all = String.join("\n", outputs);
        // the echoing errors did come back, with the environment's values masked
        assertThat(all).contains("Routine 'missing' not found").contains("DIRECT_KEY=[REDACTED]");
        assertThat(all).contains("secret_param_names");
        for (String s : SECRETS) {
            assertThat(all).as("results leak " + s).doesNotContain(s);
            assertThat(String.join("\n", server.stderr())).as("stderr leaks " + s).doesNotContain(s);
        }
        // the seeding PATCH above, set-env-vars and delete-env-vars
        assertThat(sandbox.requests().matching("PATCH", "/api/v1/collections/demo/environment")).hasSize(3);
    }

    private String toolset(String tool) {
        return switch (tool) {
            case "list-env-vars", "check-secrets", "set-env-vars", "delete-env-vars" -> "environment";
            case "get-trial-status", "activate-trial" -> "trial";
            case "list-datasets", "list-models" -> "data";
            default -> tool.contains("routine") ? "routines" : "other";
        };
    }
}
