package io.jettymcp.e2e;

import io.jettymcp.e2e.support.SandboxTest;
import io.jettymcp.e2e.support.ServerProcess;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * jetty-api.md §7 E3: with JETTY_COLLECTIONS set in the process's environment, the packaged server never asks
 * whoami. What whoami answers and how it is cached is checked in-process by
 * {@code io.jettymcp.catalog.context.ContextToolsetTest}; this stays here because the variable is read at start-up.
 */
class WhoamiE2ETest extends SandboxTest {

    @Test
    void withJettyCollectionsNoWhoamiIsEverRequested() {
        try (ServerProcess s = demoServer().env("JETTY_COLLECTIONS", "demo").start()) {
            sandbox.requests().clear();
            assertThat(s.ok("get-task", Map.of("task", "text-echo")).path("name").asText()).isEqualTo("text-echo");
            assertThat(s.ok("list-tasks", Map.of()).toString()).contains("text-echo");
            assertThat(s.ok("list-collections", Map.of()).toString()).contains("demo");
            s.ok("search-tasks", Map.of("query", "echo"));
            assertThat(sandbox.requests().all()).as("requests made").isNotEmpty();
            assertThat(sandbox.requests().matching("GET", "/api/v1/auth/whoami")).isEmpty();
        }
    }
}
