package io.jettymcp.catalog.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.JettyApi;
import io.jettymcp.api.RetryPolicy;
import io.jettymcp.config.Settings;
import io.jettymcp.config.Token;
import io.jettymcp.guard.CollectionScope;
import io.jettymcp.guard.Tenant;
import io.jettymcp.guard.ToolError;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import io.jettymcp.tool.TestContexts;
import io.jettymcp.tool.ToolCall;
import io.jettymcp.tool.ToolContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileToolsTest {

    @TempDir
    Path tmp;

    @Test
    void targetsStayInsideTheDownloadDirectory() {
        Path dir = tmp.resolve("dl");
        assertThat(FileTools.target(dir, "demo/t/0000/a.txt", "path")).isEqualTo(dir.resolve("demo/t/0000/a.txt"));
        assertThat(FileTools.target(dir, "x/../y.txt", "save_as")).isEqualTo(dir.resolve("y.txt"));
        for (String bad : new String[]{"../a.txt", "a/../../b.txt", "..", "."}) {
            assertThatThrownBy(() -> FileTools.target(dir, bad, "save_as")).as(bad).isInstanceOf(ToolError.class)
                    .hasMessageContaining("outside the download directory");
        }
        assertThatThrownBy(() -> FileTools.target(dir, "/etc/passwd", "save_as")).hasMessageContaining("relative");
        assertThatThrownBy(() -> FileTools.target(dir, "~/x", "save_as")).hasMessageContaining("relative");
    }

    @Test
    void linksUnderTheDownloadDirectoryCannotLeadTheWriteOut() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("dl"));
        Path out = Files.createDirectories(tmp.resolve("elsewhere"));
        FileTools.checkNoEscape(dir, dir.resolve("new/folder/file.txt")); // nothing exists yet: fine
        Files.createSymbolicLink(dir.resolve("jump"), out);
        assertThatThrownBy(() -> FileTools.checkNoEscape(dir, dir.resolve("jump/deeper/file.txt")))
                .hasMessageContaining("link leading outside");
        Files.createSymbolicLink(dir.resolve("file.txt"), out.resolve("target.txt"));
        assertThatThrownBy(() -> FileTools.checkNoEscape(dir, dir.resolve("file.txt"))).hasMessageContaining("symbolic link");
        Files.createDirectories(dir.resolve("adir"));
        assertThatThrownBy(() -> FileTools.checkNoEscape(dir, dir.resolve("adir"))).hasMessageContaining("directory");
    }

    @Test
    void onlySmallCleanTextIsInlined() {
        assertThat((res("text/plain", "héllo".getBytes(StandardCharsets.UTF_8)))).isEqualTo("héllo");
        assertThat((res("application/octet-stream", "a,b\n".getBytes(StandardCharsets.UTF_8)))).isEqualTo("a,b\n");
        assertThat((res("image/png", "PNG".getBytes(StandardCharsets.UTF_8)))).isNull();
        assertThat((res(null, new byte[]{'a', 0, 'b'}))).isNull();
        assertThat((res(null, new byte[]{(byte) 0xC3, (byte) 0x28}))).as("invalid UTF-8").isNull();
    }

    @Test
    void listFilesWithoutAPrefixNeedsATokenBoundToOneCollection() {
        SandboxServer sandbox = SandboxServer.start(SandboxOptions.defaults());
        try {
            ObjectMapper m = new ObjectMapper();
            FileTools tools = new FileTools(TestContexts.context());
            for (String token : new String[]{SandboxSeeds.USER_TOKEN, SandboxSeeds.DEMO_TOKEN}) {
                JettyApi api = JettyApi.create(sandbox.baseUrl(), new Token(token, "t"),
                        Duration.ofSeconds(2), Duration.ofSeconds(5), RetryPolicy.NONE, m, "t");
                ToolCall call = new ToolCall(null, m.createObjectNode(), null,
                        new Tenant(api, new CollectionScope(Set.of(), api)), ToolCall.Progress.NONE);
                if (token.equals(SandboxSeeds.USER_TOKEN)) {
                    assertThatThrownBy(() -> tools.list(call).block()).isInstanceOf(ToolError.class)
                            .hasMessageContaining("'prefix'").hasMessageContaining("list-collections");
                } else {
                    assertThat(tools.list(call).block().path("prefix").asText()).isEqualTo("demo/");
                }
            }
        } finally {
            sandbox.close();
        }
    }

    @Test
    void listFilesNeverReachesACollectionWhoseNameStartsWithTheOwnOne() throws Exception {
        SandboxServer sandbox = SandboxServer.start(SandboxOptions.defaults());
        try {
            ObjectMapper m = new ObjectMapper();
            JettyApi user = JettyApi.create(sandbox.baseUrl(), new Token(SandboxSeeds.USER_TOKEN, "t"),
                    Duration.ofSeconds(2), Duration.ofSeconds(5), RetryPolicy.NONE, m, "t");
            JettyApi demo = JettyApi.create(sandbox.baseUrl(), new Token(SandboxSeeds.DEMO_TOKEN, "t"),
                    Duration.ofSeconds(2), Duration.ofSeconds(5), RetryPolicy.NONE, m, "t");
            user.json(ApiRequest.json("POST", "/api/v1/collections/", m.createObjectNode().put("name", "demo-other"))).block();
            Path local = Files.writeString(tmp.resolve("note.txt"), "n");
            String theirs = upload(user, "demo-other", local);
            String ours = upload(demo, "demo", local);
            // Jetty itself matches "demo" against "demo-other/…": the listing must not rely on it
            assertThat(demo.json(ApiRequest.get("/api/v1/list-files").withQuery("prefix", "demo")).block().toString())
                    .contains(theirs);

            FileTools tools = new FileTools(TestContexts.context());
            Tenant tenant = new Tenant(demo, new CollectionScope(Set.of(), demo));
            for (ObjectNode args : List.of(m.createObjectNode(), m.createObjectNode().put("prefix", "demo"))) {
                JsonNode out = tools.list(new ToolCall(null, args, null, tenant, ToolCall.Progress.NONE)).block();
                assertThat(out.path("prefix").asText()).as(args.toString()).isEqualTo("demo/");
                assertThat(out.path("files").toString()).contains(ours).doesNotContain("demo-other");
            }

            // and whatever Jetty answers, paths of another collection are left out
            sandbox.faults().add(FaultRule.status("GET", "/api/v1/list-files", 200).withBody(
                    "{\"files\":[{\"path\":\"demo-other/x/a.txt\"},\"demo-other/y.txt\",{\"path\":\"demo/x/b.txt\"}]}"));
            JsonNode out = tools.list(new ToolCall(null, m.createObjectNode().put("prefix", "demo/x"), null, tenant,
                    ToolCall.Progress.NONE)).block();
            assertThat(out.path("files").toString()).isEqualTo("[{\"path\":\"demo/x/b.txt\"}]");
            assertThat(out.path("count").asInt()).isEqualTo(1);
        } finally {
            sandbox.close();
        }
    }

    private static String upload(JettyApi api, String collection, Path file) {
        return api.json(ApiRequest.multipart("/api/v1/sandbox/upload", java.util.Map.of("collection", collection),
                List.of(new ApiRequest.FilePart("files", file, file.getFileName().toString())))).block()
                .path("file_paths").get(0).asText();
    }

    @Test
    void overHttpWithoutFilesRootNothingIsWrittenAndSmallTextComesInline() throws Exception {
        SandboxServer sandbox = SandboxServer.start(SandboxOptions.defaults());
        try {
            ObjectMapper m = new ObjectMapper();
            Path dl = tmp.resolve("dl");
            Settings http = Settings.builder().baseUrl("http://127.0.0.1:1").filesRoots(List.of(tmp), false).downloadDir(dl)
                    .overHttp(true).build();
            FileTools tools = new FileTools(new ToolContext(http, m, "test"));
            JettyApi api = JettyApi.create(sandbox.baseUrl(), new Token(SandboxSeeds.DEMO_TOKEN, "t"),
                    Duration.ofSeconds(2), Duration.ofSeconds(5), RetryPolicy.NONE, m, "t");
            Path local = Files.writeString(tmp.resolve("note.txt"), "hello over http");
            String stored = api.json(ApiRequest.multipart("/api/v1/sandbox/upload", java.util.Map.of(),
                    List.of(new ApiRequest.FilePart("files", local, "note.txt")))).block().path("file_paths").get(0).asText();

            ObjectNode args = m.createObjectNode().put("path", stored);
            tools.precheckDownload(args);
            ToolCall call = new ToolCall(null, args, null, new Tenant(api, new CollectionScope(Set.of(), api)), ToolCall.Progress.NONE);
            var out = tools.download(call).block();
            assertThat(out.path("content").asText()).isEqualTo("hello over http");
            assertThat(out.path("saved_to").asText()).startsWith("not saved");
            assertThat(dl).doesNotExist();
            assertThatThrownBy(() -> tools.precheckDownload(m.createObjectNode().put("path", stored).put("save_as", "x.txt")))
                    .hasMessageContaining("'save_as'").hasMessageContaining("over HTTP");
        } finally {
            sandbox.close();
        }
    }

    private static String res(String ct, byte[] body) {
        return FileTools.text(ct, body);
    }
}
