package io.jettymcp.transport.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.JettyApi;
import io.jettymcp.api.JettyApiException;
import io.jettymcp.api.RetryPolicy;
import io.jettymcp.config.Token;
import io.jettymcp.guard.Secrets;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import io.jettymcp.sandbox.SandboxSwitches.Whoami;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Per-request keys when whoami cannot tell (jetty-api.md §7 E3): admitted provisionally, registered once Jetty accepts them. */
class PerRequestKeysTest {

    private static PerRequestKeys keys(SandboxServer sandbox, Secrets redactor) {
        JettyApi template = JettyApi.create(sandbox.baseUrl(), Token.NONE, Duration.ofSeconds(2), Duration.ofSeconds(5),
                RetryPolicy.NONE, new ObjectMapper(), "t");
        return new PerRequestKeys(template, Set.of(), redactor);
    }

    /** Whether the redactor knows the value itself (glued to a letter, the key patterns do not match). */
    private static boolean registered(Secrets redactor, String key) {
        return !redactor.redactAll("x" + key).contains(key);
    }

    @Test
    void whenWhoamiCannotTellAKeyIsAdmittedAndRegisteredOnlyOnceJettyAcceptsIt() {
        for (Whoami mode : new Whoami[]{Whoami.ABSENT, Whoami.METHOD_NOT_ALLOWED, Whoami.REDIRECT, Whoami.HTML, Whoami.SERVER_ERROR}) {
            try (SandboxServer sandbox = SandboxServer.start(SandboxOptions.defaults())) {
                sandbox.switches().whoami(mode);
                Secrets redactor = new Secrets();
                PerRequestKeys keys = keys(sandbox, redactor);
                assertThat(keys.admit(SandboxSeeds.DEMO_TOKEN).block()).as(mode.wire()).isEqualTo(SandboxSeeds.DEMO_TOKEN);
                assertThat(registered(redactor, SandboxSeeds.DEMO_TOKEN)).as(mode.wire() + ": not accepted yet").isFalse();
                keys.tenant(SandboxSeeds.DEMO_TOKEN).api().json(ApiRequest.get("/api/v1/tasks/demo/")).block();
                assertThat(registered(redactor, SandboxSeeds.DEMO_TOKEN)).as(mode.wire() + ": Jetty answered 2xx").isTrue();

                // a wrong key is admitted too, and Jetty's own 401 refuses it: never registered
                String wrong = "mlc_notAKey00000000";
                assertThat(keys.admit(wrong).block()).isEqualTo(wrong);
                assertThatThrownBy(() -> keys.tenant(wrong).api().json(ApiRequest.get("/api/v1/tasks/demo/")).block())
                        .isInstanceOf(JettyApiException.class).hasMessageContaining("401").hasMessageContaining("X-Jetty-Api-Key");
                assertThat(registered(redactor, wrong)).isFalse();
            }
        }
    }

    @Test
    void whoamiWithFieldsRegistersAtOnceAndItsRefusalStillRefuses() {
        try (SandboxServer sandbox = SandboxServer.start(SandboxOptions.defaults())) {
            Secrets redactor = new Secrets();
            PerRequestKeys keys = keys(sandbox, redactor);
            keys.admit(SandboxSeeds.ACME_TOKEN).block();
            assertThat(registered(redactor, SandboxSeeds.ACME_TOKEN)).isTrue();
            assertThatThrownBy(() -> keys.admit("mlc_notAKey00000000").block()).isInstanceOf(PerRequestKeys.Refused.class)
                    .satisfies(e -> assertThat(((PerRequestKeys.Refused) e).status()).isEqualTo(401));
            sandbox.switches().whoami(Whoami.NO_FIELDS); // authenticates: a wrong key is still refused
            assertThatThrownBy(() -> keys.admit("mlc_otherWrongKey000").block()).isInstanceOf(PerRequestKeys.Refused.class);
            assertThat(registered(redactor, "mlc_notAKey00000000")).isFalse();
        }
    }
}
