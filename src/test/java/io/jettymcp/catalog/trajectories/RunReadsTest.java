package io.jettymcp.catalog.trajectories;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.api.JettyApi;
import io.jettymcp.api.RetryPolicy;
import io.jettymcp.catalog.runs.RunTools;
import io.jettymcp.config.Token;
import io.jettymcp.guard.CollectionScope;
import io.jettymcp.guard.Tenant;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.sandbox.RecordedRequest;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import io.jettymcp.tool.RecentRuns;
import io.jettymcp.tool.TestContexts;
import io.jettymcp.tool.ToolCall;
import io.jettymcp.tool.ToolContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading runs as production serves them (jetty-api.md §7): a new run's row lags (E4), outputs may live only on
 * the storage detail route (E5), logs ids use the stored names (E10), and a run never depends on the
 * use_trial_keys look-ups (E9). In-process against the sandbox; the not-visible windows are shortened here
 * (production: 30 s for runs this server started, 10 s for other ids).
 */
class RunReadsTest {

    static final ObjectMapper M = new ObjectMapper();
    static final Duration RECENT = Duration.ofMillis(1500);
    static final Duration OTHER = Duration.ofMillis(500);
    static SandboxServer sandbox;

    final RecentRuns recent = new RecentRuns();
    final ToolContext ctx = new ToolContext(TestContexts.context().settings(), M, "test", recent);
    final TrajectoryReader reader = new TrajectoryReader(recent,
            new TrajectoryReader.Patience(RECENT, OTHER, Duration.ofMillis(50), Duration.ofMillis(150)));
    final TrajectoryWaiter waiter = new TrajectoryWaiter(reader, Duration.ofMillis(50), Duration.ofMillis(150), 2);
    final RunTools runs = new RunTools(ctx, waiter, Duration.ofMillis(500));
    final TrajectoryTools trajectories = new TrajectoryTools(ctx, waiter);
    final Diagnosis diagnosis = new Diagnosis(M, reader);
    final List<String> progress = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        sandbox = SandboxServer.start(new SandboxOptions(0, 11L, 0.2));
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @BeforeEach
    void reset() {
        sandbox.reset();
    }

    // ---- plumbing -------------------------------------------------------------------------------------------

    ToolCall call(String token, String collection, String args) {
        return call(token, collection, args, (v, total, msg) -> {
            progress.add(msg);
            return Mono.empty();
        });
    }

    ToolCall call(String token, String collection, String args, ToolCall.Progress p) {
        JettyApi api = JettyApi.create(sandbox.baseUrl(), new Token(token, "test"), Duration.ofSeconds(2),
                Duration.ofSeconds(20), RetryPolicy.NONE, M, "test");
        try {
            return new ToolCall(null, (ObjectNode) M.readTree(args), collection, new Tenant(api, new CollectionScope(Set.of(), api)), p);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    ToolCall demo(String args) {
        return call(SandboxSeeds.DEMO_TOKEN, "demo", args);
    }

    /** What a tool says: its result as JSON text, or its error message. */
    static String say(Function<ToolCall, Mono<JsonNode>> tool, ToolCall c) {
        try {
            return tool.apply(c).block(Duration.ofSeconds(15)).toString();
        } catch (RuntimeException e) {
            return "ERROR: " + e.getMessage();
        }
    }

    JsonNode ok(Function<ToolCall, Mono<JsonNode>> tool, ToolCall c) {
        return tool.apply(c).block(Duration.ofSeconds(15));
    }

    String started(String task) {
        return ok(runs::run, demo("{\"task\":\"" + task + "\"}")).get("trajectory_id").asText();
    }

    /** Runs a task to its end (the virtual clock is pushed past its steps). */
    String finished(String task) {
        String id = started(task);
        sandbox.clock().advance(Duration.ofSeconds(60));
        return id;
    }

    int detailReads(String task, String id) {
        return sandbox.requests().matching("GET", "/api/v1/trajectory/demo/" + task + "/" + id).size();
    }

    // ---- E4: the row lag ------------------------------------------------------------------------------------

    @Test
    void aWaitRightAfterTheStartRidesOutTheRowLag() {
        sandbox.switches().rowLagSeconds(3600); // passes only when the test pushes the clock
        String id = started("text-echo");
        ToolCall wait = call(SandboxSeeds.DEMO_TOKEN, "demo", "{\"task\":\"text-echo\",\"trajectory_id\":\"" + id + "\"}",
                (v, total, msg) -> {
                    progress.add(msg);
                    if (msg.contains("not visible yet")) {
                        sandbox.clock().advance(Duration.ofSeconds(3601)); // Jetty writes the row meanwhile
                    }
                    return Mono.empty();
                });
        JsonNode out = ok(runs::await, wait);
        assertThat(out.get("done").asBoolean()).isTrue();
        assertThat(out.get("status").asText()).isEqualTo("completed");
        assertThat(progress.get(0)).startsWith("not visible yet — Jetty may still be writing the run's row");
        List<RecordedRequest> polls = sandbox.requests().matching("GET", "/api/v1/db/trajectory/demo/text-echo/" + id);
        assertThat(polls.size()).isGreaterThan(1);
    }

    @Test
    void aRowThatNeverShowsEndsTheWaitAsNotVisibleYetWithTheId() {
        sandbox.switches().rowLagSeconds(3600);
        String id = started("text-echo");
        JsonNode out = ok(runs::await, demo("{\"task\":\"text-echo\",\"trajectory_id\":\"" + id + "\",\"timeout_seconds\":30}"));
        assertThat(out.get("done").asBoolean()).isFalse();
        assertThat(out.get("visible").asBoolean()).isFalse();
        assertThat(out.get("trajectory_id").asText()).isEqualTo(id);
        assertThat(out.get("next").asText()).contains("not visible yet, it may still be queued").contains(id)
                .contains("wait-for-trajectory").contains("list-trajectories");
        assertThat(out.get("waited_seconds").asDouble()).isGreaterThanOrEqualTo(RECENT.toMillis() / 1000.0).isLessThan(30);
        assertThat(progress).anyMatch(m -> m.startsWith("not visible yet"));

        // run-task's own wait ends the same way, and still reports the run it started
        JsonNode run = ok(runs::run, demo("{\"task\":\"text-echo\",\"wait_seconds\":20}"));
        assertThat(run.get("visible").asBoolean()).isFalse();
        assertThat(run.get("next").asText()).contains("not visible yet, it may still be queued").contains(run.get("trajectory_id").asText());
        assertThat(sandbox.requests().matching("POST", "/api/v1/run/demo/text-echo")).hasSize(2);
    }

    @Test
    void anIdThisServerDidNotStartGetsOnlyTheShortWindow() {
        assertThat(reader.window("demo", "text-echo", "0badc0de")).isEqualTo(OTHER);
        recent.record("Demo", "Text-Echo", "0badc0de");
        assertThat(reader.window("demo", "text-echo", "0badc0de")).as("names ignore case, as in Jetty").isEqualTo(RECENT);

        JsonNode out = ok(runs::await, demo("{\"task\":\"text-echo\",\"trajectory_id\":\"deadbeef\",\"timeout_seconds\":30}"));
        assertThat(out.get("visible").asBoolean()).isFalse();
        assertThat(out.get("waited_seconds").asDouble()).isGreaterThanOrEqualTo(OTHER.toMillis() / 1000.0).isLessThan(30);
        assertThat(out.get("next").asText()).contains("deadbeef").contains("not visible yet, it may still be queued");
        assertThat(sandbox.requests().matching("GET", "/api/v1/db/trajectory/demo/text-echo/deadbeef").size()).isGreaterThan(1);
    }

    @Test
    void theWindowNeverOutlastsTheCallersBudget() {
        sandbox.switches().rowLagSeconds(3600);
        JsonNode run = ok(runs::run, demo("{\"task\":\"text-echo\",\"wait_seconds\":1}"));
        assertThat(run.get("visible").asBoolean()).isFalse();
        assertThat(run.get("waited_seconds").asDouble()).isLessThan(RECENT.toMillis() / 1000.0);
    }

    @Test
    void getAndDiagnoseWaitForARowThatIsBeingWritten() {
        sandbox.switches().rowLagSeconds(3600);
        String id = started("text-echo");
        ToolCall get = call(SandboxSeeds.DEMO_TOKEN, "demo", "{\"task\":\"text-echo\",\"trajectory_id\":\"" + id + "\"}",
                (v, total, msg) -> {
                    progress.add(msg);
                    sandbox.clock().advance(Duration.ofSeconds(3601));
                    return Mono.empty();
                });
        assertThat(ok(trajectories::get, get).get("status").asText()).isEqualTo("completed");
        assertThat(progress).anyMatch(m -> m.startsWith("not visible yet"));

        String other = started("text-echo");
        String said = say(diagnosis::diagnose, demo("{\"task\":\"text-echo\",\"trajectory_id\":\"" + other + "\"}"));
        assertThat(said).startsWith("ERROR: ").contains(other).contains("not visible yet, it may still be queued");
    }

    /** get-trajectory's whole answer for an id that never shows (moved from RunsE2ETest, which waited production's 10 s). */
    @Test
    void anUnknownTrajectoryIsNotVisibleYetNeverATypo() {
        String err = say(trajectories::get, demo("{\"task\":\"text-echo\",\"trajectory_id\":\"deadbeef\"}"));
        assertThat(err).startsWith("ERROR: ").contains("404").contains("not visible yet, it may still be queued")
                .contains("list-trajectories").doesNotContainIgnoringCase("spelling");
        assertThat(sandbox.requests().matching("GET", "/api/v1/db/trajectory/demo/text-echo/deadbeef")).isNotEmpty();
    }

    /** Every way these tools can meet a 404: none of their words invites a second run or blames a typo. */
    @Test
    void noNotFoundTextInvitesARetryOrBlamesSpelling() {
        List<String> said = new ArrayList<>();
        String unknownId = "{\"task\":\"text-echo\",\"trajectory_id\":\"deadbeef\"}";
        String unknownTask = "{\"task\":\"no-such-task\",\"trajectory_id\":\"deadbeef\"}";
        for (String args : List.of(unknownId, unknownTask, "{\"task\":\"text-echo\",\"trajectory_id\":\"demo-text-echo--deadbeef\"}")) {
            said.add(say(trajectories::get, demo(args)));
            said.add(say(runs::await, demo(args.replace("}", ",\"timeout_seconds\":5}"))));
            said.add(say(diagnosis::diagnose, demo(args)));
        }
        // a collection that does not exist, seen by a token that may read every collection
        String noCollection = "{\"task\":\"text-echo\",\"trajectory_id\":\"deadbeef\"}";
        said.add(say(trajectories::get, call(SandboxSeeds.USER_TOKEN, "no-such-collection", noCollection)));
        said.add(say(runs::await, call(SandboxSeeds.USER_TOKEN, "no-such-collection", noCollection)));
        said.add(say(diagnosis::diagnose, call(SandboxSeeds.USER_TOKEN, "no-such-collection", noCollection)));
        // run-task: the task is missing (nothing started), and a started run whose row never shows
        said.add(say(runs::run, demo("{\"task\":\"no-such-task\",\"wait_seconds\":5}")));
        sandbox.switches().rowLagSeconds(3600);
        said.add(say(runs::run, demo("{\"task\":\"text-echo\",\"wait_seconds\":5}")));
        sandbox.switches().rowLagSeconds(0);
        // the storage detail route answers 404 for a finished run
        sandbox.switches().stripDbOutputs(true);
        String id = finished("text-echo");
        sandbox.faults().add(FaultRule.status("GET", "/api/v1/trajectory/demo/text-echo/.*", 404));
        String done = "{\"task\":\"text-echo\",\"trajectory_id\":\"" + id + "\"}";
        said.add(say(trajectories::get, demo(done)));
        said.add(say(runs::await, demo(done)));
        said.add(say(diagnosis::diagnose, demo(done)));
        said.addAll(progress);

        assertThat(said).hasSizeGreaterThan(15);
        for (String s : said) {
            assertThat(s.toLowerCase(Locale.ROOT)).as(s).doesNotContain("spelling").doesNotContain("try again")
                    .doesNotContain("re-run").doesNotContain("rerun");
        }
        assertThat(said.get(0)).contains("not visible yet, it may still be queued");
    }

    // ---- E5: one reader, outputs from storage ---------------------------------------------------------------

    @Test
    void withOutputsInTheIndexNoStorageReadIsNeeded() {
        String id = finished("text-echo");
        String args = "{\"task\":\"text-echo\",\"trajectory_id\":\"" + id + "\"}";
        JsonNode got = ok(trajectories::get, demo(args));
        assertThat(got.at("/steps/echo/outputs/text").asText()).isNotEmpty();
        assertThat(ok(runs::await, demo(args)).at("/steps/echo/outputs/text").asText()).isNotEmpty();
        assertThat(ok(diagnosis::diagnose, demo(args)).get("status").asText()).isEqualTo("completed");
        assertThat(detailReads("text-echo", id)).isZero();
    }

    @Test
    void withOutputsOnlyInStorageEveryReaderMergesThemFromTheDetailRoute() {
        sandbox.switches().stripDbOutputs(true);
        String id = finished("text-echo");
        String args = "{\"task\":\"text-echo\",\"trajectory_id\":\"" + id + "\"}";
        JsonNode index = ok(trajectories::list, demo("{\"task\":\"text-echo\"}"));
        assertThat(index.get("count").asInt()).isOne();

        JsonNode got = ok(trajectories::get, demo(args));
        String text = got.at("/steps/echo/outputs/text").asText();
        assertThat(text).isNotEmpty();
        assertThat(got.has("outputs_note")).isFalse();
        assertThat(detailReads("text-echo", id)).isOne();

        JsonNode full = ok(trajectories::get, demo(args.replace("}", ",\"fields\":[\"steps.echo.outputs.text\"]}")));
        assertThat(full.at("/fields/steps.echo.outputs.text").asText()).isEqualTo(text);

        assertThat(ok(runs::await, demo(args)).at("/steps/echo/outputs/text").asText()).isEqualTo(text);
        JsonNode run = ok(runs::run, demo("{\"task\":\"text-echo\",\"wait_seconds\":20}"));
        assertThat(run.at("/trajectory/steps/echo/outputs").isObject()).isTrue();
        ok(diagnosis::diagnose, demo(args));
        assertThat(detailReads("text-echo", id)).as("get, get with fields, wait, diagnose").isEqualTo(4);
    }

    @Test
    void whenStorageCannotBeReadTheIndexAnswerStandsWithANoteAndNoMadeUpOutputs() {
        sandbox.switches().stripDbOutputs(true);
        String id = finished("text-echo");
        sandbox.faults().add(FaultRule.status("GET", "/api/v1/trajectory/demo/text-echo/.*", 503));
        String args = "{\"task\":\"text-echo\",\"trajectory_id\":\"" + id + "\"}";
        for (JsonNode got : List.of(ok(trajectories::get, demo(args)), ok(runs::await, demo(args)),
                ok(diagnosis::diagnose, demo(args)))) {
            assertThat(got.get("status").asText()).isEqualTo("completed");
            assertThat(got.at("/steps/echo/outputs").isMissingNode()).isTrue();
            assertThat(got.get("outputs_note").asText()).contains("could not be read from Jetty's storage").contains("503");
        }
    }

    @Test
    void underTheProductionProfileARunIsFollowedAndReadWithItsOutputs() {
        sandbox.switches().production();
        TrajectoryReader prod = new TrajectoryReader(recent, TrajectoryReader.Patience.PRODUCTION);
        TrajectoryWaiter w = new TrajectoryWaiter(prod, Duration.ofMillis(50), Duration.ofMillis(150), 2);
        RunTools r = new RunTools(ctx, w);
        TrajectoryTools tt = new TrajectoryTools(ctx, w);
        ToolCall.Progress pushClock = (v, total, msg) -> {
            progress.add(msg);
            if (msg.contains("not visible yet")) {
                sandbox.clock().advance(Duration.ofSeconds(60)); // past the row lag and the run's steps
            }
            return Mono.empty();
        };
        JsonNode run = ok(r::run, call(SandboxSeeds.DEMO_TOKEN, "demo", "{\"task\":\"text-echo\",\"wait_seconds\":30}", pushClock));
        String id = run.get("trajectory_id").asText();
        assertThat(run.get("done").asBoolean()).isTrue();
        assertThat(run.at("/trajectory/steps/echo/outputs/text").asText()).isEqualTo("Hello from the Jetty sandbox!");
        assertThat(progress).anyMatch(m -> m.startsWith("not visible yet"));
        JsonNode got = ok(tt::get, demo("{\"task\":\"text-echo\",\"trajectory_id\":\"" + id + "\"}"));
        assertThat(got.at("/steps/echo/outputs/text").asText()).isEqualTo("Hello from the Jetty sandbox!");
        assertThat(detailReads("text-echo", id)).isEqualTo(2);
        assertThat(ok(tt::logs, demo("{\"task\":\"TEXT-ECHO\",\"trajectory_id\":\"" + id + "\"}")).get("workflow_id").asText())
                .isEqualTo("demo-text-echo--" + id);
    }

    @Test
    void theMergeOnlyAddsWhatTheIndexLacks() throws Exception {
        JsonNode index = M.readTree("{\"status\":\"completed\",\"steps\":{\"a\":{\"status\":\"completed\"},"
                + "\"b\":{\"status\":\"failed\",\"outputs\":{\"x\":1}}}}");
        JsonNode storage = M.readTree("{\"status\":\"running\",\"usage\":{\"tokens\":5},\"steps\":{\"a\":{\"status\":\"running\","
                + "\"outputs\":{\"text\":\"hi\"}},\"b\":{\"outputs\":{\"x\":2}},\"c\":{\"outputs\":{}}}}");
        assertThat(TrajectoryReader.needsStorage(index)).isTrue();
        assertThat(TrajectoryReader.needsStorage(M.readTree("{\"status\":\"running\",\"steps\":{\"a\":{}}}"))).isFalse();
        JsonNode merged = TrajectoryReader.merge(index, storage);
        assertThat(merged.get("status").asText()).as("the index's status stands").isEqualTo("completed");
        assertThat(merged.at("/steps/a/status").asText()).isEqualTo("completed");
        assertThat(merged.at("/steps/a/outputs/text").asText()).isEqualTo("hi");
        assertThat(merged.at("/steps/b/outputs/x").asInt()).isEqualTo(1);
        assertThat(merged.at("/steps/c/outputs").isObject()).isTrue();
        assertThat(merged.at("/usage/tokens").asInt()).isEqualTo(5);
        assertThat(index.at("/steps/a").has("outputs")).as("the input is not changed").isFalse();
    }

    // ---- E10: logs ids from the stored names ----------------------------------------------------------------

    @Test
    void logsUseTheRunsOwnNamesNotTheCasingAsTyped() {
        String id = finished("text-echo");
        JsonNode logs = ok(trajectories::logs, demo("{\"task\":\"Text-Echo\",\"trajectory_id\":\"" + id + "\"}"));
        assertThat(logs.get("workflow_id").asText()).isEqualTo("demo-text-echo--" + id);
        assertThat(sandbox.requests().matching("GET", "/api/v1/workflows-logs/.*")).extracting(RecordedRequest::path)
                .containsExactly("/api/v1/workflows-logs/demo-text-echo--" + id);
    }

    @Test
    void logsFallBackToTheNamesAsGivenWhenTheRunCannotBeRead() {
        String id = finished("text-echo");
        sandbox.faults().add(FaultRule.status("GET", "/api/v1/db/trajectory/.*", 503));
        ok(trajectories::logs, demo("{\"task\":\"text-echo\",\"trajectory_id\":\"" + id + "\"}"));
        assertThat(sandbox.requests().matching("GET", "/api/v1/workflows-logs/.*")).extracting(RecordedRequest::path)
                .containsExactly("/api/v1/workflows-logs/demo-text-echo--" + id);
        assertThat(TrajectoryTools.canonicalWorkflowId(M.createObjectNode().put("name", "other/text-echo"), "demo", "TEXT-echo", id))
                .as("a run naming another collection is never followed").isEqualTo("demo-TEXT-echo--" + id);
    }

    // ---- E9: a run never depends on use_trial_keys ----------------------------------------------------------

    @Test
    void aFailingTrialLookUpNeverStopsARun() {
        List<FaultRule> faults = List.of(FaultRule.status("GET", "/api/v1/trial/acme", 404),
                FaultRule.status("GET", "/api/v1/trial/acme", 500),
                FaultRule.hang("GET", "/api/v1/trial/acme"),
                FaultRule.status("GET", "/api/v1/trial/acme", 200).withBody("{\"trial\":{\"enabled\":\"yes\"}}"));
        for (FaultRule f : faults) {
            sandbox.reset();
            sandbox.faults().add(f);
            JsonNode run = ok(runs::run, call(SandboxSeeds.ACME_TOKEN, "acme", "{\"task\":\"triage\"}"));
            String id = run.get("trajectory_id").asText();
            assertThat(run.get("trial_keys").asText()).as(f.toString()).contains("not sent").contains("could not read the trial");
            List<RecordedRequest> posts = sandbox.requests().matching("POST", "/api/v1/run/acme/triage");
            assertThat(posts).hasSize(1);
            assertThat(posts.get(0).multipartFields()).doesNotContainKey("use_trial_keys");
            // Jetty applies trial keys itself: the model step runs
            sandbox.clock().advance(Duration.ofSeconds(60));
            JsonNode done = ok(trajectories::get, call(SandboxSeeds.ACME_TOKEN, "acme", "{\"task\":\"triage\",\"trajectory_id\":\"" + id + "\"}"));
            assertThat(done.get("status").asText()).as(f.toString()).isEqualTo("completed");
        }
    }

    @Test
    void anUndecidedTrialIsMentionedOnlyWhenItMatters() {
        sandbox.faults().add(FaultRule.status("GET", "/api/v1/trial/demo", 503));
        JsonNode run = ok(runs::run, demo("{\"task\":\"text-echo\"}"));
        assertThat(run.get("trial_keys").asText()).isEqualTo("not sent (auto: the collection has OPENROUTER_API_KEY)");
    }
}
