package io.jettymcp.bench;

import io.jettymcp.e2e.support.HttpServerProcess;
import io.jettymcp.e2e.support.ReplicaDriver;
import io.jettymcp.e2e.support.ReplicaFleet;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Replicas behind nginx, measured (issue 17 item 6; a benchmark entry point, not a test): calls/s, p50/p99 and
 * failures for one replica and for three behind nginx, steady, through a SIGTERM and through a SIGKILL; then the
 * failed calls left per SIGTERM drain, with and without upstream keepalive (the two kernel windows: a connection
 * completed between the last accept and the close, and an idle connection picked as it closes). Reuses the replica
 * test's driver and fleet. Writes docs/deployment-report.md.
 *
 * <pre>
 * mvn -q -B -o package -DskipTests
 * java -cp target/jetty-mcp.jar:target/test-classes io.jettymcp.bench.DeploymentBench 20 20   # drains, seconds per scenario
 * </pre>
 */
public final class DeploymentBench {

    static final String BEARER = "deployment-bench-bearer";

    record Row(String scenario, List<ReplicaDriver.Call> calls, double seconds) {
        long failures() {
            return calls.stream().filter(ReplicaDriver.Call::failed).count();
        }

        String line() {
            long[] ms = calls.stream().filter(c -> !c.failed()).mapToLong(c -> c.endMillis() - c.startMillis()).sorted().toArray();
            return String.format(Locale.ROOT, "| %s | %d | %.0f | %d | %d | %d |", scenario, calls.size(), calls.size() / seconds,
                    pct(ms, 50), pct(ms, 99), failures());
        }
    }

    static long pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private DeploymentBench() {
    }

    public static void main(String[] args) throws Exception {
        String load = Files.readString(Path.of("/proc/loadavg")).trim();
        int drains = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        List<Row> rows = new ArrayList<>();
        List<String> drainLines = new ArrayList<>();
        try (SandboxServer sandbox = SandboxServer.start(SandboxOptions.defaults())) {
            sandbox.faults().add(FaultRule.delay("POST", "/api/v1/run/.*", 300));
            HttpServerProcess one = HttpServerProcess.builder().sandbox(sandbox.baseUrl(), SandboxSeeds.DEMO_TOKEN)
                    .args("--stateless").env("JETTY_MCP_HTTP_TOKEN", BEARER).start();
            try {
                drive("warm-up", one.baseUrl(), Math.max(2, seconds / 2), () -> { }); // JIT, pools: not reported
                rows.add(drive("one replica, steady", one.baseUrl(), seconds, () -> { }));
            } finally {
                one.process().destroyForcibly();
            }
            try (ReplicaFleet fleet = new ReplicaFleet(sandbox.baseUrl(), SandboxSeeds.DEMO_TOKEN, BEARER, 3, true)) {
                drive("warm-up", fleet.nginxUrl(), Math.max(2, seconds / 2), () -> { });
                rows.add(drive("three behind nginx, steady", fleet.nginxUrl(), seconds, () -> { }));
                rows.add(drive("three behind nginx, SIGTERM at 40 %", fleet.nginxUrl(), seconds, () -> {
                    fleet.replica(1).process().toHandle().destroy();
                    fleet.replica(1).process().waitFor(60, TimeUnit.SECONDS);
                    fleet.restart(1);
                }));
                rows.add(drive("three behind nginx, SIGKILL at 40 %", fleet.nginxUrl(), seconds, () -> {
                    fleet.replica(2).process().destroyForcibly();
                    fleet.replica(2).process().waitFor(60, TimeUnit.SECONDS);
                    fleet.restart(2);
                }));
            }
            for (boolean keepalive : new boolean[] {true, false}) {
                try (ReplicaFleet fleet = new ReplicaFleet(sandbox.baseUrl(), SandboxSeeds.DEMO_TOKEN, BEARER, 3, keepalive)) {
                    ReplicaDriver driver = new ReplicaDriver(fleet.nginxUrl(), BEARER, "text-echo", "text-echo");
                    driver.start(16, 4);
                    Thread.sleep(2000);
                    int drainsWithFailures = 0;
                    List<Long> perDrain = new ArrayList<>();
                    for (int d = 0; d < drains; d++) {
                        int victim = d % 3;
                        long from = System.currentTimeMillis();
                        fleet.replica(victim).process().toHandle().destroy();
                        fleet.replica(victim).process().waitFor(60, TimeUnit.SECONDS);
                        fleet.restart(victim);
                        Thread.sleep(3000); // nginx's fail_timeout (2 s) passes; the replica takes calls again
                        perDrain.add(from);
                    }
                    List<ReplicaDriver.Call> calls = driver.stop();
                    long failed = calls.stream().filter(ReplicaDriver.Call::failed).count();
                    for (int d = 0; d < perDrain.size(); d++) {
                        long from = perDrain.get(d);
                        long to = d + 1 < perDrain.size() ? perDrain.get(d + 1) : Long.MAX_VALUE;
                        if (calls.stream().anyMatch(c -> c.failed() && c.endMillis() >= from && c.endMillis() < to)) {
                            drainsWithFailures++;
                        }
                    }
                    drainLines.add(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d |", keepalive ? "keepalive 32" : "none",
                            drains, calls.size(), failed, drainsWithFailures));
                }
            }
        }
        write(rows, drainLines, drains, seconds, load);
    }

    interface Action {
        void run() throws Exception;
    }

    static Row drive(String scenario, String url, int seconds, Action at40) throws Exception {
        ReplicaDriver driver = new ReplicaDriver(url, BEARER, "text-echo", "text-echo");
        long start = System.currentTimeMillis();
        driver.start(16, 4);
        Thread.sleep(seconds * 400L);
        at40.run();
        long left = start + seconds * 1000L - System.currentTimeMillis();
        if (left > 0) {
            Thread.sleep(left);
        }
        List<ReplicaDriver.Call> calls = driver.stop();
        return new Row(scenario, calls, (System.currentTimeMillis() - start) / 1000.0);
    }

    static void write(List<Row> rows, List<String> drainLines, int drains, int seconds, String load) throws Exception {
        String nginx = new String(new ProcessBuilder(ReplicaFleet.NGINX.toString(), "-v").redirectErrorStream(true).start()
                .getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        StringBuilder md = new StringBuilder("# Deployment report: replicas behind nginx\n\n");
        md.append("Generated by `java -cp target/jetty-mcp.jar:target/test-classes io.jettymcp.bench.DeploymentBench ")
                .append(drains).append(' ').append(seconds).append("` on ").append(Instant.now()).append(" (")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ").append(System.getProperty("java.version"))
                .append(", ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
                .append(", ").append(nginx).append("; the sandbox, the replicas, nginx and the driver share the machine; /proc/loadavg at the start: ")
                .append(load).append(").\n\n")
                .append("Driver: ReplicaDriver (the one ReplicasNginxE2ETest uses), 20 closed-loop workers (16 get-task, 4 run-task ")
                .append("with a unique marker; run starts delayed 0.3 s), each call sent once, never retried; a call fails ")
                .append("unless HTTP 200 with a result for its own id and isError false. nginx runs docs/deploy/nginx.conf. ")
                .append("Each JVM set is warmed up first (half a run, not reported). The signal goes to one replica at 40 % of ")
                .append("the run; it is restarted once it has exited, and the run lasts at least that long.\n\n")
                .append("| scenario | calls | calls/s | p50 ms | p99 ms | failed |\n|---|---|---|---|---|---|\n");
        rows.forEach(r -> md.append(r.line()).append('\n'));
        md.append("\n## SIGTERM drains: what the kernel windows leave\n\n")
                .append("Each drain: SIGTERM to one replica (default 5 s shutdown delay), wait for its exit, restart it, 3 s ")
                .append("for nginx to take it back; the driver runs throughout. A failed call during a drain is one of the ")
                .append("two windows the server cannot close: a connection completed between the listener's last accept and ")
                .append("its close (without keepalive every call opens one), or an idle upstream connection nginx picked as ")
                .append("the replica closed it (with keepalive).\n\n")
                .append("| upstream keepalive | drains | calls | failed calls | drains with a failure |\n|---|---|---|---|---|\n");
        drainLines.forEach(l -> md.append(l).append('\n'));
        Files.writeString(Path.of("docs/deployment-report.md"), md.toString());
        System.out.println(md);
    }
}
