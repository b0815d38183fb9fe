package io.jettymcp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.e2e.support.RawStdio;
import io.jettymcp.e2e.support.ServerProcess;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.e2e.support.SandboxTest;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.jettymcp.e2e.support.RawStdio.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * stdio hygiene, byte by byte: bad lines answered and survived, cancellation honoured, a hung
 * upstream bounded by the timeout, end of input ending the process, nothing but JSON-RPC on stdout.
 */
class StdioE2ETest extends SandboxTest {

    static final ObjectMapper M = new ObjectMapper();

    /** A server with the launcher's heap (128 MB), the one stdio users get from {@code ./jetty-mcp}. */
    private RawStdio raw() {
        return rawStdio(ServerProcess.LAUNCHER_HEAP, Map.of("JETTY_TIMEOUT_SECONDS", "2"));
    }

    @Test
    void blankMalformedAndOverLongLinesGetParseErrorsAndReadingGoesOn() throws Exception {
        try (RawStdio r = raw()) {
            r.send("");
            assertThat(M.readTree(r.next(10)).path("error").path("code").asInt()).isEqualTo(-32700);
            r.send("{not json");
            assertThat(M.readTree(r.next(10)).path("error").path("code").asInt()).isEqualTo(-32700);
            r.send("[1,2]");
            assertThat(M.readTree(r.next(10)).path("error").path("code").asInt()).isEqualTo(-32600);
            r.send("{\"jsonrpc\":\"2.0\",\"id\":{\"x\":1},\"method\":\"ping\"}");
            assertThat(M.readTree(r.next(10)).path("error").path("code").asInt()).isEqualTo(-32600);
            r.send(toolCall(7, "whoami", "{}"));
            JsonNode ok = r.answer(7, 20);
            assertThat(ok).isNotNull();
            assertThat(ok.path("result").path("isError").asBoolean()).isFalse();

            int limit = 4 * 1024 * 1024; // characters per line, as the HTTP body limit
            // the longest line allowed is read and answered within the launcher's 128 MB heap
            r.send(paddedPing(8, limit));
            JsonNode longest = r.answer(8, 30);
            assertThat(longest).as("answer to a line of exactly the limit; stderr: %s", r.stderr()).isNotNull();
            assertThat(longest.has("result")).as(longest.toString()).isTrue();
            // one character more: dropped with a parse error that names the limit, and reading goes on
            r.send(paddedPing(9, limit + 1));
            JsonNode dropped = M.readTree(r.next(30));
            assertThat(dropped.path("id").isNull()).as(dropped.toString()).isTrue();
            assertThat(dropped.path("error").path("code").asInt()).isEqualTo(-32700);
            assertThat(dropped.path("error").path("message").asText()).contains("longer than " + limit + " characters");
            r.send("{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"ping\"}");
            assertThat(r.answer(10, 10)).as("ping after the dropped line").isNotNull();
        }
    }

    /**
     * A ping whose line is exactly {@code chars} characters long, padded with a character outside Latin-1:
     * the costliest text to hold (two bytes a character in a Java string).
     */
    private static String paddedPing(int id, int chars) {
        String head = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\",\"params\":{\"pad\":\"";
        String tail = "\"}}";
        return head + "\u4e2d".repeat(chars - head.length() - tail.length()) + tail;
    }

    @Test
    void cancellationStopsTheCallAndSuppressesItsAnswer() throws Exception {
        sandbox.faults().add(FaultRule.delay("GET", "/api/v1/tasks/demo/text-echo", 8000));
        try (RawStdio r = raw()) {
            r.send(toolCall(1, "whoami", "{}"));
            assertThat(r.answer(1, 20)).isNotNull(); // scope learned; the next call goes straight to the slow route
            r.send(toolCall(2, "get-task", "{\"task\":\"text-echo\"}"));
            Thread.sleep(500);
            r.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":2,\"reason\":\"user\"}}");
            r.send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}");
            assertThat(r.answer(3, 5)).as("ping after cancel").isNotNull();
            assertThat(r.answer(2, 3)).as("no answer for a cancelled request").isNull();
        } finally {
            sandbox.faults().clear();
        }
    }

    @Test
    void aHungUpstreamGivesATimeoutErrorWithinTheConfiguredTime() throws Exception {
        sandbox.faults().add(FaultRule.hang("GET", "/api/v1/tasks/demo/judge"));
        try (RawStdio r = raw()) {
            r.send(toolCall(1, "whoami", "{}"));
            assertThat(r.answer(1, 20)).isNotNull();
            int before = sandbox.requests().matching("GET", "/api/v1/tasks/demo/judge").size();
            long t0 = System.nanoTime();
            r.send(toolCall(2, "get-task", "{\"task\":\"judge\"}"));
            JsonNode res = r.answer(2, 20);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(res).isNotNull();
            assertThat(res.path("result").path("isError").asBoolean()).isTrue();
            assertThat(res.path("result").path("content").get(0).path("text").asText())
                    .contains("No answer from Jetty within 2 s").contains("JETTY_TIMEOUT_SECONDS");
            // a timeout is never retried: one attempt, cut at 2 s (the whole exchange at 3 s at most); 2 s of
            // slack for a loaded machine. Retrying it (3 x 2 s + backoff) would take over 6 s.
            assertThat(sandbox.requests().matching("GET", "/api/v1/tasks/demo/judge").size() - before)
                    .as("a timed-out read is not retried").isEqualTo(1);
            assertThat(ms).as("elapsed ms").isBetween(1_900L, 5_000L);
        } finally {
            sandbox.faults().clear();
        }
    }

    @Test
    void endOfInputEndsTheProcessPromptly() throws Exception {
        try (RawStdio r = raw()) {
            r.closeInput();
            assertThat(r.process().waitFor(5, TimeUnit.SECONDS)).isTrue();
            assertThat(r.process().exitValue()).isZero();
        }
    }
}
