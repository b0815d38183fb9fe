package io.jettymcp.guard;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.api.JettyApi;
import io.jettymcp.api.RetryPolicy;
import io.jettymcp.config.Token;
import io.jettymcp.guard.CollectionScope.Key;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import io.jettymcp.sandbox.SandboxSwitches.Whoami;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** whoami informs the scope and never gates a call (jetty-api.md §7 E3); one lookup per cache window. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CollectionScopeTest {

    static final String WHOAMI = "/api/v1/auth/whoami";

    SandboxServer sandbox;
    /** the cache windows' clock, moved by hand */
    final AtomicLong now = new AtomicLong();

    @BeforeAll
    void start() {
        sandbox = SandboxServer.start(SandboxOptions.defaults());
    }

    @AfterAll
    void stop() {
        sandbox.close();
    }

    @BeforeEach
    void reset() {
        sandbox.reset();
        sandbox.requests().clear();
    }

    private JettyApi api(String key, Duration timeout) {
        return JettyApi.create(sandbox.baseUrl(), new Token(key, "t"), Duration.ofSeconds(2), timeout, RetryPolicy.DEFAULT,
                new ObjectMapper(), "t");
    }

    private CollectionScope scope(Set<String> configured, String key) {
        return new CollectionScope(configured, api(key, Duration.ofSeconds(10)), now::get, CollectionScope.BOUND);
    }

    private int whoamis() {
        return sandbox.requests().matching("GET", WHOAMI).size();
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void everyAnswerWhoamiCanGiveIsClassified() {
        record Case(Whoami mode, String key, Key.State state, String reason) {
        }
        for (Case c : new Case[]{
                new Case(Whoami.ABSENT, SandboxSeeds.DEMO_TOKEN, Key.State.UNKNOWN, "404"),
                new Case(Whoami.METHOD_NOT_ALLOWED, SandboxSeeds.DEMO_TOKEN, Key.State.UNKNOWN, "405"),
                new Case(Whoami.REDIRECT, SandboxSeeds.DEMO_TOKEN, Key.State.UNKNOWN, "redirected"),
                new Case(Whoami.HTML, SandboxSeeds.DEMO_TOKEN, Key.State.UNKNOWN, "without JSON"),
                new Case(Whoami.NO_FIELDS, SandboxSeeds.DEMO_TOKEN, Key.State.UNKNOWN, "without collection_scope"),
                new Case(Whoami.SERVER_ERROR, SandboxSeeds.DEMO_TOKEN, Key.State.UNKNOWN, "503"),
                new Case(Whoami.NORMAL, "mlc_notAKey00000000", Key.State.REJECTED, "Invalid or inactive API key"),
                new Case(Whoami.NO_FIELDS, "mlc_notAKey00000000", Key.State.REJECTED, "401")}) {
            sandbox.switches().whoami(c.mode());
            Key k = scope(Set.of(), c.key()).key().block();
            assertThat(k.state()).as(c.mode().wire()).isEqualTo(c.state());
            assertThat(k.reason()).as(c.mode().wire()).contains(c.reason());
            assertThat(k.scope()).isNull();
        }
        sandbox.switches().whoami(Whoami.NORMAL);
        Key demo = scope(Set.of(), SandboxSeeds.DEMO_TOKEN).key().block();
        assertThat(demo.state()).isEqualTo(Key.State.KNOWN);
        assertThat(demo.scope()).isEqualTo("demo");
        assertThat(demo.identifier()).isEqualTo("demo-key");
        Key user = scope(Set.of(), SandboxSeeds.USER_TOKEN).key().block();
        assertThat(user.known()).isTrue();
        assertThat(user.scope()).as("a user token: any collection").isNull();
    }

    @Test
    void definitiveAnswersAreKeptTenMinutes() {
        for (Whoami mode : new Whoami[]{Whoami.NORMAL, Whoami.ABSENT, Whoami.METHOD_NOT_ALLOWED, Whoami.REDIRECT,
                Whoami.HTML, Whoami.NO_FIELDS}) {
            sandbox.switches().whoami(mode);
            sandbox.requests().clear();
            CollectionScope s = scope(Set.of(), SandboxSeeds.DEMO_TOKEN);
            for (int i = 0; i < 5; i++) {
                s.key().block();
                s.resolve("demo").block();
            }
            assertThat(whoamis()).as(mode.wire()).isEqualTo(1);
            advance(Duration.ofMinutes(9).plusSeconds(59));
            s.allowed().block();
            assertThat(whoamis()).as(mode.wire() + " within 10 min").isEqualTo(1);
            advance(Duration.ofSeconds(2));
            s.allowed().block();
            assertThat(whoamis()).as(mode.wire() + " after 10 min").isEqualTo(2);
        }
        // a rejected key too
        sandbox.requests().clear();
        CollectionScope bad = scope(Set.of(), "mlc_notAKey00000000");
        bad.key().block();
        advance(Duration.ofMinutes(5));
        assertThat(bad.key().block().state()).isEqualTo(Key.State.REJECTED);
        assertThat(whoamis()).isEqualTo(1);
    }

    @Test
    void serverErrorsAndTimeoutsAreKeptThirtySeconds() {
        sandbox.switches().whoami(Whoami.SERVER_ERROR);
        CollectionScope s = scope(Set.of(), SandboxSeeds.DEMO_TOKEN);
        for (int i = 0; i < 5; i++) {
            assertThat(s.resolve("demo").block()).isEqualTo("demo");
        }
        assertThat(whoamis()).as("one request, not retried").isEqualTo(1);
        advance(Duration.ofSeconds(29));
        s.key().block();
        assertThat(whoamis()).isEqualTo(1);
        advance(Duration.ofSeconds(2));
        s.key().block();
        assertThat(whoamis()).isEqualTo(2);

        // no answer at all: the client's own timeout (1 s here) ends the lookup, kept 30 s too
        sandbox.switches().whoami(Whoami.NORMAL);
        sandbox.faults().add(FaultRule.hang("GET", WHOAMI));
        sandbox.requests().clear();
        CollectionScope hung = new CollectionScope(Set.of(), api(SandboxSeeds.DEMO_TOKEN, Duration.ofSeconds(1)), now::get,
                CollectionScope.BOUND);
        Key k = hung.key().block();
        assertThat(k.state()).isEqualTo(Key.State.UNKNOWN);
        sandbox.faults().clear();
        advance(Duration.ofSeconds(29));
        assertThat(hung.key().block().state()).isEqualTo(Key.State.UNKNOWN);
        assertThat(whoamis()).isEqualTo(1);
        advance(Duration.ofSeconds(2));
        assertThat(hung.key().block().state()).isEqualTo(Key.State.KNOWN);
        assertThat(whoamis()).isEqualTo(2);
    }

    @Test
    void aSlowWhoamiDelaysACallAtMostTheBoundAndAnswersLaterCalls() throws Exception {
        sandbox.switches().whoami(Whoami.SLOW);
        CollectionScope s = scope(Set.of(), SandboxSeeds.DEMO_TOKEN);
        // had the call waited for the answer (key for 'demo'), 'acme' would be refused here
        assertThat(s.resolve("acme").block()).as("scope unknown for now: the call goes on").isEqualTo("acme");
        // the lookup was not cancelled: it ends in the background, once, and later calls use it
        Key later = s.key().block();
        for (int i = 0; i < 100 && !later.known(); i++) {
            assertThat(later.reason()).contains("no answer within 2 s");
            Thread.sleep(50);
            later = s.key().block();
        }
        assertThat(later.scope()).isEqualTo("demo");
        assertThat(whoamis()).isEqualTo(1);
        assertThatThrownBy(() -> s.resolve("acme").block()).hasMessageContaining("a key for 'demo'");
    }

    @Test
    void withJettyCollectionsWhoamiIsNeverAsked() {
        CollectionScope s = scope(Set.of("demo"), SandboxSeeds.ACME_TOKEN);
        assertThat(s.resolve(null).block()).isEqualTo("demo");
        assertThat(s.resolve("demo").block()).as("Jetty, not whoami, judges the key").isEqualTo("demo");
        assertThat(s.allowed().block().names()).containsExactly("demo");
        assertThatThrownBy(() -> s.resolve("acme").block()).isInstanceOf(ToolError.class).hasMessageContaining("JETTY_COLLECTIONS");
        CollectionScope two = scope(Set.of("demo", "other"), SandboxSeeds.DEMO_TOKEN);
        assertThatThrownBy(() -> two.resolve(null).block()).hasMessageContaining("one of [demo, other]");
        assertThat(sandbox.requests().all()).isEmpty();
    }

    @Test
    void withoutAnyKnownScopeACollectionMustBeNamedAndTheErrorSaysHow() {
        sandbox.switches().whoami(Whoami.ABSENT);
        CollectionScope s = scope(Set.of(), SandboxSeeds.DEMO_TOKEN);
        assertThatThrownBy(() -> s.resolve(null).block()).isInstanceOf(ToolError.class)
                .hasMessageContaining("'collection'").hasMessageContaining("JETTY_COLLECTIONS")
                .hasMessageContaining("list-collections").hasMessageContaining("404");
        assertThat(s.resolve("acme").block()).as("Jetty decides").isEqualTo("acme");
        assertThat(s.allowed().block().names()).isNull();

        sandbox.switches().whoami(Whoami.NORMAL);
        CollectionScope known = scope(Set.of(), SandboxSeeds.DEMO_TOKEN);
        assertThat(known.resolve(null).block()).isEqualTo("demo");
        assertThatThrownBy(() -> known.resolve("acme").block()).hasMessageContaining("a key for 'demo'");
    }
}
