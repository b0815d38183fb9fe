package io.jettymcp.bench;

import io.jettymcp.e2e.support.HttpServerProcess;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Load test of the Streamable HTTP transport (a benchmark entry point, not a unit test): N SDK
 * clients, each with its own session, make M tool calls each at once against a packaged server on
 * loopback, which talks to the in-process sandbox. Reports throughput, latency percentiles, errors
 * and the server's resident memory before and after.
 *
 * <pre>
 * mvn -q -B -o package -DskipTests
 * java -cp target/jetty-mcp.jar:target/test-classes io.jettymcp.bench.LoadBench 100 50
 * </pre>
 */
public final class LoadBench {

    /** What one run measured; latencies in microseconds. */
    public record Result(int clients, int callsPerClient, int calls, int errors, double seconds, long[] latenciesMicros,
                         long rssBeforeKb, long rssAfterKb, List<String> errorSamples) {

        public double throughput() {
            return calls / seconds;
        }

        public long percentile(double p) {
            if (latenciesMicros.length == 0) {
                return 0;
            }
            int i = (int) Math.ceil(p / 100.0 * latenciesMicros.length) - 1;
            return latenciesMicros[Math.max(0, Math.min(latenciesMicros.length - 1, i))];
        }
    }

    private LoadBench() {
    }

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        try (SandboxServer sandbox = SandboxServer.start(SandboxOptions.defaults());
             HttpServerProcess server = HttpServerProcess.builder().sandbox(sandbox.baseUrl(), SandboxSeeds.DEMO_TOKEN)
                     .args("--max-concurrent-calls", "64").start()) {
            run(server, clients, 1); // warm-up: JIT, connection pools, the scope lookup
            Result r = run(server, clients, calls);
            System.out.println(report(r));
        }
        System.exit(0);
    }

    /** Runs {@code clients} sessions × {@code calls} tool calls against a started server. */
    public static Result run(HttpServerProcess server, int clients, int calls) throws InterruptedException {
        List<McpSyncClient> sessions = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            sessions.add(server.streamable(Map.of()));
        }
        long rssBefore = rssKb(server.process().pid());
        long[] lat = new long[clients * calls];
        AtomicInteger errors = new AtomicInteger();
        List<String> samples = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread t = new Thread(() -> {
                McpSyncClient mcp = sessions.get(client);
                try {
                    start.await();
                    for (int k = 0; k < calls; k++) {
                        long t0 = System.nanoTime();
                        try {
                            McpSchema.CallToolResult res = k % 2 == 0
                                    ? mcp.callTool(new McpSchema.CallToolRequest("get-task", Map.of("task", "text-echo")))
                                    : mcp.callTool(new McpSchema.CallToolRequest("list-tasks", Map.of("limit", 5)));
                            if (Boolean.TRUE.equals(res.isError())) {
                                errors.incrementAndGet();
                                if (samples.size() < 5) {
                                    samples.add(String.valueOf(res.content()));
                                }
                            }
                        } catch (RuntimeException e) {
                            errors.incrementAndGet();
                            if (samples.size() < 5) {
                                samples.add(e.toString());
                            }
                        }
                        lat[client * calls + k] = (System.nanoTime() - t0) / 1000;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }, "load-client-" + c);
            t.setDaemon(true);
            t.start();
        }
        long t0 = System.nanoTime();
        start.countDown();
        done.await();
        double seconds = (System.nanoTime() - t0) / 1e9;
        long rssAfter = rssKb(server.process().pid());
        sessions.forEach(s -> {
            try {
                s.closeGracefully();
            } catch (RuntimeException ignored) {
                // the session may already be gone
            }
        });
        Arrays.sort(lat);
        return new Result(clients, calls, clients * calls, errors.get(), seconds, lat, rssBefore, rssAfter, List.copyOf(samples));
    }

    static String report(Result r) {
        return String.format("clients=%d calls/client=%d calls=%d errors=%d%n"
                        + "wall=%.2f s throughput=%.0f calls/s%n"
                        + "latency ms: p50=%.1f p90=%.1f p99=%.1f max=%.1f%n"
                        + "server RSS: before=%d MB after=%d MB%s",
                r.clients(), r.callsPerClient(), r.calls(), r.errors(), r.seconds(), r.throughput(),
                r.percentile(50) / 1000.0, r.percentile(90) / 1000.0, r.percentile(99) / 1000.0,
                r.percentile(100) / 1000.0, r.rssBeforeKb() / 1024, r.rssAfterKb() / 1024,
                r.errorSamples().isEmpty() ? "" : "\nerror samples: " + r.errorSamples());
    }

    /** Resident set size of a process from /proc (Linux); -1 elsewhere. */
    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D+", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
