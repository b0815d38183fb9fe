package io.jettymcp.catalog.trajectories;

import io.jettymcp.guard.ToolError;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrajectoryIdsTest {

    @Test
    void theTrajectoryIdIsTheSuffixAfterTheLastDoubleDash() {
        assertThat(TrajectoryIds.trajectoryId("jon-runbooks-pdf-amber-hawk--3bc97289")).isEqualTo("3bc97289");
        assertThat(TrajectoryIds.trajectoryId("a--b--c0ffee00")).isEqualTo("c0ffee00");
        assertThat(TrajectoryIds.trajectoryId("3bc97289")).isEqualTo("3bc97289");
        assertThat(TrajectoryIds.trajectoryId("my-run-id")).isEqualTo("my-run-id"); // ingested runs pick their own ids
    }

    @Test
    void anEmptyOrUnsafeSuffixIsRefused() {
        assertThatThrownBy(() -> TrajectoryIds.trajectoryId("demo-text-echo--")).isInstanceOf(ToolError.class)
                .hasMessageContaining("trajectory_id");
        assertThatThrownBy(() -> TrajectoryIds.trajectoryId("demo--..")).isInstanceOf(ToolError.class);
    }

    @Test
    void workflowIdsAndLinksAreBuiltAsJettyBuildsThem() {
        assertThat(TrajectoryIds.workflowId("jon-runbooks", "pdf-amber-hawk", "3bc97289"))
                .isEqualTo("jon-runbooks-pdf-amber-hawk--3bc97289");
        assertThat(TrajectoryIds.link("demo", "text-echo", "3bc97289")).isEqualTo("https://jetty.io/demo/text-echo/3bc97289");
        assertThat(TrajectoryIds.link("a b", "t/x", "3bc97289")).isEqualTo("https://jetty.io/a%20b/t%2Fx/3bc97289");
    }
}
