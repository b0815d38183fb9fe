package io.jettymcp.e2e;

import io.jettymcp.e2e.support.ServerProcess;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The token never appears in any result, error or stderr line, even when Jetty echoes it back. */
class RedactionE2ETest {

    static SandboxServer sandbox;
    static ServerProcess server;

    @BeforeAll
    static void start() {
        sandbox = SandboxServer.start(SandboxOptions.defaults());
        sandbox.switches().echoSecretsInErrors(true);
        server = ServerProcess.builder().sandbox(sandbox.baseUrl(), SandboxSeeds.DEMO_TOKEN).start();
    }

    @AfterAll
    static void stop() {
        server.close();
        sandbox.close();
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
