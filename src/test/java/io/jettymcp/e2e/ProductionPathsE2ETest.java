package io.jettymcp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.e2e.support.DemoServerTest;
import io.jettymcp.sandbox.RecordedRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10's list of paths that broke for a new user with a real key, walked through the packaged server
 * against the sandbox's {@code production} profile (every evidence switch of jetty-api.md §7 on): whoami
 * without fields, FastAPI's multipart rule, the row lag after a start, outputs only on the storage
 * detail route, bakery's search fields behind a redirecting route, the documented /statuses answer and
 * stream:false runbook starts. The server is not told its collection: every call names it.
 */
class ProductionPathsE2ETest extends DemoServerTest {

    @BeforeAll
    void files() throws Exception {
        Path data = Files.createDirectories(server.home().resolve("data"));
        Files.writeString(data.resolve("a.txt"), "first file\n");
        Files.writeString(data.resolve("b.csv"), "id,text\n1,second file\n");
        Files.write(data.resolve("c.bin"), new byte[]{0, 1, 2, 13, 10, 45, 45, 3});
        Files.writeString(server.home().resolve("RUNBOOK.md"), "# Echo\nWrite results/summary.md with one line.\n");
    }

    @BeforeEach
    void production() {
        sandbox.reset();
        sandbox.switches().production();
    }

    @Test
    void aRunWithTwoFilesIsWaitedOnAtOnceAndItsOutputsAreRead() {
        JsonNode run = server.ok("run-task", args("collection", "demo", "task", "text-echo",
                "init_params", Map.of("text", "hello from production"), "files", List.of("~/data/a.txt", "~/data/b.csv")));
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
        JsonNode up = server.ok("upload-file", args("paths", List.of("~/data/a.txt", "~/data/b.csv", "~/data/c.bin")));
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

        String err = server.error("list-tasks", Map.of());
        assertThat(err).contains("collection").contains("JETTY_COLLECTIONS");
    }

    @Test
    void aRunbookStartIsConfirmedWithoutAStream() {
        JsonNode out = server.ok("run-runbook", args("collection", "demo", "task", "rb-prod", "runbook_path", "~/RUNBOOK.md",
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
