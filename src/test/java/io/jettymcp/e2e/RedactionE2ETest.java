package io.jettymcp.e2e;

import io.jettymcp.e2e.support.DemoServerTest;
import io.jettymcp.e2e.support.ServerProcess;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.sandbox.SandboxSeeds;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The token never appears in any result, error or stderr line, even when Jetty echoes it back. */
class RedactionE2ETest extends DemoServerTest {


    @Override
    protected ServerProcess.Builder configure(ServerProcess.Builder builder) {
        sandbox.switches().echoSecretsInErrors(true);
        seedEnv("DB_PASSWORD", ENV_SECRET);
        return builder;
    }


    static final String ENV_SECRET = "correct-horse-battery-staple-42";

    /** Seeds a secret env value straight through the sandbox's REST API (not through the MCP server). */
    void seedEnv(String name, String value) {
        rest("PATCH", "/api/v1/collections/demo/environment", "{\"environment_variables\":{\"" + name + "\":\"" + value + "\"}}");
    }

    @Test
    void envValuesJettyEchoesAreRedactedAlthoughNoEnvToolWasCalled() {
        String err = server.error("get-task", Map.of("task", "still-missing"));
        assertThat(err).contains("404").doesNotContain(ENV_SECRET);
        assertThat(String.join("\n", server.stderr())).doesNotContain(ENV_SECRET);
    }

    @Test
    void tokenEchoedByJettyInAnErrorIsRedacted() {
        String err = server.error("get-task", Map.of("task", "missing-task"));
        assertThat(err).contains("404").doesNotContain(SandboxSeeds.DEMO_TOKEN).doesNotContain("sandboxDemoKey");
        String five = "";
        sandbox.faults().add(FaultRule.status("GET", "/api/v1/tasks/demo/text-echo", 500)
                .withBody("{\"detail\":\"boom for Bearer " + SandboxSeeds.DEMO_TOKEN + " and " + SandboxSeeds.DEMO_TOKEN + "\"}"));
        try {
            five = server.error("get-task", Map.of("task", "text-echo"));
        } finally {
            sandbox.faults().clear();
        }
        assertThat(five).contains("500").doesNotContain("sandboxDemoKey");
        assertThat(server.ok("whoami", Map.of()).toString()).doesNotContain("sandboxDemoKey");
        assertThat(String.join("\n", server.stderr())).doesNotContain("sandboxDemoKey");
    }
}
