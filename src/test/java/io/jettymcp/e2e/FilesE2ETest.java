package io.jettymcp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.e2e.support.DemoServerTest;
import io.jettymcp.e2e.support.ServerProcess;
import io.jettymcp.sandbox.SandboxOptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Files in a server process: {@code ~/} in a local path means the {@code $HOME} the server started with, and the
 * --files-root and --download-dir flags are honoured. Each files tool's own behaviour (scope, refusals, streaming,
 * retries) is checked in-process by {@code io.jettymcp.catalog.files.FilesToolsetTest}.
 */
class FilesE2ETest extends DemoServerTest {

    Path home;
    Path downloads;

    @Override
    protected SandboxOptions sandboxOptions() {
        return new SandboxOptions(0, 7L, 0.5);
    }

    @Override
    protected ServerProcess.Builder configure(ServerProcess.Builder builder) {
        try {
            home = Files.createTempDirectory("jetty-mcp-files-home");
            downloads = home.resolve("dl");
            Files.createDirectories(home.resolve("data"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return builder.home(home).args("--files-root", home.resolve("data").toString(), "--download-dir", downloads.toString());
    }

    @BeforeEach
    void clean() {
        sandbox.requests().clear();
    }

    @Test
    void uploadSendsARealFileAndItCanBeListedAndDownloadedBack() throws Exception {
        // what needs the process: ~ is the HOME read at start-up, and --files-root/--download-dir are flags; the
        // upload, list and download themselves are FilesToolsetTest's
        Path csv = Files.writeString(home.resolve("data/tickets.csv"), "id,text\n1,cannot log in\n");
        JsonNode up = server.ok("upload-file", Map.of("paths", List.of("~/data/tickets.csv")));
        String stored = up.path("file_paths").get(0).asText();
        assertThat(stored).startsWith("demo/_sandbox_uploads/").endsWith("/tickets.csv");
        assertThat(sandbox.requests().matching("POST", "/api/v1/sandbox/upload").get(0).multipartFields())
                .containsEntry("files", "tickets.csv:" + Files.size(csv));
        Path saved = Path.of(server.ok("download-file", Map.of("path", stored)).path("saved_to").asText());
        assertThat(saved).as("under --download-dir").isEqualTo(downloads.resolve(stored));
        assertThat(Files.readString(saved)).isEqualTo("id,text\n1,cannot log in\n");
        assertThat(sandbox.requests().matching("GET", "/api/v1/file/" + stored)).hasSize(1);
    }
}
