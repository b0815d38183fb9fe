package io.jettymcp.guard;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.api.JettyApi;
import io.jettymcp.api.RetryPolicy;
import io.jettymcp.config.Token;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class EnvSecretsTest {

    private static JettyApi api(SandboxServer sandbox, String key) {
        // a new Token object each time, as per-request keys make one every minute
        return JettyApi.create(sandbox.baseUrl(), new Token(key, "t"), Duration.ofSeconds(2), Duration.ofSeconds(5),
                RetryPolicy.NONE, new ObjectMapper(), "t");
    }

    @Test
    void everyCallReadsAnewAndAFailedReadIsReportedNotTakenAsNoValues() {
        try (SandboxServer sandbox = SandboxServer.start(SandboxOptions.defaults())) {
            EnvSecrets env = new EnvSecrets();
            String envPath = "/api/v1/collections/demo/environment";
            EnvSecrets.Read first = env.read(api(sandbox, SandboxSeeds.DEMO_TOKEN), "demo", System.nanoTime()).block();
            assertThat(first.ok()).isTrue();
            assertThat(first.values()).isNotEmpty();
            env.read(api(sandbox, SandboxSeeds.DEMO_TOKEN), "demo", System.nanoTime()).block();
            assertThat(sandbox.requests().matching("GET", envPath)).as("nothing cached as learned").hasSize(2);

            EnvSecrets.Read denied = env.read(api(sandbox, SandboxSeeds.ACME_TOKEN), "demo", System.nanoTime()).block();
            assertThat(denied.ok()).isFalse();
            assertThat(denied.failure()).matches("4\\d\\d");
        }
    }
}
