package io.jettymcp.e2e;

import io.jettymcp.e2e.support.ServerProcess;
import io.jettymcp.e2e.support.DemoServerTest;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.sandbox.SandboxSeeds;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upstream faults: reads are retried with backoff and succeed, writes are never retried, and every
 * failure is a clear tool error; the server keeps serving after each one.
 */
class FaultsE2ETest extends DemoServerTest {

    @Override
    protected ServerProcess.Builder configure(ServerProcess.Builder builder) {
        return builder.env("JETTY_TIMEOUT_SECONDS", "2");
    }

    @org.junit.jupiter.api.BeforeAll
    void learnScope() {
        server.ok("whoami", Map.of()); // learn the scope once, so request counts below are per tool call
    }

    static final String TASK = "/api/v1/tasks/demo/text-echo";

    @BeforeEach
    void clean() {
        sandbox.requests().clear();
    }

    @AfterEach
    void noFaults() {
        sandbox.faults().clear();
        assertThat(server.ok("whoami", Map.of()).path("collection_scope").asText()).as("still serving").isEqualTo("demo");
    }

    private int calls(String method, String path) {
        return sandbox.requests().matching(method, path).size();
    }

    @Test
    void transient5xxOnAReadIsRetriedAndSucceeds() {
        for (int status : List.of(500, 502, 503, 504)) {
            sandbox.requests().clear();
            sandbox.faults().clear();
            sandbox.faults().add(FaultRule.status("GET", TASK, status).withTimes(1));
            assertThat(server.ok("get-task", Map.of("task", "text-echo")).path("name").asText()).isEqualTo("text-echo");
            assertThat(calls("GET", TASK)).as("attempts after " + status).isEqualTo(2);
        }
    }

    @Test
    void edgeHtml5xxOnAReadIsRetriedLikeJson() {
        for (int status : List.of(500, 502, 503, 504)) {
            sandbox.requests().clear();
            sandbox.faults().clear();
            sandbox.faults().add(FaultRule.html5xx("GET", TASK, status).withTimes(1));
            assertThat(server.ok("get-task", Map.of("task", "text-echo")).path("name").asText()).isEqualTo("text-echo");
            assertThat(calls("GET", TASK)).as("attempts after an HTML " + status).isEqualTo(2);
        }
        // Cloudflare's own rate-limit page (error 1015) is HTML as well
        sandbox.requests().clear();
        sandbox.faults().clear();
        sandbox.faults().add(FaultRule.rateLimit("GET", TASK, 1).withTimes(1).withBody(
                "<!DOCTYPE html><html><head><title>Access denied | flows-api.jetty.io used Cloudflare to restrict access"
                        + "</title></head><body><h1>Error 1015</h1><p>You are being rate limited</p></body></html>"));
        assertThat(server.ok("get-task", Map.of("task", "text-echo")).path("name").asText()).isEqualTo("text-echo");
        assertThat(calls("GET", TASK)).as("attempts after an HTML 429").isEqualTo(2);
    }

    @Test
    void persistentEdgeHtml5xxStopsAfterBoundedAttemptsWithoutThePage() {
        sandbox.faults().add(FaultRule.html5xx("GET", TASK, 502));
        assertThat(server.error("get-task", Map.of("task", "text-echo"))).contains("502").contains("HTML page")
                .doesNotContain("<html").doesNotContain("cf-wrapper");
        assertThat(calls("GET", TASK)).isEqualTo(3);
    }

    @Test
    void rateLimitHonoursRetryAfter() {
        sandbox.faults().add(FaultRule.rateLimit("GET", TASK, 1).withTimes(1));
        long t0 = System.nanoTime();
        server.ok("get-task", Map.of("task", "text-echo"));
        assertThat((System.nanoTime() - t0) / 1_000_000).as("waited for Retry-After").isGreaterThanOrEqualTo(900);
        assertThat(calls("GET", TASK)).isEqualTo(2);
    }

    @Test
    void persistentFailureStopsAfterBoundedAttemptsWithAClearError() {
        sandbox.faults().add(FaultRule.status("GET", TASK, 503));
        String err = server.error("get-task", Map.of("task", "text-echo"));
        assertThat(err).contains("503").contains("server error");
        assertThat(calls("GET", TASK)).isEqualTo(3);
    }

    @Test
    void writesAreNeverRetried() {
        sandbox.faults().add(FaultRule.status("POST", "/api/v1/tasks/demo", 502));
        String err = server.error("create-task", Map.of("name", "never-twice",
                "workflow", Map.of("steps", List.of(), "step_configs", Map.of(), "init_params", Map.of())));
        assertThat(err).contains("502");
        assertThat(calls("POST", "/api/v1/tasks/demo")).isEqualTo(1);
        sandbox.faults().clear();
        sandbox.faults().add(FaultRule.reset("POST", "/api/v1/tasks/demo"));
        String reset = server.error("create-task", Map.of("name", "never-twice",
                "workflow", Map.of("steps", List.of(), "step_configs", Map.of(), "init_params", Map.of())));
        assertThat(reset).contains("may or may not have been applied");
        assertThat(calls("POST", "/api/v1/tasks/demo")).isEqualTo(2);
        for (int status : List.of(502, 503)) {
            sandbox.faults().clear();
            sandbox.requests().clear();
            sandbox.faults().add(FaultRule.html5xx("POST", "/api/v1/tasks/demo", status));
            assertThat(server.error("create-task", Map.of("name", "never-twice", "workflow",
                    Map.of("steps", List.of(), "step_configs", Map.of(), "init_params", Map.of())))).contains(String.valueOf(status));
            assertThat(calls("POST", "/api/v1/tasks/demo")).as("POSTs after an HTML " + status).isEqualTo(1);
        }
    }

    @Test
    void cloudflarePagesAreRecognised() {
        sandbox.faults().add(FaultRule.html524("GET", TASK));
        assertThat(server.error("get-task", Map.of("task", "text-echo"))).contains("524").contains("still be running")
                .doesNotContain("<html");
        assertThat(calls("GET", TASK)).as("a 524 is not retried").isEqualTo(1);
        sandbox.faults().clear();
        sandbox.requests().clear();
        // a proxy passing Cloudflare's 524 page on as a 504 still means "may still be running": not retried
        sandbox.faults().add(FaultRule.status("GET", TASK, 504).withBody("<!DOCTYPE html><html><body><h1>A timeout occurred"
                + " <span>Error code 524</span></h1></body></html>"));
        assertThat(server.error("get-task", Map.of("task", "text-echo"))).contains("524").contains("still be running");
        assertThat(calls("GET", TASK)).as("a 524 page is not retried whatever its status").isEqualTo(1);
        sandbox.faults().clear();
        sandbox.requests().clear();
        sandbox.faults().add(FaultRule.html1010("GET", TASK));
        assertThat(server.error("get-task", Map.of("task", "text-echo"))).contains("1010").contains("not a token problem")
                .doesNotContain("<html");
        assertThat(calls("GET", TASK)).as("a 1010 block is not retried").isEqualTo(1);
    }

    @Test
    void connectionResetOnAReadIsRetried() {
        sandbox.faults().add(FaultRule.reset("GET", TASK).withTimes(1));
        assertThat(server.ok("get-task", Map.of("task", "text-echo")).path("name").asText()).isEqualTo("text-echo");
    }

    @Test
    void malformedAndOversizedAnswersAreClearErrors() {
        sandbox.faults().add(FaultRule.malformedJson("GET", TASK));
        assertThat(server.error("get-task", Map.of("task", "text-echo"))).contains("malformed JSON");
        sandbox.faults().clear();
        sandbox.faults().add(FaultRule.oversizedBody("GET", TASK));
        // a 5 MB answer is read (the bound is 8 MB) but never reaches the model whole
        io.modelcontextprotocol.spec.McpSchema.CallToolResult big = server.call("get-task", Map.of("task", "text-echo"));
        assertThat(ServerProcess.text(big).length()).isLessThanOrEqualTo(16 * 1024);
    }

    @Test
    void anAnswerOverTheReadLimitIsAClearErrorAndNotRetried() {
        sandbox.faults().add(FaultRule.hugeBody("GET", TASK));
        String err = server.error("get-task", Map.of("task", "text-echo"));
        assertThat(err).contains("larger than 8 MB").contains("was not read").contains("Narrow the request")
                .doesNotContain("xxxx");
        assertThat(calls("GET", TASK)).as("a too-large answer is not a transient failure").isEqualTo(1);
    }

    @Test
    void hangIsBoundedByTheTimeout() {
        sandbox.faults().add(FaultRule.hang("GET", TASK));
        long t0 = System.nanoTime();
        assertThat(server.error("get-task", Map.of("task", "text-echo"))).contains("No answer from Jetty within 2 s");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        // a timeout is never retried: one attempt, cut at 2 s (the whole exchange at 3 s at most); 2 s of slack
        // for a loaded machine. Retrying it (3 x 2 s + backoff) would take over 6 s.
        assertThat(calls("GET", TASK)).as("a timed-out read is not retried").isEqualTo(1);
        assertThat(ms).as("elapsed ms").isBetween(1_900L, 5_000L);
    }

    @Test
    void latencyIsTolerated() {
        sandbox.faults().add(FaultRule.delay("GET", TASK, 700));
        assertThat(server.ok("get-task", Map.of("task", "text-echo")).path("name").asText()).isEqualTo("text-echo");
        assertThat(calls("GET", TASK)).isEqualTo(1);
    }
}
