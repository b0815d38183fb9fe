package io.jettymcp.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.api.Routes;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.sandbox.RecordedRequest;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import io.jettymcp.shape.DriftRenames;
import io.jettymcp.spec.SpecLoader;
import io.jettymcp.spec.ToolSpec;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Loud drift over the whole catalog: for every spec, every route it declares in {@code reads} and every
 * path there, the sandbox renames that field (every alternative, every " or " shape) and the tool, called
 * through the real guard chain with arguments that reach that route, must say which field is missing —
 * never answer as if nothing were wrong. A route a tool never calls fails the test: declarations stay honest.
 */
class DriftCatalogTest {

    static final ObjectMapper M = new ObjectMapper();
    static final String TASK = "text-echo";

    /** Drift after a write that did happen: reported inside a successful result, never as a failed write. */
    static final Set<String> REPORTED_BESIDE_A_WRITE = Set.of("run-task trajectories.get", "add-label trajectories.get");

    /** Tools that interpret nothing of Jetty's answer (shown as is) and so declare no reads. */
    static final Set<String> PASS_THROUGH = Set.of("get-collection", "create-collection", "whoami", "get-step-template",
            "delete-task", "get-stats", "activate-trial", "get-trial-status", "download-file", "get-run-image", "get-routine",
            "delete-routine", "pause-routine", "resume-routine");

    @TempDir
    static Path files;
    static InProcess server;
    static SandboxServer sandbox;
    static List<ToolSpec> specs;

    @BeforeAll
    static void start() throws Exception {
        SandboxOptions d = SandboxOptions.defaults();
        Files.writeString(files.resolve("input.csv"), "a,b\n1,2\n");
        server = InProcess.builder().options(new SandboxOptions(d.port(), d.seed(), 0))
                .settings(s -> s.filesRoots(List.of(files), true).downloadDir(files)).build();
        sandbox = server.sandbox();
        specs = new SpecLoader(M).loadPackaged();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void reset() {
        sandbox.reset();
    }

    record Case(String tool, String route, String path) {
        @Override
        public String toString() {
            return tool + " " + route + " " + path;
        }
    }

    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (ToolSpec s : new SpecLoader(M).loadPackaged()) {
            s.reads().forEach((route, paths) -> paths.forEach(p -> out.add(new Case(s.name(), route, p))));
        }
        return out;
    }

    @Test
    void everyToolThatReadsAnswersDeclaresWhatItReads() {
        Set<String> without = new TreeSet<>();
        specs.stream().filter(s -> s.reads().isEmpty()).forEach(s -> without.add(s.name()));
        assertThat(without).as("tools declaring no reads must be pass-through ones").isEqualTo(new TreeSet<>(PASS_THROUGH));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aRenamedFieldIsReportedByName(Case c) {
        Routes.Route route = Routes.byId(c.route()).orElseThrow();
        Map<String, Object> args = setUp(c);
        sandbox.requests().clear();
        sandbox.switches().renameFields(DriftRenames.of(route, c.path()));

        McpSchema.CallToolResult result = call(c.tool(), args);
        String text = ((McpSchema.TextContent) result.content().get(0)).text();

        List<RecordedRequest> hit = sandbox.requests().all().stream()
                .filter(r -> Routes.match(r.method(), r.path()).filter(route::equals).isPresent()).toList();
        assertThat(hit).as(c.tool() + " declares reads for " + c.route() + " but never called it").isNotEmpty();
        if (route == Routes.CHAT) {
            assumeFalse(hit.get(0).bodyJson().path("stream").asBoolean(false),
                    "run-runbook still starts with stream:true; the check applies to stream:false JSON answers");
        }
        if (REPORTED_BESIDE_A_WRITE.contains(c.tool() + " " + c.route())) {
            assertThat(result.isError()).as(text).isFalse();
        } else {
            assertThat(result.isError()).as(text).isTrue();
        }
        assertThat(text).contains("Jetty answered in an unexpected shape");
        for (String name : DriftRenames.leafNames(c.path())) {
            assertThat(text).as("names the field").contains("`" + name + "`");
        }
        assertThat(text).doesNotContainIgnoringCase("try again").doesNotContainIgnoringCase("re-run")
                .doesNotContain(SandboxSeeds.DEMO_TOKEN);
        if (route.secrets()) {
            assertThat(text).contains("values not shown").doesNotContain("Answer:")
                    .doesNotContain(SandboxSeeds.DEMO_OPENROUTER_KEY).doesNotContain("hello");
        } else {
            assertThat(text).containsAnyOf("Answer: ", "It was ");
        }
        if (route.writes()) {
            assertThat(text).contains("may have taken effect").contains(route.check());
        }
    }

    McpSchema.CallToolResult call(String tool, Map<String, Object> args) {
        return server.call(tool, args);
    }

    String ok(String tool, Map<String, Object> args) {
        return server.okText(tool, args);
    }

    /** A finished run of text-echo, started through the tool itself. */
    String finishedRun() {
        try {
            JsonNode out = M.readTree(ok("run-task", Map.of("collection", "demo", "task", TASK, "wait_seconds", 5)));
            return out.path("trajectory_id").asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    void routine() {
        ok("create-routine", Map.of("collection", "demo", "task", TASK, "name", "drift", "cadence", Map.of("type", "manual")));
    }

    /** Sample arguments that make the tool reach the case's route, after seeding what it needs. */
    Map<String, Object> setUp(Case c) {
        Map<String, Object> demo = Map.of("collection", "demo");
        Map<String, Object> task = Map.of("collection", "demo", "task", TASK);
        Function<Map<String, Object>, Map<String, Object>> withTask = extra -> {
            Map<String, Object> m = new LinkedHashMap<>(task);
            m.putAll(extra);
            return m;
        };
        return switch (c.tool()) {
            case "list-datasets", "list-models", "list-tasks", "list-env-vars" -> demo;
            case "list-step-templates", "list-collections" -> Map.of();
            case "create-task" -> Map.of("collection", "demo", "name", "drift-probe", "workflow",
                    Map.of("init_params", Map.of(), "step_configs", Map.of(), "steps", List.of()));
            case "update-task" -> withTask.apply(Map.of("description", "changed"));
            case "get-task", "validate-workflow" -> task;
            case "search-tasks" -> {
                if (c.route().equals("tasks.list")) {
                    sandbox.faults().add(FaultRule.status("GET", "/api/v1/tasks/search", 404));
                }
                yield Map.of("collection", "demo", "query", "echo");
            }
            case "run-task" -> c.route().equals("runs.start") ? task : withTask.apply(Map.of("wait_seconds", 5));
            case "wait-for-trajectory", "get-trajectory", "diagnose-trajectory", "get-workflow-logs" ->
                    withTask.apply(Map.of("trajectory_id", finishedRun()));
            case "list-trajectories" -> {
                finishedRun();
                yield task;
            }
            case "set-trajectory-status" -> withTask.apply(Map.of("trajectory_ids", List.of(finishedRun()), "status", "archived"));
            case "add-label" -> withTask.apply(Map.of("trajectory_id", finishedRun(), "key", "k", "value", "v"));
            case "upload-file" -> Map.of("paths", List.of(files.resolve("input.csv").toString()));
            case "list-files" -> Map.of("prefix", "demo/");
            case "check-secrets", "delete-env-vars" -> Map.of("collection", "demo", "names", List.of("PLAIN_SETTING"));
            case "set-env-vars" -> Map.of("collection", "demo", "variables", Map.of("DRIFT_PROBE", "x"));
            case "list-routines" -> c.route().equals("routines.list-task") ? task : demo;
            case "list-routine-runs", "run-routine-now" -> {
                routine();
                yield withTask.apply(Map.of("name", "drift"));
            }
            case "create-routine" -> withTask.apply(Map.of("name", "drift", "cadence", Map.of("type", "manual"),
                    "init_params_overrides", Map.of("text", "x")));
            case "update-routine" -> {
                routine();
                yield withTask.apply(Map.of("name", "drift", "init_params_overrides", Map.of("text", "x")));
            }
            case "run-runbook" -> withTask.apply(Map.of("task", "drift-runbook", "runbook", """
                    ---
                    version: 1.0
                    agent: claude-code
                    model: anthropic/claude-sonnet-4.6
                    model_provider: openrouter
                    ---
                    # Probe
                    Write summary.md to {{results_dir}}.
                    """));
            default -> throw new AssertionError("no sample arguments for " + c.tool() + ": add them to DriftCatalogTest.setUp");
        };
    }
}
