package io.jettymcp.e2e;

import io.jettymcp.bench.MixedWorkload;
import io.jettymcp.e2e.support.ProcessStats;
import io.jettymcp.e2e.support.SandboxTest;
import io.jettymcp.e2e.support.ServerProcess;
import io.jettymcp.sandbox.SandboxOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The soak benchmark's short version: a bounded number of mixed rounds, no unexpected error, and no
 * file descriptors or threads left behind. The full run (minutes, with a report) is SoakBench.
 */
class SoakSmokeE2ETest extends SandboxTest {

    @Override
    protected SandboxOptions sandboxOptions() {
        return new SandboxOptions(0, 42, 0.2);
    }

    @Test
    void mixedCallsLeaveNothingBehind() {
        try (ServerProcess server = demoServer().start()) {
            long pid = ProcessStats.serverPid();
            MixedWorkload work = new MixedWorkload(server);
            for (int i = 0; i < 20; i++) {
                work.round(i);
            }
            ProcessStats before = ProcessStats.of(pid).orElseThrow();
            for (int i = 20; i < 120; i++) {
                work.round(i);
            }
            ProcessStats after = ProcessStats.of(pid).orElseThrow();
            MixedWorkload.Tally t = work.tally();
            assertThat(t.unexpected()).as(String.valueOf(t.firstUnexpected())).isZero();
            assertThat(t.ok()).isGreaterThan(500);
            assertThat(after.fds()).as("file descriptors").isLessThanOrEqualTo(before.fds() + 4);
            assertThat(after.threads()).as("threads").isLessThanOrEqualTo(before.threads() + 4);
        }
    }
}
