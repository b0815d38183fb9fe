package io.jettymcp.e2e;

import io.jettymcp.e2e.support.RawStdio;
import io.jettymcp.e2e.support.ServerProcess;
import io.jettymcp.e2e.support.SandboxTest;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Start-up configuration: no token, token file in $HOME, toolset filters, read-only, CLI errors. */
class ConfigE2ETest extends SandboxTest {

    @TempDir
    Path home;

    @Test
    void withoutATokenTheServerStartsAndSaysHowToSetOne() {
        try (ServerProcess s = serverFor(null).home(home).start()) {
            sandbox.requests().clear();
            String err = s.error("list-tasks", Map.of("collection", "demo"));
            assertThat(err).contains("JETTY_API_TOKEN").contains("~/.config/jetty/token");
            assertThat(sandbox.requests().count()).isZero();
            // step templates need no token
            assertThat(s.ok("list-step-templates", Map.of()).path("count").asInt()).isPositive();
        }
    }

    @Test
    void tokenIsReadFromHomeConfig() throws Exception {
        Files.createDirectories(home.resolve(".config/jetty"));
        Files.writeString(home.resolve(".config/jetty/token"), io.jettymcp.sandbox.SandboxSeeds.ACME_TOKEN + "\n");
        try (ServerProcess s = serverFor(null).home(home).start()) {
            assertThat(s.ok("whoami", Map.of()).path("collection_scope").asText()).isEqualTo("acme");
            assertThat(s.ok("whoami", Map.of()).path("token_source").asText()).isEqualTo("~/.config/jetty/token");
        }
    }

    @Test
    void toolsetsAndReadOnlyFilterTheCatalog() {
        try (ServerProcess s = serverFor(null).home(home)
                .args("--toolsets", "tasks,context", "--read-only", "--exclude-tools", "search-tasks").start()) {
            assertThat(s.tools()).extracting(McpSchema.Tool::name)
                    .containsExactlyInAnyOrder("whoami", "list-tasks", "get-task", "validate-workflow");
        }
        try (ServerProcess s = serverFor(null).home(home)
                .args("--tools", "get-task,whoami").start()) {
            assertThat(s.tools()).extracting(McpSchema.Tool::name).containsExactlyInAnyOrder("whoami", "get-task");
        }
    }

    @Test
    void unknownToolsetOrToolStopsStartUpClearly() throws Exception {
        refusedAtStart(new String[][]{{"--toolsets", "taskz"}, {"--tools", "run-everything"}},
                "Unknown toolset 'taskz'", "Unknown tool 'run-everything'");
    }

    /** Each argument list stops start-up with exit code 2 and one of the messages on stderr. */
    private void refusedAtStart(String[][] argLists, String... messages) throws Exception {
        for (String[] args : argLists) {
            try (RawStdio raw = new RawStdio(Map.of("JETTY_API_URL", sandbox.baseUrl()), home, args)) {
                assertThat(raw.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(raw.process().exitValue()).isEqualTo(2);
                Thread.sleep(200);
                assertThat(String.join("\n", raw.stderr())).containsAnyOf(messages);
            }
        }
    }

    @Test
    void theEmbeddedSandboxTakesTheProductionProfileAndRefusesUnknownOnes() throws Exception {
        try (ServerProcess s = ServerProcess.builder().home(home).args("--sandbox", "--sandbox-profile", "production").start()) {
            // production's whoami answers without the fields a scope is read from (E3)
            assertThat(s.ok("whoami", Map.of()).path("scope").asText()).isEqualTo("unknown");
            assertThat(s.ok("list-tasks", Map.of("collection", "demo")).toString()).contains("text-echo");
        }
        refusedAtStart(new String[][]{{"--sandbox", "--sandbox-profile", "staging"}, {"--sandbox-profile", "production"}},
                "Unknown sandbox profile 'staging'", "--sandbox-profile applies to the embedded sandbox only");
    }

    @Test
    void doctorChecksTokenScopeAndConnectionWithoutShowingTheToken() throws Exception {
        Map<String, String> env = Map.of("JETTY_API_URL", sandbox.baseUrl(),
                "JETTY_API_TOKEN", io.jettymcp.sandbox.SandboxSeeds.DEMO_TOKEN);
        try (RawStdio raw = new RawStdio(env, home, "doctor")) {
            String out = drain(raw);
            assertThat(raw.process().exitValue()).as(out).isZero();
            assertThat(out).contains("collection scope demo").contains("All checks passed")
                    .doesNotContain(io.jettymcp.sandbox.SandboxSeeds.DEMO_TOKEN);
        }
        try (RawStdio raw = new RawStdio(Map.of("JETTY_API_URL", sandbox.baseUrl(), "JETTY_API_TOKEN", "mlc_notARealKey00000000"),
                home, "doctor")) {
            assertThat(raw.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(raw.process().exitValue()).isEqualTo(1);
        }
        // a whoami that cannot answer is reported, not failed (jetty-api.md §7 E3)
        sandbox.switches().whoami(io.jettymcp.sandbox.SandboxSwitches.Whoami.ABSENT);
        try (RawStdio raw = new RawStdio(env, home, "doctor")) {
            String out = drain(raw);
            assertThat(raw.process().exitValue()).as(out).isZero();
            assertThat(out).contains("scope unknown").contains("404").contains("All checks passed");
        } finally {
            sandbox.switches().whoami(io.jettymcp.sandbox.SandboxSwitches.Whoami.NORMAL);
        }
    }

    @Test
    void checkProbesTheSandboxReadOnlyAndFailsAgainstBakerysRouteTable() throws Exception {
        Map<String, String> env = Map.of("JETTY_API_URL", sandbox.baseUrl(),
                "JETTY_API_TOKEN", io.jettymcp.sandbox.SandboxSeeds.DEMO_TOKEN);
        sandbox.requests().clear();
        try (RawStdio raw = new RawStdio(env, home, "check")) {
            String out = drain(raw);
            assertThat(raw.process().exitValue()).as(out).isZero();
            assertThat(out).contains("collection scope demo").contains("openapi.json     GET /openapi.json")
                    .contains("Check passed").doesNotContain("MISSING").doesNotContain(io.jettymcp.sandbox.SandboxSeeds.DEMO_TOKEN);
        }
        assertThat(sandbox.requests().all()).isNotEmpty().allSatisfy(q -> assertThat(q.method()).isEqualTo("GET"));
        String bakery = Path.of("src/test/resources/contract/openapi-bakery.json").toAbsolutePath().toString();
        try (RawStdio raw = new RawStdio(env, home, "check", "--openapi", bakery)) {
            String out = drain(raw);
            assertThat(raw.process().exitValue()).as(out).isEqualTo(1);
            assertThat(out).containsPattern("MISSING +POST +/api/v1/run/\\{collection}/\\{task} +not in openapi.json")
                    .containsPattern("ok +GET +/api/v1/tasks/\\{collection}/\\{task} ");
        }
    }

    private static String drain(RawStdio raw) throws Exception {
        assertThat(raw.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
        StringBuilder out = new StringBuilder();
        for (String l = raw.next(5); l != null; l = raw.next(1)) {
            out.append(l).append('\n');
        }
        return out.toString();
    }

    @Test
    void helpAndVersionPrintOnStdoutAndExit() throws Exception {
        try (RawStdio raw = new RawStdio(Map.of(), home, "--version")) {
            assertThat(raw.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(raw.process().exitValue()).isZero();
            assertThat(raw.next(5)).startsWith("jetty-mcp ");
        }
        try (RawStdio raw = new RawStdio(Map.of(), home, "--help")) {
            assertThat(raw.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            StringBuilder out = new StringBuilder();
            for (String l = raw.next(5); l != null; l = raw.next(1)) {
                out.append(l).append('\n');
            }
            assertThat(out.toString()).contains("--sandbox").contains("--read-only").contains("JETTY_API_TOKEN");
        }
    }
}
