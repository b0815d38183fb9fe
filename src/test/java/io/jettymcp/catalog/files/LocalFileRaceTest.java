package io.jettymcp.catalog.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.api.JettyApi;
import io.jettymcp.api.RetryPolicy;
import io.jettymcp.catalog.runs.RunTools;
import io.jettymcp.catalog.trajectories.TrajectoryReader;
import io.jettymcp.catalog.trajectories.TrajectoryWaiter;
import io.jettymcp.config.Settings;
import io.jettymcp.config.Token;
import io.jettymcp.guard.CollectionScope;
import io.jettymcp.guard.Tenant;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.sandbox.RecordedRequest;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import io.jettymcp.tool.ToolCall;
import io.jettymcp.tool.ToolContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * F6: run-task checks a local file, makes its two use_trial_keys look-ups, then sends. A file swapped or
 * grown while those look-ups run must not change what is sent: the file is opened once, without following
 * a link in its last component, and sent from what was opened, its size checked again as it is read.
 */
class LocalFileRaceTest {

    static final ObjectMapper M = new ObjectMapper();
    static final long LIMIT = 1024;

    @TempDir
    Path tmp;

    SandboxServer sandbox;
    ToolContext ctx;
    Path root;
    Path file;
    Path secret;

    @BeforeEach
    void start() throws Exception {
        sandbox = SandboxServer.start(SandboxOptions.defaults());
        root = Files.createDirectories(tmp.resolve("root"));
        file = Files.writeString(root.resolve("in.txt"), "inside");
        secret = Files.writeString(tmp.resolve("secret.txt"), "OUTSIDE-SECRET-CONTENT");
        Settings s = Settings.builder().baseUrl(sandbox.baseUrl()).token(new Token(SandboxSeeds.DEMO_TOKEN, "test"))
                .filesRoots(List.of(root), true).downloadDir(tmp.resolve("dl")).maxUploadBytes(LIMIT).sandbox(true).build();
        ctx = new ToolContext(s, M, "test");
        // the trial look-up is slow, so the file can be changed while run-task waits for it
        sandbox.faults().add(FaultRule.delay("GET", "/api/v1/trial/demo", 1500));
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    private ToolCall call() {
        ObjectNode args = M.createObjectNode().put("task", "text-echo").put("collection", "demo");
        args.withArray("files").add(file.toString());
        JettyApi api = JettyApi.create(sandbox.baseUrl(), new Token(SandboxSeeds.DEMO_TOKEN, "test"), Duration.ofSeconds(2),
                Duration.ofSeconds(10), RetryPolicy.NONE, M, "test");
        return new ToolCall(null, args, "demo", new Tenant(api, new CollectionScope(Set.of(), api)), ToolCall.Progress.NONE);
    }

    /** Runs {@code change} once run-task's trial look-up has reached the sandbox (the file was checked by then). */
    private CompletableFuture<Void> whileLookingUp(ThrowingRunnable change) {
        return CompletableFuture.runAsync(() -> {
            try {
                while (sandbox.requests().matching("GET", "/api/v1/trial/demo").isEmpty()) {
                    Thread.sleep(5);
                }
                change.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private String run(RunTools runs) {
        try {
            JsonNode out = runs.run(call()).block(Duration.ofSeconds(30));
            return out.toString();
        } catch (RuntimeException e) {
            return "ERROR: " + e.getMessage();
        }
    }

    private List<RecordedRequest> runPosts() {
        return sandbox.requests().matching("POST", "/api/v1/run/demo/text-echo");
    }

    @Test
    void aFileSwappedForALinkAfterItsCheckIsNotWhatIsSent() throws Exception {
        CompletableFuture<Void> swap = whileLookingUp(() -> {
            Files.delete(file);
            Files.createSymbolicLink(file, secret);
        });
        String said = run(new RunTools(ctx, new TrajectoryWaiter(new TrajectoryReader(ctx)), Duration.ofSeconds(10)));
        swap.join();
        // what was checked is what is sent (6 bytes), never the 22 bytes outside the root
        for (RecordedRequest post : runPosts()) {
            assertThat(post.multipartFields()).as(said).doesNotContainValue("in.txt:22").containsEntry("files", "in.txt:6");
            assertThat(post.bodyText()).doesNotContain("OUTSIDE-SECRET");
        }
    }

    @Test
    void aFileThatGrowsPastTheLimitAfterItsCheckIsNotSent() throws Exception {
        CompletableFuture<Void> grow = whileLookingUp(() ->
                Files.writeString(file, "x".repeat((int) LIMIT * 2), StandardOpenOption.APPEND));
        String said = run(new RunTools(ctx, new TrajectoryWaiter(new TrajectoryReader(ctx)), Duration.ofSeconds(10)));
        grow.join();
        assertThat(runPosts()).as(said).isEmpty();
        assertThat(said).startsWith("ERROR: ").contains("in.txt").contains("changed").contains("Nothing was sent");
    }
}
