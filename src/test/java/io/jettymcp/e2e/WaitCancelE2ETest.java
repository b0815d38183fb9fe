package io.jettymcp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.e2e.support.RawStdio;
import io.jettymcp.e2e.support.SandboxTest;
import io.jettymcp.sandbox.SandboxOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.jettymcp.e2e.support.RawStdio.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cancellation byte by byte: notifications/cancelled stops a wait's polling at once (no further
 * requests, no answer), progress arrives on the wire with the client's token, and the server keeps
 * serving runs afterwards.
 */
class WaitCancelE2ETest extends SandboxTest {

    static final ObjectMapper M = new ObjectMapper();
    RawStdio raw;

    @Override
    protected SandboxOptions sandboxOptions() {
        return new SandboxOptions(0, 5L, 1.0); // the runbook runs 30 virtual s
    }

    @BeforeAll
    void start() {
        raw = rawStdio(List.of(), Map.of());
    }

    @AfterAll
    void stop() {
        raw.close();
    }

    private void cancel(int id) throws Exception {
        raw.cancel(id, "user stopped waiting");
    }

    private JsonNode answer(int id, int seconds) throws Exception {
        return raw.answer(id, seconds);
    }

    private JsonNode result(int id) throws Exception {
        JsonNode a = answer(id, 30);
        assertThat(a).as("answer " + id).isNotNull();
        assertThat(a.path("result").path("isError").asBoolean()).as(a.toString()).isFalse();
        return M.readTree(a.path("result").path("content").get(0).path("text").asText());
    }

    private int polls(String id) {
        return sandbox.requests().matching("GET", "/api/v1/db/trajectory/demo/pdf-amber-hawk/" + id).size();
    }

    @Test
    void cancellingAWaitStopsPollingAtOnceAndTheServerKeepsServing() throws Exception {
        raw.send(toolCall(10, "run-task", "{\"task\":\"pdf-amber-hawk\"}", null));
        String id = result(10).path("trajectory_id").asText();

        raw.send(toolCall(11, "wait-for-trajectory", "{\"task\":\"pdf-amber-hawk\",\"trajectory_id\":\"" + id
                + "\",\"timeout_seconds\":120}", "tok-11"));
        JsonNode note = raw.until(n -> "notifications/progress".equals(n.path("method").asText()), 10);
        assertThat(note).as("a progress notification").isNotNull();
        assertThat(note.path("params").path("progressToken").asText()).isEqualTo("tok-11");
        assertThat(note.path("params").path("message").asText()).contains("(0 of 1 steps done)");
        assertThat(note.path("params").path("total").asDouble()).isEqualTo(1.0);

        cancel(11);
        Thread.sleep(300);
        int atCancel = polls(id);
        Thread.sleep(3500); // the wait would have polled twice more by now (1 s, then 1.5 s)
        assertThat(polls(id)).as("no poll after the cancellation").isEqualTo(atCancel);
        raw.send("{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"ping\"}");
        assertThat(answer(12, 5)).as("ping after cancel").isNotNull();

        // a fresh run right after the cancellation goes through: the client is not left broken
        raw.send(toolCall(13, "run-task", "{\"task\":\"text-echo\"}", null));
        assertThat(result(13).path("trajectory_id").asText()).matches("[0-9a-f]{8}");
        assertThat(answer(11, 1)).as("no answer for the cancelled wait").isNull();
    }

    @Test
    void cancellingACallAbortsItsUpstreamRequest() throws Exception {
        sandbox.faults().add(io.jettymcp.sandbox.FaultRule.hang("GET", "/api/v1/tasks/demo/judge"));
        try {
            raw.send(toolCall(30, "get-task", "{\"task\":\"judge\"}", null));
            awaitHeld(1);
            assertThat(sandbox.heldConnections()).as("the request reached Jetty and hangs there").isEqualTo(1);
            cancel(30);
            awaitHeld(0); // the upstream timeout is far longer: only the abort closes the connection this soon
            assertThat(sandbox.heldConnections()).as("the server closed its upstream connection").isZero();
            assertThat(answer(30, 1)).as("no answer for the cancelled call").isNull();
        } finally {
            sandbox.faults().clear();
        }
    }

    private void awaitHeld(int count) throws InterruptedException {
        for (int i = 0; i < 100 && sandbox.heldConnections() != count; i++) {
            Thread.sleep(50);
        }
    }

    @Test
    void cancellingRunTaskWhileItWaitsLeavesExactlyOneRun() throws Exception {
        int before = sandbox.requests().matching("POST", "/api/v1/run/demo/pdf-amber-hawk").size();
        raw.send(toolCall(20, "run-task", "{\"task\":\"pdf-amber-hawk\",\"wait_seconds\":120}", null));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (sandbox.requests().matching("GET", "/api/v1/db/trajectory/demo/pdf-amber-hawk/.*").isEmpty()
                && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        cancel(20);
        Thread.sleep(300);
        int atCancel = sandbox.requests().matching("GET", "/api/v1/db/trajectory/.*").size();
        Thread.sleep(2500);
        assertThat(sandbox.requests().matching("GET", "/api/v1/db/trajectory/.*")).hasSize(atCancel);
        assertThat(sandbox.requests().matching("POST", "/api/v1/run/demo/pdf-amber-hawk")).hasSize(before + 1);
        assertThat(answer(20, 1)).isNull();
    }
}
