package io.jettymcp.catalog.trajectories;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TrajectoryToolsTest {

    @Test
    void logLevelsRankWithCommonAliases() {
        assertThat(TrajectoryTools.rank("DEBUG")).isLessThan(TrajectoryTools.rank("info"));
        assertThat(TrajectoryTools.rank("warn")).isEqualTo(TrajectoryTools.rank("warning"));
        assertThat(TrajectoryTools.rank("fatal")).isEqualTo(TrajectoryTools.rank("critical"));
        assertThat(TrajectoryTools.rank("error")).isGreaterThan(TrajectoryTools.rank("warning"));
        assertThat(TrajectoryTools.rank("verbose-ish")).as("unknown levels count as info").isEqualTo(TrajectoryTools.rank("info"));
    }
}
