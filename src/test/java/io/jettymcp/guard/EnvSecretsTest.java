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
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class EnvSecretsTest {

    private static JettyApi api(SandboxServer sandbox, String key) {
        // a new Token object each time, as per-request keys make one every minute
        return JettyApi.create(sandbox.baseUrl(), new Token(key, "t"), Duration.ofSeconds(2), Duration.ofSeconds(5),
                RetryPolicy.NONE, new ObjectMapper(), "t");
    }

    @Test
    void learningIsRememberedPerKeyValueNotPerTokenObject() {
        try (SandboxServer sandbox = SandboxServer.start(SandboxOptions.defaults())) {
            Redactor redactor = new Redactor();
            EnvSecrets env = new EnvSecrets();
            String envPath = "/api/v1/collections/demo/environment";

            env.learn(api(sandbox, SandboxSeeds.DEMO_TOKEN), new TenantSecrets(), "demo").block();
            env.learn(api(sandbox, SandboxSeeds.DEMO_TOKEN), new TenantSecrets(), "demo").block();
            assertThat(sandbox.requests().matching("GET", envPath)).as("same key, read once").hasSize(1);

            env.learn(api(sandbox, SandboxSeeds.USER_TOKEN), new TenantSecrets(), "demo").block();
            assertThat(sandbox.requests().matching("GET", envPath)).as("another key reads for itself").hasSize(2);

            // a failed read (a key for another collection) is not tried again on the next call
            env.learn(api(sandbox, SandboxSeeds.ACME_TOKEN), new TenantSecrets(), "demo").block();
            env.learn(api(sandbox, SandboxSeeds.ACME_TOKEN), new TenantSecrets(), "demo").block();
            assertThat(sandbox.requests().matching("GET", envPath)).hasSize(3);
        }
    }

    @Test
    void aCallWithoutACollectionLearnsEveryCollectionInScope() {
        try (SandboxServer sandbox = SandboxServer.start(SandboxOptions.defaults())) {
            EnvSecrets env = new EnvSecrets();
            JettyApi user = api(sandbox, SandboxSeeds.USER_TOKEN);
            env.learnVisible(user, new TenantSecrets(), new CollectionScope(Set.of("demo", "acme"), user)).block();
            assertThat(sandbox.requests().matching("GET", "/api/v1/collections/(demo|acme)/environment")).hasSize(2);
            assertThat(sandbox.requests().matching("GET", "/api/v1/collections/")).as("the scope is known: no listing").isEmpty();
        }
    }
}
