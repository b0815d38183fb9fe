package io.jettymcp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.JettyApi;
import io.jettymcp.api.RetryPolicy;
import io.jettymcp.config.Settings;
import io.jettymcp.config.SettingsLoader;
import io.jettymcp.sandbox.FaultKind;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.sandbox.RecordedRequest;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code jetty-mcp check} against the in-process sandbox: probes, openapi diff, drift, the write probe. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckTest {

    private SandboxServer sandbox;
    private Settings settings;
    private String task;

    @BeforeAll
    void start() throws Exception {
        sandbox = SandboxServer.start(new SandboxOptions(0, 42L, 0.0)); // steps end at once: no waiting
        settings = new SettingsLoader(Map.of("JETTY_API_URL", sandbox.baseUrl(), "JETTY_API_TOKEN", SandboxSeeds.DEMO_TOKEN))
                .load(new SettingsLoader.Flags(null, null, null, null, false, List.of(), null, false));
        // give every GET route something to probe: a routine, an uploaded file and a run
        JettyApi api = JettyApi.create(sandbox.baseUrl(), settings.token(), Duration.ofSeconds(5), Duration.ofSeconds(10),
                RetryPolicy.NONE, new ObjectMapper(), "test");
        JsonNode tasks = api.json(ApiRequest.get("/api/v1/tasks/demo/")).block();
        task = tasks.get(0).get("name").asText();
        api.json(ApiRequest.json("POST", "/api/v1/routines/demo/" + task, new ObjectMapper().readTree(
                "{\"name\":\"nightly\",\"cadence\":{\"type\":\"daily\",\"hour_utc\":3}}"))).block();
        Path f = Files.createTempFile("check", ".txt");
        Files.writeString(f, "hello");
        api.json(ApiRequest.multipart("/api/v1/sandbox/upload", Map.of(), List.of(new ApiRequest.FilePart("files", f, "a.txt"))))
                .block();
        Files.delete(f);
        api.json(ApiRequest.multipart("/api/v1/run/demo/" + task, Map.of("init_params", "{}"), List.of())).block();
        sandbox.requests().clear();
    }

    @AfterAll
    void stop() {
        sandbox.close();
    }

    @AfterEach
    void clearFaults() {
        sandbox.faults().clear();
        sandbox.requests().clear();
    }

    private record Run(int code, String out) {

        String line(String method, String template) {
            return Arrays.stream(out.split("\n"))
                    .filter(l -> l.matches("^\\S+\\s+" + method + "\\s+" + java.util.regex.Pattern.quote(template) + "\\s.*"))
                    .findFirst().orElseThrow(() -> new AssertionError("no line for " + method + " " + template + " in\n" + out));
        }
    }

    private Run check(Check.Options options) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int code = Check.run(settings, out, options);
        return new Run(code, bytes.toString(StandardCharsets.UTF_8));
    }

    private static Check.Options readOnly() {
        return new Check.Options(false, null, Duration.ofSeconds(30));
    }

    @Test
    void againstTheSandboxEveryRouteIsThereEveryShapeAsExpectedAndNothingIsWritten() {
        Run r = check(readOnly());

        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).contains("openapi.json     GET /openapi.json:").contains("Check passed")
                .doesNotContain("MISSING").doesNotContain("DRIFT").doesNotContain("\nERR").doesNotContain("skipped: no ")
                .doesNotContain(SandboxSeeds.DEMO_TOKEN).doesNotContain(SandboxSeeds.DEMO_OPENROUTER_KEY);
        assertThat(r.line("GET", "/api/v1/tasks/{collection}/{task}")).startsWith("ok").contains("200, shape as expected");
        assertThat(r.line("GET", "/api/v1/db/trajectories/{collection}/{task}")).contains("200, shape as expected");
        assertThat(r.line("GET", "/api/v1/routines/{collection}/{task}/{name}/runs")).startsWith("ok").contains("200");
        assertThat(r.line("GET", "/api/v1/file/{path*}")).startsWith("ok").contains("bytes");
        assertThat(r.line("POST", "/api/v1/run/{collection}/{task}")).startsWith("ok").contains("not probed (--write-probe)");
        // every GET route the tools call was probed, and nothing but GETs reached Jetty
        for (io.jettymcp.api.Routes.Route route : io.jettymcp.api.Routes.all()) {
            if (!route.writes() && route != io.jettymcp.api.Routes.OPENAPI) {
                assertThat(r.line("GET", route.template())).as(route.id()).doesNotContain("not probed");
            }
        }
        assertThat(sandbox.requests().all()).isNotEmpty().allSatisfy(q -> assertThat(q.method()).isEqualTo("GET"));
    }

    /** Two files in one upload: needs HTML5 multipart encoding (E1); with nested parts the sandbox answers 422. */
    @Test
    void writeProbeCreatesRunsOnceReadsBackAndDeletesItsTask() {
        Run r = check(new Check.Options(true, null, Duration.ofSeconds(30)));

        assertThat(r.code()).as(r.out()).isZero();
        List<RecordedRequest> writes = sandbox.requests().all().stream().filter(q -> !q.method().equals("GET")).toList();
        assertThat(writes).extracting(q -> q.method() + " " + q.path().replaceAll("jetty-mcp-check-[0-9a-f]{8}", "NAME"))
                .containsExactly("POST /api/v1/tasks/demo", "POST /api/v1/sandbox/upload", "POST /api/v1/run/demo/NAME",
                        "DELETE /api/v1/tasks/demo/NAME");
        String name = writes.get(2).path().substring("/api/v1/run/demo/".length());
        assertThat(writes.get(3).path()).endsWith("/" + name);
        assertThat(sandbox.requests().matching("GET", "/api/v1/tasks/demo/" + name)).isEmpty();
        assertThat(r.out()).containsSubsequence("trial", "create task '" + name + "': 2", "upload two files: 2",
                "run it once: 2", "read back run", "completed", "file_paths has 2 of 2", "delete task '" + name + "': 200");
        // the task is gone
        JettyApi api = JettyApi.create(sandbox.baseUrl(), settings.token(), Duration.ofSeconds(5), Duration.ofSeconds(10),
                RetryPolicy.NONE, new ObjectMapper(), "test");
        assertThat(api.exchange(ApiRequest.get("/api/v1/tasks/demo/" + name)).block().status()).isEqualTo(404);
    }

    @Test
    void writeProbeDeletesItsTaskEvenWhenTheRunFails() {
        sandbox.faults().add(FaultRule.status("POST", "/api/v1/run/.*", 500).withTimes(1));
        Run r = check(new Check.Options(true, null, Duration.ofSeconds(30)));

        assertThat(sandbox.requests().matching("POST", "/api/v1/run/.*")).hasSize(1); // never sent again
        assertThat(sandbox.requests().matching("DELETE", "/api/v1/tasks/demo/jetty-mcp-check-.*")).hasSize(1);
        assertThat(r.out()).contains("run it once: 500").contains("it is not sent again")
                .doesNotContainIgnoringCase("try again").doesNotContainIgnoringCase("re-run");
    }

    @Test
    void againstBakerysOpenApiTheRoutesBakeryNeverHadAreMissingAndTheOthersMatchDespiteTheirNames() throws Exception {
        Path bakery = Path.of(getClass().getResource("/contract/openapi-bakery.json").toURI());
        Run r = check(new Check.Options(false, bakery, Duration.ofSeconds(30)));

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("Check FAILED");
        for (String[] m : new String[][]{{"POST", "/api/v1/run/{collection}/{task}"},
                {"GET", "/api/v1/db/trajectories/{collection}/{task}"}, {"GET", "/api/v1/routines/{collection}/{task}/{name}"},
                {"GET", "/api/v1/step-templates"}, {"POST", "/v1/chat/completions"}}) {
            assertThat(r.line(m[0], m[1])).startsWith("MISSING").contains("not in openapi.json");
        }
        // bakery's {collection_name}/{task_name} are our {collection}/{task}
        for (String[] m : new String[][]{{"GET", "/api/v1/tasks/{collection}/{task}"}, {"PUT", "/api/v1/tasks/{collection}/{task}"},
                {"GET", "/api/v1/tasks/{collection}/"}, {"POST", "/api/v1/tasks/{collection}"}, {"GET", "/api/v1/collections/"},
                {"GET", "/api/v1/collections/{collection}/environment"}, {"GET", "/api/v1/models/{collection}/"},
                {"GET", "/api/v1/tasks/search"}, {"GET", "/api/v1/health"}}) {
            assertThat(r.line(m[0], m[1])).startsWith("ok");
        }
        assertThat(r.out()).contains("operations no tool calls").contains("GET /api/v1/task-details/{collection_name}/{task_name}");
    }

    @Test
    void aMissingFieldAToolReadsIsNamedWithItsToolAndFails() {
        sandbox.faults().add(new FaultRule("GET", "/api/v1/tasks/demo/[^/]+", FaultKind.STATUS, 200,
                "{\"id\":1,\"name\":\"x\",\"definition\":{}}", 0, 0, -1, 0));
        Run r = check(readOnly());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.line("GET", "/api/v1/tasks/{collection}/{task}")).startsWith("DRIFT")
                .contains("missing `workflow` (read by ").contains("get-task").contains("extra fields id, definition");
        assertThat(r.out()).contains("Check FAILED: 0 missing routes, 1 missing field");
    }

    /**
     * Every field any spec declares for a read route, renamed in the sandbox's answers by its drift switch
     * ({@code rename_field}), one at a time: check names it on that route's line and fails.
     */
    @Test
    void everyDeclaredFieldTheSandboxsDriftSwitchRenamesIsReportedByName() {
        Map<String, Map<String, java.util.Set<String>>> reads = Check.readsByRoute(
                new io.jettymcp.spec.SpecLoader(new ObjectMapper()).loadPackaged());
        int asserted = 0;
        for (io.jettymcp.api.Routes.Route route : io.jettymcp.api.Routes.all()) {
            if (route.writes()) {
                continue;
            }
            for (String path : reads.getOrDefault(route.id(), Map.of()).keySet()) {
                sandbox.switches().renameFields(io.jettymcp.shape.DriftRenames.of(route, path));
                Run r = check(readOnly());
                sandbox.switches().renameFields(List.of());
                String line = r.line("GET", route.template());
                if (line.startsWith("skip")) {
                    continue; // nothing to probe it with once an earlier answer drifted (e.g. no task name)
                }
                assertThat(r.code()).as(route.id() + " " + path + "\n" + r.out()).isEqualTo(1);
                assertThat(line).as(path).startsWith("DRIFT").contains("`" + path + "`");
                asserted++;
            }
        }
        assertThat(asserted).as("declared read fields checked").isGreaterThanOrEqualTo(15);
    }

    /** The evidence switches of the production profile that a probe can see are reported as mismatches. */
    @Test
    void underTheProductionProfileTheRedirectingSearchRouteIsReportedMissing() {
        sandbox.switches().production();
        try {
            Run r = check(readOnly());
            assertThat(r.code()).as(r.out()).isEqualTo(1);
            assertThat(r.line("GET", "/api/v1/tasks/search")).startsWith("MISSING").contains("307");
            assertThat(r.line("GET", "/api/v1/tasks/{collection}/")).startsWith("ok");
        } finally {
            sandbox.switches().reset();
        }
    }

    @Test
    void withoutOpenApiABare404IsAMissingRouteAndANamed404AnItemNotFound() {
        sandbox.faults().add(FaultRule.status("GET", "/openapi.json", 404));
        sandbox.faults().add(new FaultRule("GET", "/api/v1/db/stats/.*", FaultKind.STATUS, 404, "{\"detail\":\"Not Found\"}",
                0, 0, -1, 0));
        sandbox.faults().add(new FaultRule("GET", "/api/v1/trial/.*", FaultKind.STATUS, 404, "{\"detail\":\"Collection not found\"}",
                0, 0, -1, 0));
        sandbox.faults().add(FaultRule.status("GET", "/api/v1/datasets/.*", 405));
        Run r = check(readOnly());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("openapi.json     not available");
        assertThat(r.line("GET", "/api/v1/db/stats/{collection}/{task}")).startsWith("MISSING").contains("404 Not Found");
        assertThat(r.line("GET", "/api/v1/trial/{collection}")).startsWith("ERR").contains("404, item not found");
        assertThat(r.line("GET", "/api/v1/datasets/{collection}")).startsWith("MISSING").contains("405");
        assertThat(r.out()).contains("Check FAILED: 2 missing routes, 0 missing fields");
    }

    @Test
    void withoutATokenOnlyTheOpenRoutesAreProbed() {
        Settings none = new SettingsLoader(Map.of("JETTY_API_URL", sandbox.baseUrl(), "HOME", "/nonexistent"))
                .load(new SettingsLoader.Flags(null, null, null, null, false, List.of(), null, false));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Check.run(none, new PrintStream(bytes, true, StandardCharsets.UTF_8), readOnly());
        String out = bytes.toString(StandardCharsets.UTF_8);

        assertThat(code).as(out).isZero();
        assertThat(out).contains("skipped: no token").contains("routes not probed");
        assertThat(sandbox.requests().all()).allSatisfy(q -> assertThat(q.header("authorization")).isNull());
    }
}
