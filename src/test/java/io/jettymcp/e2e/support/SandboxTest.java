package io.jettymcp.e2e.support;

import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The one base of every e2e class: an in-process sandbox started once for the class, and the ways to start the
 * packaged server against it — stdio through the SDK client ({@link #serverFor}), over HTTP
 * ({@link #httpServerFor}), or byte by byte ({@link #rawStdio}) — plus temp dirs and seeding through the
 * sandbox's REST API. {@code E2eBaseTest} checks that every {@code *E2ETest} extends it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SandboxTest {

    protected SandboxServer sandbox;

    /** This class's temp dirs live here, made on first use and deleted after the class (JUnit's @TempDir is per test). */
    private Path classDir;

    /** Sandbox options for this class; override for, e.g., faster virtual steps. */
    protected SandboxOptions sandboxOptions() {
        return SandboxOptions.defaults();
    }

    /** Sandbox switches for this class, set once after the sandbox starts (a {@code reset()} clears them). */
    protected void configureSandbox(SandboxServer sandbox) {
    }

    @BeforeAll
    void startSandbox() {
        sandbox = SandboxServer.start(sandboxOptions());
        configureSandbox(sandbox);
    }

    @AfterAll
    void stopSandbox() throws IOException {
        sandbox.close();
        if (classDir != null) {
            try (Stream<Path> all = Files.walk(classDir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A stdio server builder pointed at this class's sandbox with the given token (null: none). */
    protected ServerProcess.Builder serverFor(String token) {
        return ServerProcess.builder().sandbox(sandbox.baseUrl(), token);
    }

    protected ServerProcess.Builder demoServer() {
        return serverFor(SandboxSeeds.DEMO_TOKEN);
    }

    /** An HTTP-mode server builder ({@code --http 127.0.0.1:0}) pointed at this class's sandbox (token null: none). */
    protected HttpServerProcess.Builder httpServerFor(String token) {
        return HttpServerProcess.builder().sandbox(sandbox.baseUrl(), token);
    }

    protected HttpServerProcess.Builder demoHttpServer() {
        return httpServerFor(SandboxSeeds.DEMO_TOKEN);
    }

    /**
     * A stdio server with the demo key and a fresh home, driven byte by byte and already initialized.
     * {@code env} adds to (or overrides) the sandbox URL and key; {@code jvm} adds JVM flags.
     */
    protected RawStdio rawStdio(List<String> jvm, Map<String, String> env, String... args) {
        Map<String, String> all = new HashMap<>(Map.of("JETTY_API_URL", sandbox.baseUrl(), "JETTY_API_TOKEN", SandboxSeeds.DEMO_TOKEN));
        all.putAll(env);
        try {
            RawStdio raw = new RawStdio(jvm, all, tempDir("home"), args);
            raw.initialize();
            return raw;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A new, empty directory, deleted after the class. */
    protected Path tempDir(String prefix) {
        try {
            if (classDir == null) {
                classDir = Files.createTempDirectory("jetty-mcp-e2e");
            }
            return Files.createTempDirectory(classDir, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A policy file ({@code --policy}) with this content, deleted after the class. */
    protected Path policyFile(String json) {
        try {
            return Files.writeString(tempDir("policy").resolve("policy.json"), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Seeds state straight through the sandbox's REST API with the demo key (not through the MCP server). */
    protected void rest(String method, String path, String json) {
        rest(SandboxSeeds.DEMO_TOKEN, method, path, json);
    }

    /** As {@link #rest(String, String, String)} with the given key; returns the answer's body. */
    protected String rest(String token, String method, String path, String json) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path))
                            .header("Authorization", "Bearer " + token).header("User-Agent", "test")
                            .header("Content-Type", "application/json")
                            .method(method, HttpRequest.BodyPublishers.ofString(json)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300) {
                throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + ": " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
