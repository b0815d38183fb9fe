package io.jettymcp.bench;

import io.jettymcp.e2e.support.ProcessStats;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Start-up benchmark (not a test): spawn → initialize answered, tools/list size and resident memory
 * after a few calls, for this server (plain java -jar, and through the ./jetty-mcp launcher) and,
 * when installed, the official Node server, side by side against the same sandbox. Writes a report.
 *
 * <pre>
 * npm install --prefix /tmp/official jetty-mcp-server@1.1.0     # optional, for the comparison
 * (a JDK 25 under -Djdk25.home, default /usr/lib/jvm/temurin-25-jdk-amd64, adds the AOT-cache row)
 * java -cp target/jetty-mcp.jar:target/test-classes io.jettymcp.bench.StartupBench [runs] [report] [official-dir]
 * </pre>
 */
public final class StartupBench {

    private StartupBench() {
    }

    record Result(String name, List<Long> initMillis, long rssMb, int toolCount, int listBytes) {
        long median() {
            List<Long> s = new ArrayList<>(initMillis);
            s.sort(Long::compare);
            return s.get(s.size() / 2);
        }
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 11;
        Path report = Path.of(args.length > 1 ? args[1] : "docs/startup-report.md");
        Path official = Path.of(args.length > 2 ? args[2] : "/tmp/official");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Result> results = new ArrayList<>();
        try (SandboxServer sandbox = SandboxServer.start(SandboxOptions.defaults())) {
            Map<String, String> env = Map.of("JETTY_API_URL", sandbox.baseUrl(), "JETTY_API_TOKEN", SandboxSeeds.DEMO_TOKEN);
            results.add(measure("jetty-mcp: java -jar (JVM defaults)", List.of(java, "-jar", "target/jetty-mcp.jar"), env, runs));
            Path launcher = Path.of("jetty-mcp").toAbsolutePath();
            Files.deleteIfExists(Path.of("target/jetty-mcp.jsa"));
            measure("warm-up (writes the AppCDS archive)", List.of(launcher.toString()), env, 1);
            results.add(measure("jetty-mcp: ./jetty-mcp launcher, JDK 17 (AppCDS, C1, serial GC)", List.of(launcher.toString()), env, runs));
            Path jdk25 = Path.of(System.getProperty("jdk25.home", "/usr/lib/jvm/temurin-25-jdk-amd64"));
            if (Files.isExecutable(jdk25.resolve("bin/java"))) {
                Map<String, String> env25 = new java.util.HashMap<>(env);
                env25.put("JAVA_HOME", jdk25.toString());
                Files.deleteIfExists(Path.of("target/jetty-mcp.aot"));
                measure("warm-up (writes the AOT cache)", List.of(launcher.toString()), env25, 1);
                results.add(measure("jetty-mcp: ./jetty-mcp launcher, JDK 25 (AOT cache, C1, serial GC)",
                        List.of(launcher.toString()), env25, runs));
            }
            Path node = official.resolve("node_modules/jetty-mcp-server/dist/index.js");
            if (Files.isRegularFile(node)) {
                results.add(measure("official jetty-mcp-server@1.1.0 (node)", List.of("node", node.toString()), env, runs));
            }
        }
        write(report, runs, results);
        results.forEach(r -> System.err.printf("%-60s median %4d ms  RSS %3d MB  %d tools, %d B%n", r.name(), r.median(),
                r.rssMb(), r.toolCount(), r.listBytes()));
    }

    static Result measure(String name, List<String> cmd, Map<String, String> env, int runs) throws Exception {
        List<Long> times = new ArrayList<>();
        long rss = 0;
        int tools = 0;
        int bytes = 0;
        for (int i = 0; i < runs; i++) {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().putAll(env);
            long t0 = System.nanoTime();
            Process p = pb.start();
            OutputStream in = p.getOutputStream();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            send(in, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                    + "\"capabilities\":{},\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}");
            String init = out.readLine();
            times.add((System.nanoTime() - t0) / 1_000_000);
            if (init == null) {
                throw new IllegalStateException(name + ": no initialize answer");
            }
            if (i == runs - 1) {
                send(in, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
                send(in, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
                String list = out.readLine();
                bytes = list.getBytes(StandardCharsets.UTF_8).length;
                tools = list.split("\"inputSchema\"", -1).length - 1;
                for (int k = 0; k < 10; k++) {
                    String tool = k % 2 == 0 ? "list-tasks" : "get-task";
                    send(in, "{\"jsonrpc\":\"2.0\",\"id\":" + (10 + k) + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
                            + tool + "\",\"arguments\":{\"collection\":\"demo\",\"task\":\"text-echo\"}}}");
                    out.readLine();
                }
                rss = ProcessStats.of(p.pid()).map(s -> s.rssKb() / 1024).orElse(-1L);
            }
            in.close();
            p.waitFor();
        }
        return new Result(name, times, rss, tools, bytes);
    }

    private static void send(OutputStream in, String line) throws IOException {
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    private static void write(Path report, int runs, List<Result> results) throws IOException {
        StringBuilder sb = new StringBuilder("# Start-up report\n\n");
        sb.append("Generated by `java -cp target/jetty-mcp.jar:target/test-classes io.jettymcp.bench.StartupBench` on ")
                .append(Instant.now()).append(" (").append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
                .append(System.getProperty("java.version")).append("). Each server is spawned ").append(runs)
                .append(" times; spawn → `initialize` answered is timed; tools/list size and resident memory are read ")
                .append("after 10 tool calls against the sandbox.\n\n")
                .append("| server | median ms | all runs (ms) | RSS after calls | tools | tools/list bytes | bytes per tool |\n")
                .append("|---|---|---|---|---|---|---|\n");
        for (Result r : results) {
            sb.append("| ").append(r.name()).append(" | ").append(r.median()).append(" | ")
                    .append(Arrays.toString(r.initMillis().toArray())).append(" | ").append(r.rssMb()).append(" MB | ")
                    .append(r.toolCount()).append(" | ").append(r.listBytes()).append(" | ")
                    .append(r.toolCount() == 0 ? "-" : String.valueOf(r.listBytes() / r.toolCount())).append(" |\n");
        }
        Files.createDirectories(report.toAbsolutePath().getParent());
        Files.writeString(report, sb.toString());
    }
}
