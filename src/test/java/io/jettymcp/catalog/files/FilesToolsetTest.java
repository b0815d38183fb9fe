package io.jettymcp.catalog.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.JettyApi;
import io.jettymcp.api.RetryPolicy;
import io.jettymcp.catalog.ToolsetTestBase;
import io.jettymcp.config.Token;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.sandbox.RecordedRequest;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.tool.InProcess;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * tool-specs/files (upload-file, list-files, download-file) through the real registry and guard chain against one
 * in-process sandbox, reset before each test: a real local file uploaded (multipart on the wire), run outputs listed
 * and downloaded into the download directory, and every way out of scope or out of that directory refused before
 * any request. Files may be read from {@code home/data} only; downloads go to {@code home/dl}.
 */
class FilesToolsetTest extends ToolsetTestBase {

    Path home;
    Path data;
    Path downloads;
    /** a fresh folder outside the roots and the download directory, per test */
    Path outside;

    @Override
    protected InProcess.Builder harness() throws Exception {
        home = Files.createTempDirectory("jetty-mcp-files-home").toRealPath();
        data = Files.createDirectories(home.resolve("data"));
        downloads = home.resolve("dl");
        return InProcess.builder().options(new SandboxOptions(0, 7L, 0.5))
                .settings(s -> s.filesRoots(List.of(data), true).downloadDir(downloads));
    }

    @BeforeEach
    void freshOutside() throws Exception {
        outside = Files.createTempDirectory("jetty-mcp-files-outside").toRealPath();
    }

    private String upload(Path file) {
        return server.ok("upload-file", Map.of("paths", List.of(file.toString()))).path("file_paths").get(0).asText();
    }

    // ---- upload-file, list-files, download-file: the happy path

    @Test
    void uploadSendsARealFileAndItCanBeListedAndDownloadedBack() throws Exception {
        Path csv = Files.writeString(data.resolve("tickets.csv"), "id,text\n1,cannot log in\n");
        JsonNode up = server.ok("upload-file", Map.of("paths", List.of(csv.toString())));
        String stored = up.path("file_paths").get(0).asText();
        assertThat(stored).startsWith("demo/_sandbox_uploads/").endsWith("/tickets.csv");
        assertThat(up.path("count").asInt()).isEqualTo(1);
        assertThat(up.path("next").asText()).contains("file_paths");
        RecordedRequest post = sandbox.requests().matching("POST", "/api/v1/sandbox/upload").get(0);
        assertThat(post.contentType()).startsWith("multipart/form-data");
        assertThat(post.multipartFields()).containsEntry("files", "tickets.csv:" + Files.size(csv));

        String prefix = stored.substring(0, stored.lastIndexOf('/'));
        JsonNode listed = server.ok("list-files", Map.of("prefix", prefix));
        assertThat(listed.path("files").toString()).contains(stored);
        assertThat(sandbox.requests().matching("GET", "/api/v1/list-files").get(0).query())
                .isEqualTo("prefix=" + prefix.replace("/", "%2F"));

        JsonNode down = server.ok("download-file", Map.of("path", stored));
        Path saved = Path.of(down.path("saved_to").asText());
        assertThat(saved).isEqualTo(downloads.resolve(stored));
        assertThat(Files.readString(saved)).isEqualTo("id,text\n1,cannot log in\n");
        assertThat(down.path("content").asText()).isEqualTo("id,text\n1,cannot log in\n");
        assertThat(sandbox.requests().matching("GET", "/api/v1/file/" + stored)).hasSize(1);
    }

    @Test
    void runOutputsDownloadAsFilesAndBinaryStaysOutOfTheAnswer() {
        JsonNode run = server.ok("run-task", Map.of("task", "image-gen"));
        String id = run.path("trajectory_id").asText();
        sandbox.clock().advance(Duration.ofSeconds(30));
        JsonNode t = server.ok("wait-for-trajectory", Map.of("task", "image-gen", "trajectory_id", id, "timeout_seconds", 10));
        String image = t.path("steps").path("generate").path("outputs").path("images").get(0).path("path").asText();
        JsonNode listed = server.ok("list-files", Map.of());
        assertThat(listed.path("prefix").asText()).isEqualTo("demo/");
        assertThat(listed.path("files").toString()).contains(image);

        JsonNode down = server.ok("download-file", Map.of("path", image, "save_as", "pics/lighthouse.png"));
        assertThat(down.path("saved_to").asText()).isEqualTo(downloads.resolve("pics/lighthouse.png").toString());
        assertThat(down.has("content")).isFalse();
        assertThat(down.path("bytes").asInt()).isGreaterThan(0);
        assertThat(sandbox.requests().matching("GET", "/api/v1/file/.*")).extracting(RecordedRequest::path)
                .containsExactly("/api/v1/file/" + image);
    }

    @Test
    void listingTheOwnCollectionNeverShowsOneWhoseNameStartsWithIt() throws Exception {
        // a collection the demo key cannot use, named so that Jetty's startsWith matches "demo" against it
        ObjectMapper m = new ObjectMapper();
        JettyApi user = JettyApi.create(sandbox.baseUrl(), new Token(SandboxSeeds.USER_TOKEN, "t"),
                Duration.ofSeconds(2), Duration.ofSeconds(5), RetryPolicy.NONE, m, "e2e");
        user.json(ApiRequest.json("POST", "/api/v1/collections/", m.createObjectNode().put("name", "demo-other"))).block();
        Path note = Files.writeString(outside.resolve("other-note.txt"), "not demo's");
        user.json(ApiRequest.multipart("/api/v1/sandbox/upload", Map.of("collection", "demo-other"),
                List.of(new ApiRequest.FilePart("files", note, "other-note.txt")))).block();
        sandbox.requests().clear();

        for (Map<String, Object> args : List.<Map<String, Object>>of(Map.of(), Map.of("prefix", "demo"))) {
            JsonNode listed = server.ok("list-files", args);
            assertThat(listed.path("prefix").asText()).as(args.toString()).isEqualTo("demo/");
            assertThat(listed.toString()).as(args.toString()).doesNotContain("demo-other").doesNotContain("other-note");
        }
        assertThat(sandbox.requests().matching("GET", "/api/v1/list-files")).hasSize(2)
                .allSatisfy(r -> assertThat(r.query()).isEqualTo("prefix=demo%2F"));
    }

    @Test
    void filesLargerThanAnApiAnswerAreStreamedToDisk() throws Exception {
        byte[] big = new byte[9 * 1024 * 1024 + 123]; // over JettyApi's 8 MB cap for JSON answers
        new java.util.Random(1).nextBytes(big);
        Path file = Files.write(data.resolve("big.bin"), big);
        String stored = upload(file);
        JsonNode down = server.ok("download-file", Map.of("path", stored, "save_as", "big-copy.bin"));
        assertThat(down.path("bytes").asLong()).isEqualTo(big.length);
        assertThat(down.has("content")).isFalse();
        assertThat(Files.readAllBytes(downloads.resolve("big-copy.bin"))).isEqualTo(big);
        try (var left = Files.list(downloads)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
        }
    }

    @Test
    void aDownloadIsRetriedLikeAnyReadAndStartsTheFileOver() throws Exception {
        Path file = Files.writeString(data.resolve("retry.txt"), "second time lucky");
        String stored = upload(file);
        sandbox.faults().add(FaultRule.status("GET", "/api/v1/file/.*", 503).withTimes(1));
        sandbox.faults().add(FaultRule.reset("GET", "/api/v1/file/.*").onlyCall(2));
        // the server's key retries reads (RetryPolicy.DEFAULT); the harness's own tenant does not: call as one that does
        String text;
        try (InProcess retrying = InProcess.builder().sandbox(sandbox)
                .settings(s -> s.filesRoots(List.of(data), true).downloadDir(downloads)).build()) {
            text = InProcess.text(retrying.call(retrying.tenant(SandboxSeeds.DEMO_TOKEN, RetryPolicy.DEFAULT), "download-file",
                    Map.of("path", stored, "save_as", "retry-copy.txt")));
        }
        assertThat(InProcess.M.readTree(text).path("bytes").asLong()).as(text).isEqualTo(17);
        assertThat(Files.readString(downloads.resolve("retry-copy.txt"))).isEqualTo("second time lucky");
        assertThat(sandbox.requests().matching("GET", "/api/v1/file/" + stored)).as("a 503, a reset, then the file").hasSize(3);
    }

    // ---- errors

    @Test
    void downloadsOutOfScopeOrOutsideTheDirectoryAreRefusedBeforeAnyRequest() throws Exception {
        assertThat(server.error("download-file", Map.of("path", "other/secret-plan/0000/x.txt"))).contains("outside this server's scope");
        assertThat(server.error("download-file", Map.of("path", "demo/../other/x.txt"))).contains("path");
        assertThat(server.error("download-file", Map.of("path", "/etc/passwd"))).contains("path");
        assertThat(server.error("download-file", Map.of("path", "demo/a/b.txt", "save_as", "../escape.txt")))
                .contains("outside the download directory");
        assertThat(server.error("download-file", Map.of("path", "demo/a/b.txt", "save_as", "x/../../../escape.txt")))
                .contains("outside the download directory");
        assertThat(server.error("download-file", Map.of("path", "demo/a/b.txt", "save_as", outside.resolve("abs.txt").toString())))
                .contains("relative");
        Files.createDirectories(downloads);
        Path jump = downloads.resolve("jump");
        Files.deleteIfExists(jump);
        Files.createSymbolicLink(jump, outside);
        assertThat(server.error("download-file", Map.of("path", "demo/a/b.txt", "save_as", "jump/escape.txt")))
                .contains("link");
        assertThat(server.error("list-files", Map.of("prefix", "acme/triage"))).contains("outside this server's scope");
        // learning the key's scope (whoami) is the only request: nothing touched storage
        assertThat(sandbox.requests().all()).as("nothing sent for a refused path")
                .allSatisfy(r -> assertThat(r.path()).isEqualTo("/api/v1/auth/whoami"));
        try (var files = Files.list(outside)) {
            assertThat(files.toList()).as("nothing written outside").isEmpty();
        }
        assertThat(Files.exists(home.resolve("escape.txt"))).isFalse();
    }

    @Test
    void uploadsOutsideTheAllowedRootsAreRefusedBeforeAnyRequest() throws Exception {
        Path elsewhere = Files.writeString(outside.resolve("private.txt"), "private");
        Path inHomeNotRoot = Files.writeString(home.resolve("notes.txt"), "home but not a root");
        Path sneaky = data.resolve("sneaky.txt");
        Files.deleteIfExists(sneaky);
        Files.createSymbolicLink(sneaky, elsewhere);
        for (String bad : List.of(elsewhere.toString(), inHomeNotRoot.toString(), sneaky.toString(),
                data.toString(), data.resolve("none.bin").toString())) {
            String err = server.error("upload-file", Map.of("paths", List.of(bad)));
            assertThat(err).as(bad).contains("paths").contains("Invalid argument");
        }
        assertThat(sandbox.requests().all()).isEmpty();
    }

    @Test
    void aMissingStorageFileIsA404() throws Exception {
        String err = server.error("download-file", Map.of("path", "demo/text-echo/0000/none.txt"));
        assertThat(err).contains("404");
        assertThat(sandbox.requests().matching("GET", "/api/v1/file/.*")).extracting(RecordedRequest::path)
                .containsExactly("/api/v1/file/demo/text-echo/0000/none.txt");
        assertThat(Files.exists(downloads.resolve("demo/text-echo/0000/none.txt"))).isFalse();
        Files.createDirectories(downloads);
        try (var left = Files.list(downloads)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("no partial file left").noneMatch(n -> n.endsWith(".part"));
        }
    }

    // ---- get-run-image: the run view's app-only tool

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 'I', 'H', 'D', 'R'};

    private static byte[] png(String tail) {
        byte[] t = tail.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] out = java.util.Arrays.copyOf(PNG, PNG.length + t.length);
        System.arraycopy(t, 0, out, PNG.length, t.length);
        return out;
    }

    @Test
    void getRunImageAnswersAStoredPngAsAnImageContentRecognisedByItsBytes() throws Exception {
        String stored = upload(Files.write(data.resolve("chart.bin"), png("pixels")));
        var r = server.call("get-run-image", Map.of("path", stored));
        assertThat(r.isError()).as(InProcess.text(r)).isFalse();
        var image = r.content().stream().filter(c -> c instanceof io.modelcontextprotocol.spec.McpSchema.ImageContent)
                .map(c -> (io.modelcontextprotocol.spec.McpSchema.ImageContent) c).findFirst().orElseThrow();
        assertThat(image.mimeType()).isEqualTo("image/png");
        assertThat(java.util.Base64.getDecoder().decode(image.data())).isEqualTo(png("pixels"));
        assertThat(InProcess.text(r)).contains("\"mime_type\":\"image/png\"").doesNotContain("_image");
        assertThat(sandbox.requests().matching("GET", "/api/v1/file/" + stored)).hasSize(1);
    }

    @Test
    void getRunImageRefusesSvgAndOtherNonImagesWhateverTheirName() throws Exception {
        String svg = upload(Files.writeString(data.resolve("logo.png"),
                "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"));
        assertThat(server.error("get-run-image", Map.of("path", svg))).contains("not a png, jpeg, gif or webp image");
    }

    @Test
    void getRunImageRefusesAnImageOverTwoMegabytes() throws Exception {
        String big = upload(Files.write(data.resolve("big.png"), png("x".repeat(RunImages.MAX_BYTES))));
        assertThat(server.error("get-run-image", Map.of("path", big))).contains("up to 2 MB");
    }

    @Test
    void getRunImageWithholdsAnImageCarryingASecretValue() throws Exception {
        String leaky = upload(Files.write(data.resolve("leaky.png"), png("tEXt key=" + SandboxSeeds.DEMO_OPENROUTER_KEY)));
        String error = server.error("get-run-image", Map.of("path", leaky));
        assertThat(error).contains("contains a secret value").doesNotContain(SandboxSeeds.DEMO_OPENROUTER_KEY);
    }

    @Test
    void getRunImageOutsideTheScopeIsRefusedBeforeAnyRequest() {
        assertThat(server.error("get-run-image", Map.of("path", "other/secret-plan/0000/x.png"))).contains("other");
        assertThat(sandbox.requests().matching("GET", "/api/v1/file/other/secret-plan/0000/x.png")).isEmpty();
    }

    @Test
    void getRunImageKnowsTheFourImageKindsByTheirFirstBytesOnly() {
        assertThat(RunImages.type(PNG)).isEqualTo("image/png");
        assertThat(RunImages.type(new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0})).isEqualTo("image/jpeg");
        assertThat(RunImages.type("GIF89a..".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))).isEqualTo("image/gif");
        assertThat(RunImages.type("RIFF\0\0\0\0WEBPVP8 ".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))).isEqualTo("image/webp");
        assertThat(RunImages.type("RIFF\0\0\0\0WAVEfmt ".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))).isNull();
        assertThat(RunImages.type("<?xml version=\"1.0\"?><svg/>".getBytes(java.nio.charset.StandardCharsets.UTF_8))).isNull();
        assertThat(RunImages.type(new byte[]{(byte) 0x89, 'P', 'N'})).isNull();
    }
}
