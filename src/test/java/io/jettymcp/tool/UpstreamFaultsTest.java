package io.jettymcp.tool;

import io.jettymcp.api.RetryPolicy;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.sandbox.SandboxServer;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upstream faults through the whole chain, with the server's retries and a 2 s response timeout
 * (JETTY_TIMEOUT_SECONDS=2): reads are retried with backoff and succeed, writes are never retried, and every
 * failure is a clear tool error; the server keeps serving after each one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpstreamFaultsTest {

    static final String TASK = "/api/v1/tasks/demo/text-echo";
    static final Map<String, Object> GET_TASK = Map.of("task", "text-echo");
    static final Map<String, Object> CREATE_TASK = Map.of("name", "never-twice",
            "workflow", Map.of("steps", List.of(), "step_configs", Map.of(), "init_params", Map.of()));

    InProcess server;
    SandboxServer sandbox;

    @BeforeAll
    void start() {
        server = InProcess.builder().retry(RetryPolicy.DEFAULT).settings(s -> s.responseTimeout(Duration.ofSeconds(2))).build();
        sandbox = server.sandbox();
        server.ok("whoami", Map.of()); // learn the scope once, so request counts below are per tool call
    }

    @AfterAll
    void stop() {
        server.close();
    }

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

    /** Clears the faults and the recorded requests, then adds {@code rule}. */
    private void only(FaultRule rule) {
        sandbox.faults().clear();
        sandbox.requests().clear();
        sandbox.faults().add(rule);
    }

    private String taskName() {
        return server.ok("get-task", GET_TASK).path("name").asText();
    }

    @Test
    void transient5xxOnAReadIsRetriedAndSucceeds() {
        for (int status : List.of(500, 502, 503, 504)) {
            only(FaultRule.status("GET", TASK, status).withTimes(1));
            assertThat(taskName()).isEqualTo("text-echo");
            assertThat(calls("GET", TASK)).as("attempts after " + status).isEqualTo(2);
        }
    }

    @Test
    void edgeHtml5xxOnAReadIsRetriedLikeJson() {
        for (int status : List.of(500, 502, 503, 504)) {
            only(FaultRule.html5xx("GET", TASK, status).withTimes(1));
            assertThat(taskName()).isEqualTo("text-echo");
            assertThat(calls("GET", TASK)).as("attempts after an HTML " + status).isEqualTo(2);
        }
        // Cloudflare's own rate-limit page (error 1015) is HTML as well
        only(FaultRule.rateLimit("GET", TASK, 1).withTimes(1).withBody(
                "<!DOCTYPE html><html><head><title>Access denied | flows-api.jetty.io used Cloudflare to restrict access"
                        + "</title></head><body><h1>Error 1015</h1><p>You are being rate limited</p></body></html>"));
        assertThat(taskName()).isEqualTo("text-echo");
        assertThat(calls("GET", TASK)).as("attempts after an HTML 429").isEqualTo(2);
    }

    @Test
    void persistentEdgeHtml5xxStopsAfterBoundedAttemptsWithoutThePage() {
        sandbox.faults().add(FaultRule.html5xx("GET", TASK, 502));
        assertThat(server.error("get-task", GET_TASK)).contains("502").contains("HTML page")
                .doesNotContain("<html").doesNotContain("cf-wrapper");
        assertThat(calls("GET", TASK)).isEqualTo(3);
    }

    @Test
    void rateLimitHonoursRetryAfter() {
        sandbox.faults().add(FaultRule.rateLimit("GET", TASK, 1).withTimes(1));
        long t0 = System.nanoTime();
        server.ok("get-task", GET_TASK);
        assertThat((System.nanoTime() - t0) / 1_000_000).as("waited for Retry-After").isGreaterThanOrEqualTo(900);
        assertThat(calls("GET", TASK)).isEqualTo(2);
    }

    @Test
    void persistentFailureStopsAfterBoundedAttemptsWithAClearError() {
        sandbox.faults().add(FaultRule.status("GET", TASK, 503));
        assertThat(server.error("get-task", GET_TASK)).contains("503").contains("server error");
        assertThat(calls("GET", TASK)).isEqualTo(3);
    }

    @Test
    void writesAreNeverRetried() {
        sandbox.faults().add(FaultRule.status("POST", "/api/v1/tasks/demo", 502));
        assertThat(server.error("create-task", CREATE_TASK)).contains("502");
        assertThat(calls("POST", "/api/v1/tasks/demo")).isEqualTo(1);
        sandbox.faults().clear();
        sandbox.faults().add(FaultRule.reset("POST", "/api/v1/tasks/demo"));
        assertThat(server.error("create-task", CREATE_TASK)).contains("may or may not have been applied");
        assertThat(calls("POST", "/api/v1/tasks/demo")).isEqualTo(2);
        for (int status : List.of(502, 503)) {
            only(FaultRule.html5xx("POST", "/api/v1/tasks/demo", status));
            assertThat(server.error("create-task", CREATE_TASK)).contains(String.valueOf(status));
            assertThat(calls("POST", "/api/v1/tasks/demo")).as("POSTs after an HTML " + status).isEqualTo(1);
        }
    }

    @Test
    void cloudflarePagesAreRecognised() {
        sandbox.faults().add(FaultRule.html524("GET", TASK));
        assertThat(server.error("get-task", GET_TASK)).contains("524").contains("still be running").doesNotContain("<html");
        assertThat(calls("GET", TASK)).as("a 524 is not retried").isEqualTo(1);
        // a proxy passing Cloudflare's 524 page on as a 504 still means "may still be running": not retried
        only(FaultRule.status("GET", TASK, 504).withBody("<!DOCTYPE html><html><body><h1>A timeout occurred"
                + " <span>Error code 524</span></h1></body></html>"));
        assertThat(server.error("get-task", GET_TASK)).contains("524").contains("still be running");
        assertThat(calls("GET", TASK)).as("a 524 page is not retried whatever its status").isEqualTo(1);
        only(FaultRule.html1010("GET", TASK));
        assertThat(server.error("get-task", GET_TASK)).contains("1010").contains("not a token problem").doesNotContain("<html");
        assertThat(calls("GET", TASK)).as("a 1010 block is not retried").isEqualTo(1);
    }

    @Test
    void connectionResetOnAReadIsRetried() {
        sandbox.faults().add(FaultRule.reset("GET", TASK).withTimes(1));
        assertThat(taskName()).isEqualTo("text-echo");
        assertThat(calls("GET", TASK)).isEqualTo(2);
    }

    @Test
    void malformedAndOversizedAnswersAreClearErrors() {
        sandbox.faults().add(FaultRule.malformedJson("GET", TASK));
        assertThat(server.error("get-task", GET_TASK)).contains("malformed JSON");
        sandbox.faults().clear();
        sandbox.faults().add(FaultRule.oversizedBody("GET", TASK));
        // a 5 MB answer is read (the bound is 8 MB) but never reaches the model whole
        McpSchema.CallToolResult big = server.call("get-task", GET_TASK);
        assertThat(InProcess.text(big).length()).isLessThanOrEqualTo(16 * 1024);
    }

    @Test
    void anAnswerOverTheReadLimitIsAClearErrorAndNotRetried() {
        sandbox.faults().add(FaultRule.hugeBody("GET", TASK));
        assertThat(server.error("get-task", GET_TASK)).contains("larger than 8 MB").contains("was not read")
                .contains("Narrow the request").doesNotContain("xxxx");
        assertThat(calls("GET", TASK)).as("a too-large answer is not a transient failure").isEqualTo(1);
    }

    @Test
    void hangIsBoundedByTheTimeout() {
        sandbox.faults().add(FaultRule.hang("GET", TASK));
        assertThat(server.error("get-task", GET_TASK)).contains("No answer from Jetty within 2 s");
        // a timeout is never retried: one attempt, cut at the timeout the message names
        assertThat(calls("GET", TASK)).as("a timed-out read is not retried").isEqualTo(1);
    }

    @Test
    void latencyIsTolerated() {
        sandbox.faults().add(FaultRule.delay("GET", TASK, 700));
        assertThat(taskName()).isEqualTo("text-echo");
        assertThat(calls("GET", TASK)).isEqualTo(1);
    }
}
