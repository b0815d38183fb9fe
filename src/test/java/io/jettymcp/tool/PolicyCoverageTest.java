package io.jettymcp.tool;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.guard.PolicyRules;
import io.jettymcp.redact.Redactor;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The policy sees every collection a call touches, before any request: implicit collections (storage paths,
 * the key's own collection, a saved task's), calls that may read several collections, routine tools under a
 * rule on run tools, and no environment read for a refused call. In-process, through the real guard chain.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyCoverageTest {

    static final ObjectMapper M = new ObjectMapper();

    static final String POLICY = """
            {"default": "allow", "rules": [
              {"tools": ["list-files", "download-file", "search-tasks", "validate-workflow", "upload-file", "list-tasks"],
               "collections": ["demo"], "permission": "deny", "reason": "demo is frozen"},
              {"tools": ["run-*"], "collections": ["demo"], "permission": "deny", "reason": "no runs in demo"}
            ]}""";

    @TempDir
    static Path dir;
    SandboxServer sandbox;
    Path upload;

    @BeforeAll
    void start() throws Exception {
        SandboxOptions d = SandboxOptions.defaults();
        sandbox = SandboxServer.start(new SandboxOptions(d.port(), d.seed(), 0));
        upload = Files.writeString(dir.resolve("input.csv"), "a,b\n1,2\n");
    }

    @AfterAll
    void stop() {
        sandbox.close();
    }

    /** A guard chain as {@code token}, with JETTY_COLLECTIONS {@code collections} and {@link #POLICY}. */
    final class Server {
        final InProcess server;

        Server(String token, Set<String> collections) throws Exception {
            Redactor redactor = new Redactor();
            Path policy = Files.writeString(Files.createTempFile(dir, "policy", ".json"), POLICY);
            server = InProcess.builder().sandbox(sandbox).token(token).collections(collections).redactor(redactor)
                    .policy(PolicyRules.load(policy, M))
                    .settings(s -> s.filesRoots(List.of(dir), true).downloadDir(dir)).build();
            server.tenant().scope().key().block(); // whoami is how the key's collection is known: asked once, before the calls
        }

        McpSchema.CallToolResult call(String tool, Map<String, Object> args) {
            return server.call(tool, args);
        }

        /** The call is refused by the policy and nothing at all reached Jetty. */
        String refused(String tool, Map<String, Object> args) {
            sandbox.requests().clear();
            McpSchema.CallToolResult r = call(tool, args);
            String text = text(r);
            assertThat(r.isError()).as(tool + " " + args + ": " + text).isTrue();
            assertThat(text).as(tool).contains("policy").contains("Nothing was sent to Jetty");
            assertThat(sandbox.requests().all()).as(tool + " " + args + " sent requests").isEmpty();
            return text;
        }
    }

    static String text(McpSchema.CallToolResult r) {
        return InProcess.text(r);
    }

    static Map<String, Object> routine(String name) {
        return Map.of("collection", "demo", "task", "judge", "name", name, "cadence", Map.of("type", "daily", "hour_utc", 3));
    }

    @Test
    void implicitCollectionsAreDecidedBeforeAnyRequest() throws Exception {
        Server demo = new Server(SandboxSeeds.DEMO_TOKEN, Set.of());
        assertThat(demo.refused("list-files", Map.of())).contains("demo is frozen");
        demo.refused("list-files", Map.of("prefix", "demo/text-echo"));
        demo.refused("download-file", Map.of("path", "demo/text-echo/0000/out.txt"));
        demo.refused("search-tasks", Map.of("query", "echo"));
        assertThat(demo.refused("validate-workflow", Map.of("task", "judge"))).contains("'demo'");
        demo.refused("upload-file", Map.of("paths", List.of(upload.toString())));
    }

    @Test
    void aRefusedCallReadsNoEnvironment() throws Exception {
        Server demo = new Server(SandboxSeeds.DEMO_TOKEN, Set.of());
        demo.refused("list-tasks", Map.of("collection", "demo"));
    }

    @Test
    void aRuleOnRunToolsGovernsTheRoutineToolsThatStartOrScheduleRuns() throws Exception {
        Server demo = new Server(SandboxSeeds.DEMO_TOKEN, Set.of());
        assertThat(demo.refused("create-routine", routine("nightly"))).contains("no runs in demo");
        demo.refused("update-routine", routine("nightly"));
        demo.refused("resume-routine", Map.of("collection", "demo", "task", "judge", "name", "nightly"));
        demo.refused("run-routine-now", Map.of("collection", "demo", "task", "judge", "name", "nightly"));
        // reading or pausing routines starts nothing
        sandbox.requests().clear();
        assertThat(demo.call("list-routines", Map.of("collection", "demo")).isError()).isFalse();
    }

    @Test
    void callsThatMayReadSeveralCollectionsAreDecidedForEachOfThem() throws Exception {
        Server both = new Server(SandboxSeeds.USER_TOKEN, Set.of("demo", "acme"));
        assertThat(both.refused("search-tasks", Map.of("query", "echo"))).contains("'demo'").contains("`collection`");
        assertThat(both.refused("list-files", Map.of())).contains("prefix");
        McpSchema.CallToolResult acme = both.call("search-tasks", Map.of("query", "echo", "collection", "acme"));
        assertThat(acme.isError()).as(text(acme)).isFalse();
    }

    @Test
    void anUnknownCollectionIsRefusedWhenThePolicyHasCollectionRules() throws Exception {
        Server any = new Server(SandboxSeeds.USER_TOKEN, Set.of()); // a user token: any collection, none of its own
        any.refused("upload-file", Map.of("paths", List.of(upload.toString())));
        any.refused("search-tasks", Map.of("query", "echo"));
        any.refused("list-files", Map.of());
        McpSchema.CallToolResult acme = any.call("list-files", Map.of("prefix", "acme"));
        assertThat(acme.isError()).as(text(acme)).isFalse();
    }
}
