package io.jettymcp.catalog.trajectories;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.sandbox.FaultKind;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.sandbox.RecordedRequest;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.tool.OnSandbox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** set-trajectory-status reads the documented /statuses answer (jetty-api.md §7 E7). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SetTrajectoryStatusTest {

    private static final String PATH = "/api/v1/trajectory/demo/text-echo/statuses";

    private final OnSandbox on = new OnSandbox();
    private final TrajectoryTools tools = new TrajectoryTools(on.ctx, new TrajectoryWaiter(new TrajectoryReader(on.ctx)));

    @BeforeEach
    void reset() {
        on.sandbox.reset();
    }

    @AfterAll
    void close() {
        on.close();
    }

    @ParameterizedTest(name = "production profile: {0}")
    @ValueSource(booleans = {false, true})
    void reportsUpdatedCountAndEveryPerIdError(boolean production) {
        if (production) {
            on.sandbox.switches().production();
        }
        String id = on.ingestedRun(SandboxSeeds.DEMO_TOKEN, "demo", "text-echo");
        on.sandbox.requests().clear();
        JsonNode out = tools.setStatus(on.call(SandboxSeeds.DEMO_TOKEN, "demo", """
                {"task":"text-echo","trajectory_ids":["%s","demo-text-echo--0badc0de"],"status":"archived"}""".formatted(id))).block();

        List<RecordedRequest> posts = on.sandbox.requests().matching("POST", PATH);
        assertThat(posts).hasSize(1);
        assertThat(posts.get(0).bodyJson()).isEqualTo(OnSandbox.json("{\"" + id + "\":\"archived\",\"0badc0de\":\"archived\"}"));

        assertThat(out.path("updated_count").asInt()).as(out.toString()).isEqualTo(1);
        assertThat(out.path("results")).hasSize(2);
        assertThat(out.at("/results/0/trajectory_id").asText()).isEqualTo(id);
        assertThat(out.at("/results/0/new_status").asText()).isEqualTo("archived");
        assertThat(out.path("errors")).hasSize(1);
        assertThat(out.at("/errors/0/trajectory_id").asText()).isEqualTo("0badc0de");
        assertThat(out.at("/errors/0/error").asText()).contains("0badc0de").contains("not found");
        assertThat(out.path("warning").asText()).contains("1 of 2").contains("0badc0de").contains("list-trajectories");
        assertThat(out.has("jetty")).as("the answer was read, not passed through").isFalse();
    }

    @Test
    void allChangedMeansNoWarning() {
        String id = on.ingestedRun(SandboxSeeds.DEMO_TOKEN, "demo", "text-echo");
        JsonNode out = tools.setStatus(on.call(SandboxSeeds.DEMO_TOKEN, "demo", """
                {"task":"text-echo","trajectory_ids":["%s"],"status":"cancelled"}""".formatted(id))).block();
        assertThat(out.path("updated_count").asInt()).isEqualTo(1);
        assertThat(out.has("errors")).isFalse();
        assertThat(out.has("warning")).as(out.toString()).isFalse();
    }

    @Test
    void anAnswerInAnotherShapeSaysTheChangeMayHaveHappened() {
        on.sandbox.faults().add(new FaultRule("POST", PATH, FaultKind.STATUS, 200, "{\"ok\":true}", 0, 0, -1, 0));
        JsonNode out = tools.setStatus(on.call(SandboxSeeds.DEMO_TOKEN, "demo", """
                {"task":"text-echo","trajectory_ids":["0badc0de"],"status":"cancelled"}""")).block();
        String warning = out.path("warning").asText();
        assertThat(warning).contains("unexpected shape").contains("updated_count").contains("may have happened")
                .contains("list-trajectories").contains("get-trajectory");
        assertThat(warning.toLowerCase()).doesNotContain("try again").doesNotContain("re-run");
        assertThat(out.path("jetty").toString()).isEqualTo("{\"ok\":true}");
        assertThat(out.has("updated_count")).isFalse();
        assertThat(on.sandbox.requests().matching("POST", PATH)).as("never sent twice").hasSize(1);
    }

    @Test
    void aPerIdErrorIsReportedEvenWhenJettyCountsItUpdated() {
        // documented variant: "updated" is a timestamp, not a flag; an error text is what marks a failure
        on.sandbox.faults().add(new FaultRule("POST", PATH, FaultKind.STATUS, 200, """
                {"results":[{"trajectory_id":"aaaa1111","new_status":"cancelled","updated":"2026-01-01T00:00:00","storage_path":"demo/text-echo/0000","error":null},
                            {"trajectory_id":"bbbb2222","new_status":"cancelled","updated":false,"error":"storage write failed"}],
                 "updated_count":1}""", 0, 0, -1, 0));
        JsonNode out = tools.setStatus(on.call(SandboxSeeds.DEMO_TOKEN, "demo", """
                {"task":"text-echo","trajectory_ids":["aaaa1111","bbbb2222","cccc3333"],"status":"cancelled"}""")).block();
        assertThat(out.path("updated_count").asInt()).isEqualTo(1);
        assertThat(out.path("errors").toString()).contains("bbbb2222").contains("storage write failed");
        assertThat(out.path("warning").asText()).contains("bbbb2222: storage write failed")
                .contains("cccc3333").contains("no result");
    }
}
