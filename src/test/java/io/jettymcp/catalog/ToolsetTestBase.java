package io.jettymcp.catalog;

import io.jettymcp.sandbox.SandboxServer;
import io.jettymcp.tool.BoundTool;
import io.jettymcp.tool.InProcess;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The set-up every per-toolset test shares: one {@link InProcess} harness (the real registry and chain against an
 * in-process sandbox) for the whole class, its sandbox reset before each test. A class states only what differs:
 * its {@link #harness()} and, if it counts requests, a {@link #warmUp()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ToolsetTestBase {

    protected InProcess server;
    protected SandboxServer sandbox;

    /** The harness to build: demo's key on a sandbox of its own unless a class says otherwise. */
    protected InProcess.Builder harness() throws Exception {
        return InProcess.builder();
    }

    /**
     * Runs once the harness is up, before the first reset. Calls made here keep the guard chain's one-time look-ups
     * (the key's scope, the collection's env values) out of the tests' request counts.
     */
    protected void warmUp() throws Exception {
    }

    @BeforeAll
    final void startHarness() throws Exception {
        server = harness().build();
        sandbox = server.sandbox();
        warmUp();
    }

    @AfterAll
    final void stopHarness() {
        server.close();
    }

    @BeforeEach
    final void resetSandbox() {
        sandbox.reset(); // the seeded world, no requests, faults or changed switches
    }

    /** Starts a run of {@code task} with demo's harness and returns its trajectory id. */
    protected String run(String task, Map<String, Object> args) {
        Map<String, Object> a = new LinkedHashMap<>(args);
        a.put("task", task);
        return server.ok("run-task", a).path("trajectory_id").asText();
    }

    /** Tool arguments in the order given: name, value, name, value, ... */
    protected static Map<String, Object> args(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /**
     * The tools of {@code folder} are exactly {@code names}, and each publishes a title, all four annotations and an
     * input schema without the private x-kind markers (what tools/list shows a client).
     */
    public static void definitionsAreComplete(InProcess server, String folder, String... names) {
        assertThat(server.tools().values()).filteredOn(t -> t.spec().toolset().equals(folder))
                .extracting(t -> t.spec().name()).containsExactlyInAnyOrder(names);
        for (String name : names) {
            BoundTool bound = server.tools().get(name);
            McpSchema.Tool t = bound.definition();
            assertThat(t.title()).as(name).isNotBlank();
            McpSchema.ToolAnnotations a = t.annotations();
            assertThat(a.readOnlyHint()).as(name).isNotNull();
            assertThat(a.destructiveHint()).as(name).isNotNull();
            assertThat(a.idempotentHint()).as(name).isNotNull();
            assertThat(a.openWorldHint()).as(name).isNotNull();
            assertThat(t.inputSchema().toString()).as(name).doesNotContain("x-kind");
        }
    }
}
