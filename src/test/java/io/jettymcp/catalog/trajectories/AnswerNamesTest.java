package io.jettymcp.catalog.trajectories;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.catalog.runs.RunTools;
import io.jettymcp.sandbox.FaultKind;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.sandbox.RecordedRequest;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.tool.OnSandbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Names and ids taken from Jetty's answers reach a request path only after the checks a caller's own
 * names pass (F15): a bad one is skipped with a note, and no request is made with it.
 */
class AnswerNamesTest {

    final OnSandbox sb = new OnSandbox();
    final TrajectoryReader reader = new TrajectoryReader(sb.ctx);

    @AfterEach
    void close() {
        sb.close();
    }

    /** A failed run whose fan-out step names {@code childName}/{@code childId} as its failed child. */
    static String parentWithChild(String childName, String childId) {
        return "{\"trajectory_id\":\"abcd1234\",\"status\":\"failed\",\"error\":\"child failed\","
                + "\"steps\":{\"fan\":{\"status\":\"failed\",\"activity\":\"fan_out\",\"error\":\"child failed\","
                + "\"outputs\":{\"trajectory_references\":[{\"name\":\"" + childName + "\",\"trajectory_id\":\""
                + childId + "\",\"status\":\"failed\"}]}}},"
                + "\"completed_steps\":[],\"total_steps\":[\"fan\"]}";
    }

    @Test
    void diagnoseNeverBuildsAPathFromABadChildNameOrId() {
        for (String[] child : new String[][]{{"demo/../..", "ffff0000"}, {"..", "ffff0000"}, {"demo/child", "../../x"}}) {
            sb.sandbox.reset();
            sb.sandbox.faults().add(new FaultRule("GET", "/api/v1/db/trajectory/demo/parent/abcd1234", FaultKind.STATUS, 200,
                    parentWithChild(child[0], child[1]), 0, 0, -1, 0));
            JsonNode report = new Diagnosis(OnSandbox.M, reader)
                    .diagnose(sb.call(SandboxSeeds.DEMO_TOKEN, "demo", "{\"task\":\"parent\",\"trajectory_id\":\"abcd1234\"}"))
                    .block(Duration.ofSeconds(20));
            List<RecordedRequest> made = sb.sandbox.requests().all();
            assertThat(made).as(child[0] + " " + child[1]).extracting(RecordedRequest::path)
                    .noneMatch(p -> p.contains("..") || p.contains("%2F") || p.contains("%2f"));
            assertThat(report.toString()).as(child[0] + " " + child[1]).contains("skipped");
        }
    }

    @Test
    void runTaskNeverPollsAPathBuiltFromABadWorkflowId() {
        sb.sandbox.faults().add(new FaultRule("POST", "/api/v1/run/demo/text-echo", FaultKind.STATUS, 200,
                "{\"workflow_id\":\"demo-text-echo--../../x\",\"message\":\"started\"}", 0, 0, -1, 0));
        RunTools runs = new RunTools(sb.ctx, new TrajectoryWaiter(reader), Duration.ofSeconds(2));
        JsonNode answer = runs.run(sb.call(SandboxSeeds.DEMO_TOKEN, "demo", "{\"task\":\"text-echo\",\"wait_seconds\":2}"))
                .block(Duration.ofSeconds(30));
        assertThat(sb.sandbox.requests().all()).extracting(RecordedRequest::path)
                .noneMatch(p -> p.contains("..") || p.contains("%2F") || p.contains("%2f"));
        assertThat(answer.path("workflow_id").asText()).isEqualTo("demo-text-echo--../../x");
        assertThat(answer.path("next").asText()).contains("list-trajectories").doesNotContainIgnoringCase("try again");
    }
}
