package io.jettymcp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.api.Routes;
import io.jettymcp.e2e.support.RawStdio;
import io.jettymcp.e2e.support.SandboxTest;
import io.jettymcp.sandbox.SandboxSeeds;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a stdio server sends Jetty on its own, before its first tool call: nothing before the client has initialized
 * the session and had its tools listed; then, with a key and no JETTY_COLLECTIONS, exactly one whoami (the first call's scope look-up, done
 * early) and never an environment read; nothing at all without a key or with JETTY_COLLECTIONS. The first call then
 * finds whoami's answer cached and answers as it always did.
 */
class FirstCallPrepE2ETest extends SandboxTest {

    static final String WHOAMI = "GET " + Routes.WHOAMI.path();
    static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";
    static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";

    RawStdio start(Map<String, String> env) throws IOException {
        Map<String, String> all = new HashMap<>(Map.of("JETTY_API_URL", sandbox.baseUrl(), "JETTY_API_TOKEN", SandboxSeeds.DEMO_TOKEN));
        all.putAll(env);
        return new RawStdio(all, tempDir("home"));
    }

    /** Sends a line the server answers with a parse error, and waits for it: the server is up and reading. */
    static void roundTrip(RawStdio raw) throws IOException, InterruptedException {
        raw.send("{");
        assertThat(raw.until(n -> n.has("error") && n.path("id").isNull(), 60)).as("parse error answered").isNotNull();
    }

    static JsonNode answer(RawStdio raw, int id, String line) throws IOException, InterruptedException {
        raw.send(line);
        JsonNode a = raw.answer(id, 60);
        assertThat(a).as("answer to %s", line).isNotNull();
        return a;
    }

    List<String> sent() {
        return sandbox.requests().all().stream().map(r -> r.method() + " " + r.path()).toList();
    }

    /** Waits for a condition (not a timing assertion: the bound only keeps a broken build from hanging). */
    static void await(BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!done.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
    }

    @Test
    void nothingBeforeInitializedThenOneWhoamiThatTheFirstCallReuses() throws Exception {
        sandbox.requests().clear();
        try (RawStdio raw = start(Map.of())) {
            roundTrip(raw);
            assertThat(sent()).as("sent before initialize").isEmpty();
            answer(raw, 0, INITIALIZE);
            roundTrip(raw);
            assertThat(sent()).as("sent before the client's notifications/initialized").isEmpty();

            raw.send(INITIALIZED);
            roundTrip(raw);
            assertThat(sent()).as("sent before the answer to the request after initialized").isEmpty();
            answer(raw, 1, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
            await(() -> sent().contains(WHOAMI));
            roundTrip(raw);
            assertThat(sent()).as("sent after initialized, before any call: whoami once, no environment read")
                    .containsExactly(WHOAMI);

            sandbox.requests().clear();
            JsonNode first = answer(raw, 2, RawStdio.toolCall(2, "list-collections", "{}")).path("result");
            assertThat(first.path("isError").asBoolean(false)).as(first.toString()).isFalse();
            assertThat(first.path("content").path(0).path("text").asText()).contains("\"name\":\"" + SandboxSeeds.DEMO + "\"");
            assertThat(sent()).as("the first call's requests: whoami's answer is cached")
                    .containsExactly("GET " + Routes.COLLECTIONS_LIST.path());

            JsonNode second = answer(raw, 3, RawStdio.toolCall(3, "list-collections", "{}")).path("result");
            assertThat(second).as("the first call answers as any later one").isEqualTo(first);
        }
    }

    @Test
    void withoutAKeyNothingIsEverSent() throws Exception {
        sandbox.requests().clear();
        try (RawStdio raw = start(Map.of("JETTY_API_TOKEN", ""))) {
            answer(raw, 0, INITIALIZE);
            raw.send(INITIALIZED);
            answer(raw, 1, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
            JsonNode r = answer(raw, 2, RawStdio.toolCall(2, "list-collections", "{}")).path("result");
            assertThat(r.path("isError").asBoolean()).isTrue();
            assertThat(r.toString()).contains("JETTY_API_TOKEN");
            roundTrip(raw);
        }
        assertThat(sent()).isEmpty();
    }

    @Test
    void withJettyCollectionsNothingIsSentBeforeTheFirstCall() throws Exception {
        sandbox.requests().clear();
        try (RawStdio raw = start(Map.of("JETTY_COLLECTIONS", SandboxSeeds.DEMO))) {
            answer(raw, 0, INITIALIZE);
            raw.send(INITIALIZED);
            answer(raw, 1, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
            roundTrip(raw);
            assertThat(sent()).as("no whoami (the scope is configured), no read of the pinned collection's environment")
                    .isEmpty();
            JsonNode r = answer(raw, 2, RawStdio.toolCall(2, "list-tasks", "{}")).path("result");
            assertThat(r.path("isError").asBoolean(false)).as(r.toString()).isFalse();
            assertThat(sent()).doesNotContain(WHOAMI).contains("GET " + Routes.ENV_GET.path(SandboxSeeds.DEMO));
        }
    }
}
