package io.jettymcp.e2e;

import io.jettymcp.e2e.support.SandboxTest;
import io.jettymcp.e2e.support.ServerProcess;
import io.jettymcp.sandbox.SandboxSeeds;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code ./jetty-mcp} launcher's class caches and start-up hygiene, through the launcher itself: a stdio
 * session with a tool call, logged with {@code -Xlog:class+load} (passed in {@code JETTY_MCP_JAVA_OPTS}), shows
 * where the Reactor Netty client classes of the call come from — the cache ("source: shared objects file") or
 * the jar. Every launch here also checks that stderr carries no warning.
 */
class LauncherCacheE2ETest extends SandboxTest {

    private static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
    private static final String CLIENT = "reactor.netty.http.client.";

    /** The build JDK: {@code mvn package} trained a cache for it next to the jar, used from the first launch on. */
    @Test
    void theCacheBuiltAtPackageTimeServesTheFirstLaunch() throws Exception {
        Path home = Path.of(System.getProperty("java.home"));
        Path cacheHome = tempDir("xdg");
        Session first = session(home, ServerProcess.jar(), cacheHome);
        assertThat(first.clientClassesFromCache()).as("client classes from the cache").isPositive()
                .isEqualTo(first.clientClassesLoaded());
        assertThat(cacheHome.resolve("jetty-mcp")).as("nothing to train: no cache dir").doesNotExist();
        assertThat(version(home, ServerProcess.jar(), cacheHome)).contains("java: " + home)
                .containsPattern("class cache: .*/target/jetty-mcp-jdk\\d+-\\d+\\.(jsa|aot) \\(ready\\)");
    }

    /** A jar with no cache beside it (as for a JDK other than the build's): the first launch trains one. */
    @Test
    void aFirstLaunchTrainsTheCacheInTheBackgroundForTheNextOne() throws Exception {
        trainAndUse(Path.of(System.getProperty("java.home")));
    }

    @Test
    void onJdk25TheAotCacheIsTrainedAndUsed() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(JDK25.resolve("bin/java")), JDK25 + " is not installed: JDK 25 part skipped");
        trainAndUse(JDK25);
    }

    /** {@code --sandbox} starts the embedded sandbox's Netty server too: no warning on JDK 17 or 25 either. */
    @Test
    void aSandboxStartWarnsOfNothing() throws Exception {
        session(Path.of(System.getProperty("java.home")), ServerProcess.jar(), tempDir("xdg"), "--sandbox");
        if (Files.isExecutable(JDK25.resolve("bin/java"))) {
            session(JDK25, ServerProcess.jar(), tempDir("xdg"), "--sandbox");
        }
    }

    private void trainAndUse(Path home) throws Exception {
        Path jar = Files.copy(ServerProcess.jar(), tempDir("jar").resolve("jetty-mcp.jar"), StandardCopyOption.COPY_ATTRIBUTES);
        Path cacheHome = tempDir("xdg");
        assertThat(version(home, jar, cacheHome)).contains("java: " + home).contains("(none yet");

        Session first = session(home, jar, cacheHome); // killed by its client right after its answer
        assertThat(first.clientClassesLoaded()).isPositive();
        assertThat(first.clientClassesFromCache()).as("no cache yet").isZero();

        Path cache = awaitCache(cacheHome.resolve("jetty-mcp"));
        assertThat(version(home, jar, cacheHome)).contains("class cache: " + cache + " (ready)");
        Session second = session(home, jar, cacheHome);
        System.out.printf("launcher on %s: first launch %d of %d %s* classes (lambdas aside) from the cache, second %d of %d (%s)%n",
                home, first.clientClassesFromCache(), first.clientClassesLoaded(), CLIENT,
                second.clientClassesFromCache(), second.clientClassesLoaded(), cache.getFileName());
        assertThat(second.clientClassesFromCache()).as("client classes from the trained cache").isPositive()
                .isEqualTo(second.clientClassesLoaded());
    }

    /** The cache the background training writes, once it is there (its temp file and lock are gone then). */
    private static Path awaitCache(Path dir) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    List<Path> done = files.filter(f -> f.getFileName().toString().matches("jetty-mcp-jdk\\d+-\\d+\\.(jsa|aot)"))
                            .toList();
                    if (!done.isEmpty()) {
                        return done.get(0);
                    }
                }
            }
            Thread.sleep(500);
        }
        try (Stream<Path> files = Files.list(dir)) {
            throw new AssertionError("no cache was trained in " + dir + ": " + files.toList());
        }
    }

    /**
     * One stdio session through the launcher: initialize, list-collections against this class's sandbox, then the
     * client kills the server (as clients do). Asserts the answer and a stderr without warnings.
     */
    private Session session(Path javaHome, Path jar, Path cacheHome, String... args) throws Exception {
        Path log = tempDir("log").resolve("class-load.log");
        Process p = launcher(javaHome, jar, cacheHome, Map.of("JETTY_MCP_JAVA_OPTS", "-Xlog:class+load:file=" + log), args);
        List<String> err = Collections.synchronizedList(new ArrayList<>());
        Thread pump = new Thread(() -> new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))
                .lines().forEach(err::add));
        pump.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        OutputStream in = p.getOutputStream();
        send(in, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"e2e\",\"version\":\"1\"}}}");
        send(in, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        send(in, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"list-collections\",\"arguments\":{}}}");
        String answer;
        while ((answer = out.readLine()) != null && !answer.contains("\"id\":1")) {
            // initialize's answer and notifications
        }
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
        pump.join(10_000);
        assertThat(answer).as("list-collections answer; stderr: %s", err).contains("\"isError\":false").contains("demo");
        assertThat(String.join("\n", err)).as("stderr on %s", javaHome).doesNotContainIgnoringCase("warning");
        return Session.of(Files.readAllLines(log));
    }

    private String version(Path javaHome, Path jar, Path cacheHome) throws Exception {
        Process p = launcher(javaHome, jar, cacheHome, Map.of(), "--version");
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    private Process launcher(Path javaHome, Path jar, Path cacheHome, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("sh", ServerProcess.jar().getParent().getParent().resolve("jetty-mcp").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> e = pb.environment();
        e.clear();
        e.putAll(new HashMap<>(Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
                "HOME", tempDir("home").toString(), "XDG_CACHE_HOME", cacheHome.toString(),
                "JAVA_HOME", javaHome.toString(), "JETTY_MCP_JAR", jar.toString(),
                "JETTY_API_URL", sandbox.baseUrl(), "JETTY_API_TOKEN", SandboxSeeds.DEMO_TOKEN)));
        e.putAll(env);
        return pb.start();
    }

    private static void send(OutputStream in, String line) throws IOException {
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /**
     * What {@code -Xlog:class+load} said about the Reactor Netty client classes. Lambda classes are left out: when
     * two threads link one lambda at once, JDK 17 may spin a second copy of an archived one.
     */
    record Session(long clientClassesLoaded, long clientClassesFromCache) {
        static Session of(List<String> log) {
            List<String> client = log.stream().filter(l -> l.contains("[class,load] " + CLIENT) && !l.contains("$$Lambda")).toList();
            return new Session(client.size(), client.stream().filter(l -> l.contains("source: shared objects file")).count());
        }
    }
}
