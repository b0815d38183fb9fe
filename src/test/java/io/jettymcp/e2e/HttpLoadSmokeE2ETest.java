package io.jettymcp.e2e;

import io.jettymcp.bench.LoadBench;
import io.jettymcp.e2e.support.HttpServerProcess;
import io.jettymcp.e2e.support.SandboxTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load benchmark in miniature: concurrent sessions over Streamable HTTP with a low call cap (so
 * calls queue), and not one error. Speed is reported by the benchmark, never asserted here.
 */
class HttpLoadSmokeE2ETest extends SandboxTest {

    @Test
    void concurrentSessionsMakeCallsWithoutErrors() throws Exception {
        try (HttpServerProcess server = demoHttpServer().args("--max-concurrent-calls", "2").start()) {
            LoadBench.Result r = LoadBench.run(server, 6, 10);
            assertThat(r.errors()).as(String.valueOf(r.errorSamples())).isZero();
            assertThat(r.calls()).isEqualTo(60);
            assertThat(sandbox.requests().matching("GET", "/api/v1/tasks/demo.*")).hasSizeGreaterThanOrEqualTo(60);
        }
    }
}
