package io.jettymcp.catalog.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.JettyApi;
import io.jettymcp.api.RetryPolicy;
import io.jettymcp.catalog.runs.RunTools;
import io.jettymcp.catalog.trajectories.TrajectoryReader;
import io.jettymcp.catalog.trajectories.TrajectoryWaiter;
import io.jettymcp.config.Settings;
import io.jettymcp.config.Token;
import io.jettymcp.guard.CollectionScope;
import io.jettymcp.guard.Tenant;
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

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * run-task and upload-file with several files, through the real JettyApi into the sandbox, which rejects a
 * nested multipart/mixed part as FastAPI does (jetty-api.md §7 E1): every file arrives as its own part, intact.
 */
class MultiFileToolsTest {

    static final ObjectMapper M = new ObjectMapper();

    @TempDir
    Path tmp;

    SandboxServer sandbox;
    ToolContext ctx;
    ToolCall.Progress none = ToolCall.Progress.NONE;

    @BeforeEach
    void start() {
        sandbox = SandboxServer.start(SandboxOptions.defaults());
        Settings s = Settings.builder().baseUrl(sandbox.baseUrl()).token(new Token(SandboxSeeds.DEMO_TOKEN, "test"))
                .filesRoots(List.of(tmp), true).downloadDir(tmp.resolve("dl")).maxUploadBytes(8L * 1024 * 1024)
                .sandbox(true).build();
        ctx = new ToolContext(s, M, "test");
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    @Test
    void runTaskSendsThreeFilesAsThreeTopLevelParts() throws Exception {
        List<Path> files = threeFiles();
        ObjectNode args = M.createObjectNode().put("task", "text-echo").put("use_trial_keys", false);
        files.forEach(f -> args.withArray("files").add(f.toString()));
        JsonNode out = new RunTools(ctx, new TrajectoryWaiter(new TrajectoryReader(ctx))).run(call(args)).block(Duration.ofSeconds(20));

        assertThat(out.path("files_sent")).hasSize(3);
        RecordedRequest post = sandbox.requests().matching("POST", "/api/v1/run/demo/text-echo").get(0);
        assertFileParts(post.multipartFields(), files);
        String id = out.path("trajectory_id").asText();
        JsonNode traj = get("/api/v1/db/trajectory/demo/text-echo/" + id);
        JsonNode paths = traj.at("/init_params/file_paths");
        assertThat(paths).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(bytes("/api/v1/file/" + paths.get(i).asText())).as(files.get(i).toString())
                    .isEqualTo(Files.readAllBytes(files.get(i)));
        }
    }

    @Test
    void uploadFileSendsThreePathsAsThreeTopLevelParts() throws Exception {
        List<Path> files = threeFiles();
        ObjectNode args = M.createObjectNode();
        files.forEach(f -> args.withArray("paths").add(f.toString()));
        JsonNode out = new FileTools(ctx).upload(call(args)).block(Duration.ofSeconds(20));

        assertThat(out.path("count").asInt()).isEqualTo(3);
        RecordedRequest post = sandbox.requests().matching("POST", "/api/v1/sandbox/upload").get(0);
        assertFileParts(post.multipartFields(), files);
        for (int i = 0; i < 3; i++) {
            assertThat(bytes("/api/v1/file/" + out.at("/file_paths/" + i).asText())).as(files.get(i).toString())
                    .isEqualTo(Files.readAllBytes(files.get(i)));
        }
    }

    @Test
    void emptyFieldsAreNotSent() throws Exception {
        Path f = Files.writeString(tmp.resolve("a.txt"), "a");
        Map<String, String> form = new java.util.LinkedHashMap<>();
        form.put("init_params", "{}");
        form.put("webhook_url", "");
        call(M.createObjectNode()).api().json(ApiRequest.multipart("/api/v1/run/demo/text-echo", form,
                List.of(new ApiRequest.FilePart("files", f, "a.txt")))).block(Duration.ofSeconds(20));
        assertThat(sandbox.requests().matching("POST", "/api/v1/run/demo/text-echo").get(0).multipartFields())
                .containsOnlyKeys("init_params", "files");
        assertThat(ApiRequest.multipart("/api/v1/sandbox/upload", Map.of("collection", ""), List.of()).multipart())
                .as("nothing left to send: no multipart body with zero parts").isFalse();
    }

    /** Text, binary with CRLFs and a would-be boundary, and a file larger than Netty's in-memory threshold. */
    private List<Path> threeFiles() throws Exception {
        byte[] binary = new byte[300];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        byte[] tricky = "line\r\n--boundary\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] withTricky = new byte[binary.length + tricky.length];
        System.arraycopy(binary, 0, withTricky, 0, binary.length);
        System.arraycopy(tricky, 0, withTricky, binary.length, tricky.length);
        byte[] large = new byte[200_000];
        new java.util.Random(7).nextBytes(large);
        List<Path> out = new ArrayList<>();
        out.add(Files.writeString(tmp.resolve("notes.txt"), "hello, jetty\n"));
        out.add(Files.write(tmp.resolve("blob.bin"), withTricky));
        out.add(Files.write(tmp.resolve("big.csv"), large));
        return out;
    }

    private static void assertFileParts(Map<String, String> fields, List<Path> files) throws Exception {
        assertThat(fields).containsEntry("files", "notes.txt:" + Files.size(files.get(0)))
                .containsEntry("files[1]", "blob.bin:" + Files.size(files.get(1)))
                .containsEntry("files[2]", "big.csv:" + Files.size(files.get(2)))
                .doesNotContainKey("files[3]");
    }

    private ToolCall call(ObjectNode args) {
        JettyApi api = JettyApi.create(sandbox.baseUrl(), new Token(SandboxSeeds.DEMO_TOKEN, "test"), Duration.ofSeconds(2),
                Duration.ofSeconds(10), RetryPolicy.NONE, M, "test");
        args.put("collection", "demo");
        return new ToolCall(null, args, "demo", new Tenant(api, new CollectionScope(Set.of(), api)), none);
    }

    private JsonNode get(String path) throws Exception {
        return M.readTree(bytes(path));
    }

    private byte[] bytes(String path) throws Exception {
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path))
                .header("User-Agent", "jetty-mcp-test").header("Authorization", "Bearer " + SandboxSeeds.DEMO_TOKEN)
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.body();
    }
}
