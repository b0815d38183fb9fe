package io.jettymcp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.e2e.support.RawStdio;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cancellation byte by byte: notifications/cancelled stops a wait's polling at once (no further
 * requests, no answer), progress arrives on the wire with the client's token, and the server keeps
 * serving runs afterwards.
 */
class WaitCancelE2ETest {

    static final ObjectMapper M = new ObjectMapper();
    static SandboxServer sandbox;
    static RawStdio raw;

    @BeforeAll
    static void start() throws Exception {
        sandbox = SandboxServer.start(new SandboxOptions(0, 5L, 1.0)); // the runbook runs 30 virtual s
        raw = new RawStdio(Map.of("JETTY_API_URL", sandbox.baseUrl(), "JETTY_API_TOKEN", SandboxSeeds.DEMO_TOKEN),
                Files.createTempDirectory("jetty-mcp-cancel-home"));
        raw.initialize();
    }

    @AfterAll
    static void stop() {
        raw.close();
        sandbox.close();
    }

    private static String call(int id, String tool, String args, String progressToken) {
        String meta = progressToken == null ? "" : ",\"_meta\":{\"progressToken\":\"" + progressToken + "\"}";
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":" + args + meta + "}}";
    }

    private static void cancel(int id) throws Exception {
        raw.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":" + id
                + ",\"reason\":\"user stopped waiting\"}}");
    }

    /** Reads stdout until the message that matches; null after the timeout. Every line must be JSON-RPC. */
    private static JsonNode until(java.util.function.Predicate<JsonNode> match, int seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            String line = raw.next(1);
            if (line == null) {
                continue;
            }
            JsonNode n = M.readTree(line);
            assertThat(n.path("jsonrpc").asText()).as(line).isEqualTo("2.0");
            if (match.test(n)) {
                return n;
            }
        }
        return null;
    }

    private static JsonNode answer(int id, int seconds) throws Exception {
        return until(n -> n.path("id").asInt(-1) == id && !n.has("method"), seconds);
    }

    private static JsonNode result(int id) throws Exception {
        JsonNode a = answer(id, 30);
        assertThat(a).as("answer " + id).isNotNull();
        assertThat(a.path("result").path("isError").asBoolean()).as(a.toString()).isFalse();
        return M.readTree(a.path("result").path("content").get(0).path("text").asText());
    }

    private static int polls(String id) {
        return sandbox.requests().matching("GET", "/api/v1/db/trajectory/demo/pdf-amber-hawk/" + id).size();
    }

    @Test
    void cancellingAWaitStopsPollingAtOnceAndTheServerKeepsServing() throws Exception {
        raw.send(call(10, "run-task", "{\"task\":\"pdf-amber-hawk\"}", null));
        String id = result(10).path("trajectory_id").asText();

        raw.send(call(11, "wait-for-trajectory", "{\"task\":\"pdf-amber-hawk\",\"trajectory_id\":\"" + id
                + "\",\"timeout_seconds\":120}", "tok-11"));
        JsonNode note = until(n -> "notifications/progress".equals(n.path("method").asText()), 10);
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
        raw.send(call(13, "run-task", "{\"task\":\"text-echo\"}", null));
        assertThat(result(13).path("trajectory_id").asText()).matches("[0-9a-f]{8}");
        assertThat(answer(11, 1)).as("no answer for the cancelled wait").isNull();
    }

    @Test
    void cancellingACallAbortsItsUpstreamRequest() throws Exception {
        sandbox.faults().add(io.jettymcp.sandbox.FaultRule.hang("GET", "/api/v1/tasks/demo/judge"));
        try {
            raw.send(call(30, "get-task", "{\"task\":\"judge\"}", null));
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

    private static void awaitHeld(int count) throws InterruptedException {
        for (int i = 0; i < 100 && sandbox.heldConnections() != count; i++) {
            Thread.sleep(50);
        }
    }

    @Test
    void cancellingRunTaskWhileItWaitsLeavesExactlyOneRun() throws Exception {
        int before = sandbox.requests().matching("POST", "/api/v1/run/demo/pdf-amber-hawk").size();
        raw.send(call(20, "run-task", "{\"task\":\"pdf-amber-hawk\",\"wait_seconds\":120}", null));
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
