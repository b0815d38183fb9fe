package io.jettymcp.tool;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.api.JettyApi;
import io.jettymcp.api.RetryPolicy;
import io.jettymcp.catalog.trajectories.TrajectoryReader;
import io.jettymcp.catalog.trajectories.TrajectoryTools;
import io.jettymcp.catalog.trajectories.TrajectoryView;
import io.jettymcp.catalog.trajectories.TrajectoryWaiter;
import io.jettymcp.config.Token;
import io.jettymcp.guard.CollectionScope;
import io.jettymcp.guard.Tenant;
import io.jettymcp.redact.Redactor;
import io.jettymcp.sandbox.FaultKind;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11 F1: every place that shortens upstream text, driven through the real tool code with a registered
 * 22-character value placed at every offset across the cut: no 4 of its characters may survive.
 */
class CutRedactionTest {

    static final ObjectMapper M = new ObjectMapper();
    static final String SECRET = "Qz7xWv9KpL2mRt4YhB8nJd";
    /** F2: a value with a quote and a backslash, which JSON escapes */
    static final String QUOTED = "pa\"ss\\w0rd";
    static final String TRAJ = "/api/v1/db/trajectory/demo/t1/abc123";

    static InProcess server;
    static SandboxServer sandbox;
    static Redactor redactor;
    static ToolContext ctx;

    @BeforeAll
    static void start() {
        redactor = new Redactor();
        redactor.register(SandboxSeeds.DEMO_TOKEN);
        redactor.register(SECRET);
        redactor.register(QUOTED);
        // the server's own set holds only its token: the values below are the caller's, not the server's
        server = InProcess.builder().settings(s -> s.outputCapBytes(65536)).build();
        sandbox = server.sandbox();
        ctx = server.ctx();
        // the caller's own values: cuts are made with the calling tenant's set
        server.tenant().secrets().registerAll(List.of(SECRET, QUOTED));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void reset() {
        sandbox.reset();
    }

    /** A text whose cut at {@code cap} falls {@code k} characters into the value (0: it starts at the cut). */
    static String across(int cap, int k) {
        return "x".repeat(cap - k) + SECRET + "y".repeat(80);
    }

    static String quoted(String s) {
        try {
            return M.writeValueAsString(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void assertNoFragment(String out, String where, int k) {
        for (int i = 0; i + 4 <= SECRET.length(); i++) {
            assertThat(out).as("%s with the cut %d characters into the value", where, k).doesNotContain(SECRET.substring(i, i + 4));
        }
    }

    static String call(String tool, Map<String, Object> args) {
        McpSchema.CallToolResult r = server.call(tool, args);
        String text = InProcess.text(r);
        return r.structuredContent() == null ? text : text + "\n" + r.structuredContent();
    }

    /** For every offset: Jetty answers {@code method path} with {@code status} and the body made for it. */
    static void everyOffset(int cap, String path, int status, IntFunction<String> body, String tool, Map<String, Object> args) {
        for (int k = 0; k <= SECRET.length(); k++) {
            sandbox.faults().clear();
            sandbox.faults().add(new FaultRule("GET", path, FaultKind.STATUS, status, body.apply(k), 0, 0, -1, 0));
            assertNoFragment(call(tool, args), tool, k);
        }
    }

    static final Map<String, Object> RUN = Map.of("collection", "demo", "task", "t1", "trajectory_id", "abc123");

    @Test
    void stepOutputsAndInitParamsOfAViewAreCutWithoutAFragment() {
        everyOffset(TrajectoryView.STRING_CAP, TRAJ, 200, k -> "{\"trajectory_id\":\"abc123\",\"status\":\"running\","
                + "\"init_params\":{\"prompt\":" + quoted(across(TrajectoryView.STRING_CAP, k)) + "},"
                + "\"steps\":{\"s1\":{\"status\":\"running\",\"outputs\":{\"text\":" + quoted(across(TrajectoryView.STRING_CAP, k))
                + "}}}}", "get-trajectory", RUN);
    }

    @Test
    void logMessagesAreCutWithoutAFragment() {
        everyOffset(TrajectoryTools.LOG_MESSAGE_CAP, "/api/v1/workflows-logs/.*", 200,
                k -> "{\"events\":[{\"level\":\"info\",\"message\":" + quoted(across(TrajectoryTools.LOG_MESSAGE_CAP, k)) + "}]}",
                "get-workflow-logs", RUN);
    }

    @Test
    void jettyErrorDetailIsCutWithoutAFragment() {
        everyOffset(500, TRAJ, 400, k -> "{\"detail\":" + quoted(across(500, k)) + "}", "get-trajectory", RUN);
    }

    @Test
    void malformedJsonHeadIsCutWithoutAFragment() {
        everyOffset(200, "/api/v1/db/trajectories/demo/t1", 200, k -> "{" + across(200, k).substring(1),
                "list-trajectories", Map.of("collection", "demo", "task", "t1"));
    }

    @Test
    void listTrajectoriesRowErrorsAreCutWithoutAFragment() {
        everyOffset(200, "/api/v1/db/trajectories/demo/t1", 200, k -> "{\"trajectories\":[{\"trajectory_id\":\"abc123\","
                + "\"status\":\"failed\",\"error\":" + quoted(across(200, k)) + "}],\"total\":1}",
                "list-trajectories", Map.of("collection", "demo", "task", "t1"));
    }

    @Test
    void diagnoseErrorsAreCutWithoutAFragment() {
        everyOffset(600, TRAJ, 200, k -> "{\"trajectory_id\":\"abc123\",\"status\":\"failed\",\"error\":"
                + quoted(across(600, k)) + ",\"steps\":{}}", "diagnose-trajectory", RUN);
    }

    @Test
    void routineRunErrorsAreCutWithoutAFragment() {
        everyOffset(300, "/api/v1/routines/demo/t1/r1/runs", 200, k -> "{\"trajectories\":[{\"trajectory_id\":\"abc123\","
                + "\"status\":\"failed\",\"error\":" + quoted(across(300, k)) + "}]}",
                "list-routine-runs", Map.of("collection", "demo", "task", "t1", "name", "r1"));
    }

    @Test
    void theLastProgressMessageOfAFailedRunIsCutWithoutAFragment() {
        JettyApi api = JettyApi.create(sandbox.baseUrl(), new Token(SandboxSeeds.DEMO_TOKEN, "t"), Duration.ofSeconds(2),
                Duration.ofSeconds(5), RetryPolicy.NONE, M, "t");
        TrajectoryWaiter waiter = new TrajectoryWaiter(new TrajectoryReader(ctx));
        for (int k = 0; k <= SECRET.length(); k++) {
            sandbox.faults().clear();
            sandbox.faults().add(new FaultRule("GET", TRAJ, FaultKind.STATUS, 200, "{\"trajectory_id\":\"abc123\","
                    + "\"status\":\"failed\",\"error\":" + quoted(across(120, k)) + ",\"steps\":{}}", 0, 0, -1, 0));
            List<String> messages = new CopyOnWriteArrayList<>();
            // as the guard chain builds it: the call's client carries the caller's redaction set
            ToolCall call = new ToolCall(null, M.createObjectNode(), "demo",
                    new Tenant(api.withRedactor(redactor), new CollectionScope(Set.of(), api)),
                    (p, total, message) -> {
                        messages.add(message);
                        return Mono.empty();
                    });
            waiter.await(call, "demo", "t1", "abc123", Duration.ofSeconds(5)).block(Duration.ofSeconds(20));
            assertThat(messages).isNotEmpty();
            assertNoFragment(String.join("\n", messages), "final progress", k);
        }
    }

    @Test
    void aNonStringErrorDetailDoesNotHideAValueByEscapingIt() {
        String escaped = quoted(QUOTED); // "pa\"ss\\w0rd" with its quotes
        for (String body : List.of("{\"detail\":{\"password\":" + escaped + ",\"msg\":\"rejected\"}}",
                "{\"detail\":{\"password\":" + escaped + ",\"msg\":\"" + "z".repeat(600) + "\"}}",
                "{\"detail\":{\"msg\":\"" + "z".repeat(470) + "\",\"password\":" + escaped + "}}")) {
            sandbox.faults().clear();
            sandbox.faults().add(new FaultRule("GET", TRAJ, FaultKind.STATUS, 400, body, 0, 0, -1, 0));
            String out = call("get-trajectory", RUN);
            assertThat(out).contains("400");
            assertThat(out).doesNotContain(QUOTED).doesNotContain(escaped.substring(1, escaped.length() - 1))
                    .doesNotContain("ss\\\\w0rd").doesNotContain("pa\\\"ss");
        }
    }
}
