package io.jettymcp.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.config.Token;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JettyApiDownloadTest {

    @TempDir
    Path tmp;

    @Test
    void aFileThatCannotBeWrittenHereIsNotANetworkFailureAndIsNotRetried() {
        try (SandboxServer sandbox = SandboxServer.start(SandboxOptions.defaults())) {
            sandbox.faults().add(FaultRule.status("GET", "/api/v1/file/.*", 200).withBody("hello"));
            JettyApi api = JettyApi.create(sandbox.baseUrl(), new Token(SandboxSeeds.DEMO_TOKEN, "t"), Duration.ofSeconds(2),
                    Duration.ofSeconds(5), RetryPolicy.DEFAULT, new ObjectMapper(), "t");
            // the target is a directory: opening it for writing fails on our side
            assertThatThrownBy(() -> api.download(ApiRequest.get("/api/v1/file/demo/x/a.txt"), tmp, 1000).block())
                    .isInstanceOf(JettyApiException.class).hasMessageContaining("Could not write the download");
            assertThat(sandbox.requests().matching("GET", "/api/v1/file/.*")).hasSize(1);
        }
    }
}
