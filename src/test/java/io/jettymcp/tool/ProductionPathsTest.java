package io.jettymcp.tool;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.sandbox.RecordedRequest;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10's list of paths that broke for a new user with a real key, walked through the whole chain against the
 * sandbox's {@code production} profile (every evidence switch of jetty-api.md §7 on): whoami without fields,
 * FastAPI's multipart rule, the row lag after a start, outputs only on the storage detail route, bakery's search
 * fields behind a redirecting route, the documented /statuses answer and stream:false runbook starts. The server
 * is not told its collection: every call names it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProductionPathsTest {

    @TempDir
    static Path dir;
    InProcess server;
    SandboxServer sandbox;
    String a, b, c, runbook;

    @BeforeAll
    void start() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        a = Files.writeString(data.resolve("a.txt"), "first file\n").toString();
        b = Files.writeString(data.resolve("b.csv"), "id,text\n1,second file\n").toString();
        c = Files.write(data.resolve("c.bin"), new byte[]{0, 1, 2, 13, 10, 45, 45, 3}).toString();
        runbook = Files.writeString(dir.resolve("RUNBOOK.md"), "# Echo\nWrite results/summary.md with one line.\n").toString();
        // steps take no virtual time: the profile's row lag is what the run waits through
        server = InProcess.builder().options(new SandboxOptions(0, SandboxOptions.defaults().seed(), 0)).settings(s -> s.filesRoots(List.of(dir), true).downloadDir(dir)).build();
        sandbox = server.sandbox();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @BeforeEach
    void production() {
        sandbox.reset();
        sandbox.switches().production();
    }

    @Test
    void aRunWithTwoFilesIsWaitedOnAtOnceAndItsOutputsAreRead() {
        JsonNode run = server.ok("run-task", args("collection", "demo", "task", "text-echo",
                "init_params", Map.of("text", "hello from production"), "files", List.of(a, b)));
        String id = run.path("trajectory_id").asText();
        assertThat(id).matches("[0-9a-f]{8}");
        RecordedRequest post = sandbox.requests().matching("POST", "/api/v1/run/demo/text-echo").get(0);
        assertThat(post.multipartFields()).containsKeys("files", "files[1]").doesNotContainKey("files[2]");

        // at once, while the row is still being written (404s for the profile's lag)
        JsonNode waited = server.ok("wait-for-trajectory", args("collection", "demo", "task", "text-echo",
                "trajectory_id", id, "timeout_seconds", 60));
        assertThat(waited.path("status").asText()).as(waited.toString()).isEqualTo("completed");

        JsonNode got = server.ok("get-trajectory", args("collection", "demo", "task", "text-echo", "trajectory_id", id));
        assertThat(got.toString()).as("outputs merged from the storage detail route").contains("hello from production");
        assertThat(sandbox.requests().matching("GET", "/api/v1/trajectory/demo/text-echo/" + id)).isNotEmpty();
        assertThat(sandbox.requests().matching("POST", "/api/v1/run/.*")).as("one run, never repeated").hasSize(1);

        JsonNode status = server.ok("set-trajectory-status", args("collection", "demo", "task", "text-echo",
                "trajectory_ids", List.of(id, "0000dead"), "status", "archived"));
        assertThat(status.path("updated_count").asInt()).as(status.toString()).isEqualTo(1);
        assertThat(status.toString()).contains("0000dead");
    }

    @Test
    void threeFilesUploadAsThreeTopLevelParts() {
        JsonNode up = server.ok("upload-file", args("paths", List.of(a, b, c)));
        assertThat(up.path("count").asInt()).as(up.toString()).isEqualTo(3);
        RecordedRequest post = sandbox.requests().matching("POST", "/api/v1/sandbox/upload").get(0);
        assertThat(post.multipartFields()).containsEntry("files", "a.txt:11").containsEntry("files[2]", "c.bin:8");
    }

    @Test
    void searchShowsTaskNamesAndWhoamiSaysTheScopeIsUnknown() {
        JsonNode found = server.ok("search-tasks", args("query", "echo", "collection", "demo"));
        assertThat(found.path("tasks").findValuesAsText("name")).as(found.toString()).contains("text-echo");
        assertThat(found.toString()).doesNotContain("\"name\":\"\"");

        JsonNode who = server.ok("whoami", Map.of());
        assertThat(who.path("scope").asText()).isEqualTo("unknown");

        assertThat(server.error("list-tasks", Map.of())).contains("collection").contains("JETTY_COLLECTIONS");
    }

    @Test
    void aRunbookStartIsConfirmedWithoutAStream() {
        JsonNode out = server.ok("run-runbook", args("collection", "demo", "task", "rb-prod", "runbook_path", runbook,
                "model", "anthropic/claude-sonnet-4.6", "model_provider", "openrouter"));
        assertThat(out.path("started").asBoolean()).as(out.toString()).isTrue();
        assertThat(out.path("trajectory_id").asText()).matches("[0-9a-f]{8}");
        List<RecordedRequest> chat = sandbox.requests().matching("POST", "/v1/chat/completions");
        assertThat(chat).hasSize(1);
        assertThat(chat.get(0).bodyJson().path("stream").asBoolean(true)).isFalse();
        assertThat(chat.get(0).bodyJson().at("/jetty/timeout_hint").isNumber()).isTrue();
    }

    private static Map<String, Object> args(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
