package io.jettymcp.catalog.files;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.api.JettyApi;
import io.jettymcp.api.RetryPolicy;
import io.jettymcp.config.Settings;
import io.jettymcp.config.SettingsLoader;
import io.jettymcp.config.Token;
import io.jettymcp.guard.CollectionScope;
import io.jettymcp.guard.Tenant;
import io.jettymcp.guard.ToolError;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import io.jettymcp.tool.ToolCall;
import io.jettymcp.tool.ToolContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * F13: download-file has an overall deadline. A file that trickles in a byte at a time (never slow enough
 * for the read timeout) is refused when the deadline passes, and the partial file is removed.
 */
class DownloadDeadlineTest {

    @TempDir
    Path tmp;

    @Test
    void aTricklingDownloadIsRefusedAtTheDeadlineAndThePartialFileRemoved() throws Exception {
        try (SandboxServer sandbox = SandboxServer.start(SandboxOptions.defaults())) {
            // 60 bytes, 100 ms apart: 6 s in all, each gap far below the 5 s read timeout
            sandbox.faults().add(FaultRule.trickle("GET", "/api/v1/file/demo/slow\\.bin", "x".repeat(60), 100));
            ObjectMapper m = new ObjectMapper();
            Path dl = tmp.resolve("dl");
            Settings s = Settings.builder().baseUrl("http://127.0.0.1:1").filesRoots(List.of(tmp), true).downloadDir(dl)
                    .downloadTimeout(Duration.ofSeconds(2)).build();
            FileTools tools = new FileTools(new ToolContext(s, m, "test"));
            JettyApi api = JettyApi.create(sandbox.baseUrl(), new Token(SandboxSeeds.DEMO_TOKEN, "t"),
                    Duration.ofSeconds(2), Duration.ofSeconds(5), RetryPolicy.DEFAULT, m, "t");
            ToolCall call = new ToolCall(null, m.createObjectNode().put("path", "demo/slow.bin"), null,
                    new Tenant(api, new CollectionScope(Set.of(), api)), ToolCall.Progress.NONE);

            assertThatThrownBy(() -> tools.download(call).block(Duration.ofSeconds(30)))
                    .isInstanceOf(ToolError.class)
                    .hasMessageContaining("JETTY_DOWNLOAD_TIMEOUT_SECONDS").hasMessageContaining("removed");
            try (var left = Files.list(dl)) {
                assertThat(left.toList()).as("files left in the download directory").isEmpty();
            }
            assertThat(sandbox.requests().matching("GET", "/api/v1/file/.*")).hasSize(1); // a deadline is not retried
        }
    }

    @Test
    void theDeadlineIsOnByDefault() {
        Settings s = new SettingsLoader(Map.of("HOME", tmp.toString())).load(
                new SettingsLoader.Flags(null, null, null, null, false, List.of(), null, false));
        assertThat(s.downloadTimeout()).isEqualTo(Duration.ofSeconds(600));
        Settings set = new SettingsLoader(Map.of("HOME", tmp.toString(), "JETTY_DOWNLOAD_TIMEOUT_SECONDS", "45")).load(
                new SettingsLoader.Flags(null, null, null, null, false, List.of(), null, false));
        assertThat(set.downloadTimeout()).isEqualTo(Duration.ofSeconds(45));
    }
}
