package io.jettymcp.catalog.trajectories;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.JettyApi;
import io.jettymcp.api.RetryPolicy;
import io.jettymcp.config.Token;
import io.jettymcp.guard.CallSlot;
import io.jettymcp.guard.CollectionScope;
import io.jettymcp.guard.Tenant;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import io.jettymcp.tool.RecentRuns;
import io.jettymcp.tool.ToolCall;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The wait loop against the in-process sandbox, with a fast backoff so the tests stay short. */
class TrajectoryWaiterTest {

    static final ObjectMapper M = new ObjectMapper();
    static SandboxServer sandbox;
    static ToolCall call;
    final RecentRuns recent = new RecentRuns();
    final TrajectoryReader reader = new TrajectoryReader(recent, new TrajectoryReader.Patience(Duration.ofMillis(600),
            Duration.ofMillis(300), Duration.ofMillis(50), Duration.ofMillis(100)));
    final TrajectoryWaiter waiter = new TrajectoryWaiter(reader, Duration.ofMillis(50), Duration.ofMillis(200), 2);

    @BeforeAll
    static void start() {
        sandbox = SandboxServer.start(new SandboxOptions(0, 3L, 0.2));
        JettyApi api = JettyApi.create(sandbox.baseUrl(), new Token(SandboxSeeds.DEMO_TOKEN, "test"), Duration.ofSeconds(2),
                Duration.ofSeconds(5), RetryPolicy.NONE, M, "test");
        call = new ToolCall(null, M.createObjectNode(), "demo", new Tenant(api, new CollectionScope(Set.of(), api)), ToolCall.Progress.NONE);
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    static String run(String task) {
        JsonNode r = call.api().json(ApiRequest.multipart("/api/v1/run/demo/" + task, Map.of("init_params", "{}"), List.of()))
                .block(Duration.ofSeconds(10));
        return TrajectoryIds.trajectoryId(r.path("workflow_id").asText());
    }

    @Test
    void backoffGrowsToItsCeiling() {
        TrajectoryWaiter real = new TrajectoryWaiter(reader);
        Duration d = Duration.ofSeconds(1);
        List<Long> seen = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            seen.add(d.toMillis());
            d = real.next(d);
        }
        assertThat(seen).containsExactly(1000L, 1500L, 2250L, 3375L, 5062L, 7593L, 11389L, 15000L, 15000L);
    }

    @Test
    void waitsUntilTheRunEnds() {
        String id = run("text-echo");
        TrajectoryWaiter.Outcome out = waiter.await(call, "demo", "text-echo", id, Duration.ofSeconds(10)).block(Duration.ofSeconds(15));
        assertThat(out.done()).isTrue();
        assertThat(out.trajectory().path("status").asText()).isEqualTo("completed");
    }

    @Test
    void returnsTheLastStateWhenTheBudgetRunsOut() {
        String id = run("pdf-amber-hawk"); // 6 virtual seconds at 0.2 s per step unit
        TrajectoryWaiter.Outcome out = waiter.await(call, "demo", "pdf-amber-hawk", id, Duration.ofMillis(400)).block(Duration.ofSeconds(10));
        assertThat(out.done()).isFalse();
        assertThat(out.trajectory().path("status").asText()).isEqualTo("running");
        assertThat(out.waitedSeconds()).isBetween(0.3, 3.0);
    }

    @Test
    void theServersDrainLimitEndsAWaitWithWhatItSawLast() {
        String id = run("pdf-amber-hawk");
        io.jettymcp.tool.WaitLimit limit = new io.jettymcp.tool.WaitLimit();
        TrajectoryWaiter limited = new TrajectoryWaiter(reader, Duration.ofMillis(50), Duration.ofMillis(200), 2, limit);
        Mono<TrajectoryWaiter.Outcome> wait = limited.await(call, "demo", "pdf-amber-hawk", id, Duration.ofMinutes(10)).cache();
        wait.subscribe();
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (sandbox.requests().matching("GET", "/api/v1/db/trajectory/demo/pdf-amber-hawk/" + id).isEmpty()
                && System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        limit.reach(); // the server stops: its drain time is up
        TrajectoryWaiter.Outcome out = wait.block(Duration.ofSeconds(10));
        assertThat(out.done()).isFalse();
        assertThat(out.trajectory().path("status").asText()).isEqualTo("running");
    }

    @Test
    void transientFailuresDoNotEndTheWaitAndA404EndsItAfterItsWindow() {
        String id = run("text-echo");
        sandbox.faults().add(FaultRule.status("GET", "/api/v1/db/trajectory/.*", 503).withTimes(2));
        try {
            TrajectoryWaiter.Outcome out = waiter.await(call, "demo", "text-echo", id, Duration.ofSeconds(10)).block(Duration.ofSeconds(15));
            assertThat(out.done()).isTrue();
        } finally {
            sandbox.faults().clear();
        }
        // an id from elsewhere: 404s count as "not visible yet" for the short window only, then the wait ends
        TrajectoryWaiter.Outcome out = waiter.await(call, "demo", "text-echo", "deadbeef", Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
        assertThat(out.trajectory()).isNull();
        assertThat(out.notVisible()).contains("deadbeef").contains("not visible yet, it may still be queued");
        assertThat(out.waitedSeconds()).isLessThan(5);
    }

    @Test
    void rightAfterARunA404IsPolledAgainRatherThanFatal() {
        recent.record("demo", "text-echo", "0badc0de");
        TrajectoryWaiter.Outcome out = waiter.await(call, "demo", "text-echo", "0badc0de", Duration.ofMillis(300))
                .block(Duration.ofSeconds(10));
        assertThat(out.trajectory()).isNull();
        assertThat(out.done()).isFalse();
        assertThat(out.notVisible()).contains("0badc0de").contains("started it moments ago");
        assertThat(sandbox.requests().matching("GET", "/api/v1/db/trajectory/demo/text-echo/0badc0de").size()).isGreaterThan(1);
    }

    @Test
    void theWaitBetweenPollsIsSpentAwayFromTheCallsTurn() {
        String id = run("pdf-amber-hawk");
        java.util.concurrent.atomic.AtomicInteger away = new java.util.concurrent.atomic.AtomicInteger();
        CallSlot slot = new CallSlot() {
            @Override
            public <T> Mono<T> away(Mono<T> pause) {
                away.incrementAndGet();
                return pause;
            }
        };
        String path = "/api/v1/db/trajectory/demo/pdf-amber-hawk/" + id;
        int before = sandbox.requests().matching("GET", path).size();
        TrajectoryWaiter.Outcome out = waiter.await(call, "demo", "pdf-amber-hawk", id, Duration.ofMillis(400))
                .contextWrite(c -> c.put(CallSlot.KEY, slot)).block(Duration.ofSeconds(10));
        assertThat(out.done()).isFalse();
        int polls = sandbox.requests().matching("GET", path).size() - before;
        assertThat(polls).isGreaterThan(1);
        assertThat(away).hasValue(polls - 1); // every pause between two polls, and only those
    }

    @Test
    void disposingTheWaitStopsPolling() throws Exception {
        String id = run("pdf-amber-hawk");
        String path = "/api/v1/db/trajectory/demo/pdf-amber-hawk/" + id;
        Disposable d = waiter.await(call, "demo", "pdf-amber-hawk", id, Duration.ofSeconds(30)).subscribe();
        Thread.sleep(300);
        d.dispose();
        Thread.sleep(100);
        int atDispose = sandbox.requests().matching("GET", path).size();
        assertThat(atDispose).isPositive();
        Thread.sleep(600);
        assertThat(sandbox.requests().matching("GET", path)).hasSize(atDispose);
    }

    @Test
    void progressOnlyEverGrowsAndEndsAtTheTotal() throws Exception {
        List<double[]> sent = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        TrajectoryWaiter.Progress p = new TrajectoryWaiter.Progress((v, total, msg) -> {
            sent.add(new double[]{v, total == null ? -1 : total});
            messages.add(msg);
            return Mono.empty();
        }, new io.jettymcp.redact.Redactor());
        JsonNode pending = M.readTree("{\"status\":\"pending\",\"total_steps\":[\"a\",\"b\"],\"completed_steps\":[]}");
        JsonNode oneDone = M.readTree("{\"status\":\"running\",\"total_steps\":[\"a\",\"b\"],\"completed_steps\":[\"a\"]}");
        JsonNode done = M.readTree("{\"status\":\"completed\",\"total_steps\":[\"a\",\"b\"],\"completed_steps\":[\"a\",\"b\"]}");
        p.update(pending).block();
        p.update(pending).block();
        p.update(oneDone).block();
        p.update(oneDone).block();
        p.update(oneDone).block();
        p.finish(done).block();
        assertThat(sent).extracting(a -> a[0]).containsExactly(0.0, 0.5, 1.0, 1.5, 1.0 + 2 / 3.0, 2.0);
        assertThat(sent).allSatisfy(a -> assertThat(a[1]).isEqualTo(2.0));
        assertThat(messages.get(0)).isEqualTo("pending (0 of 2 steps done)");
        assertThat(messages.get(2)).isEqualTo("running: step 'b' (1 of 2 steps done)");
        assertThat(messages.get(5)).isEqualTo("completed");
    }

    @Test
    void aFailureAfterHeartbeatsStillGrowsAndSaysWhy() throws Exception {
        List<Double> sent = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        TrajectoryWaiter.Progress p = new TrajectoryWaiter.Progress((v, total, msg) -> {
            sent.add(v);
            messages.add(msg);
            return Mono.empty();
        }, new io.jettymcp.redact.Redactor());
        JsonNode running = M.readTree("{\"status\":\"running\",\"total_steps\":[\"a\"],\"completed_steps\":[]}");
        p.update(running).block();
        p.update(running).block();
        p.finish(M.readTree("{\"status\":\"failed\",\"error\":\"boom\",\"total_steps\":[\"a\"],\"completed_steps\":[]}")).block();
        assertThat(sent).containsExactly(0.0, 0.5, 0.51);
        assertThat(messages.get(2)).isEqualTo("failed: boom");
    }
}
