package io.jettymcp.e2e;

import io.jettymcp.api.Routes;
import io.jettymcp.e2e.support.RawStdio;
import io.jettymcp.e2e.support.SandboxTest;
import io.jettymcp.sandbox.SandboxSeeds;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stdio launch answers initialize and tools/list from the answers an earlier launch of the same jar and settings
 * gave (while its server is still being built), byte for byte what the server itself answers, and repairs a kept
 * answer that no longer matches.
 */
class OpeningAnswersE2ETest extends SandboxTest {

    static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":%s,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-06-18\",\"capabilities\":%s,\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";
    static final String NO_CAPS = "{}";
    static final String UI_CAPS = "{\"extensions\":{\"io.modelcontextprotocol/ui\":{\"mimeTypes\":[\"text/html;profile=mcp-app\"]}}}";
    static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
    static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":%s,\"method\":\"tools/list\"}";

    /** One launch's opening: the initialize and tools/list answers as written, then a tool call answered. */
    record Opening(String discover, String initialize, String toolsList, List<String> stderr, List<String> sent) {
    }

    /** @param cache the cache directory; the launches of one test share it and one home (the download dir is a setting) */
    Opening launch(Path cache, String initId, String listId, String... args) throws Exception {
        return launchWith(NO_CAPS, cache, initId, listId, args);
    }

    Opening launchWith(String caps, Path cache, String initId, String listId, String... args) throws Exception {
        return launchWith(false, caps, cache, initId, listId, args);
    }

    /** @param probe whether the client probes {@code server/discover} first (id 5), as Claude Code does */
    Opening launchWith(boolean probe, String caps, Path cache, String initId, String listId, String... args) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("JETTY_API_URL", sandbox.baseUrl(),
                "JETTY_API_TOKEN", SandboxSeeds.DEMO_TOKEN, "JETTY_MCP_CACHE_DIR", cache.toString()));
        Path home = Files.createDirectories(cache.resolveSibling(cache.getFileName() + "-home"));
        sandbox.requests().clear();
        try (RawStdio raw = new RawStdio(env, home, args)) {
            String discover = null;
            if (probe) {
                raw.send("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"server/discover\",\"params\":{\"_meta\":"
                        + "{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{},"
                        + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}}");
                discover = raw.next(60);
            }
            raw.send(INITIALIZE.formatted(initId, caps));
            String init = raw.next(60);
            raw.send(INITIALIZED);
            raw.send(LIST.formatted(listId));
            String list = raw.next(60);
            raw.send(RawStdio.toolCall(9, "list-collections", "{}"));
            com.fasterxml.jackson.databind.JsonNode call = raw.answer(9, 60);
            assertThat(call).as("a call after the opening").isNotNull();
            assertThat(call.path("result").path("isError").asBoolean()).as(call.toString()).isFalse();
            raw.closeInput();
            raw.process().waitFor();
            List<String> sent = sandbox.requests().all().stream().map(r -> r.method() + " " + r.path()).toList();
            return new Opening(discover, init, list, raw.stderr(), sent);
        }
    }

    static List<Path> files(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("opening-")).toList();
        }
    }

    @Test
    void theSecondLaunchAnswersAsTheFirstWithItsOwnIds() throws Exception {
        Path cache = tempDir("cache");
        Opening first = launch(cache, "0", "1");
        assertThat(files(cache)).hasSize(1);
        Opening second = launch(cache, "\"init-7\"", "8");
        assertThat(second.initialize()).isEqualTo(first.initialize().replace("\"id\":0,", "\"id\":\"init-7\","));
        assertThat(second.toolsList()).isEqualTo(first.toolsList().replace("\"id\":1,", "\"id\":8,"));
        assertThat(second.stderr()).noneMatch(l -> l.contains("opening answers"));
        assertThat(second.sent()).as("an early opening warms the client with one whoami, which the first call reuses; "
                + "no environment is read").containsExactlyInAnyOrder("GET " + Routes.WHOAMI.path(), "GET " + Routes.COLLECTIONS_LIST.path());
        assertThat(String.join("\n", Files.readAllLines(files(cache).get(0)))).doesNotContain(SandboxSeeds.DEMO_TOKEN);
    }

    @Test
    void aKeptAnswerIsWhatTheNextLaunchWritesAndOneThatDiffersIsReplaced() throws Exception {
        Path cache = tempDir("cache");
        Opening real = launch(cache, "0", "1");
        Path kept = files(cache).get(0);
        Files.writeString(kept, Files.readString(kept).replace("\"name\":\"get-task\"", "\"name\":\"get-task-kept\""));

        Opening early = launch(cache, "0", "1");
        assertThat(early.toolsList()).as("answered from the kept file, before the server could").contains("get-task-kept");
        assertThat(early.stderr()).anyMatch(l -> l.contains("opening answers kept from an earlier launch differ"));

        assertThat(launch(cache, "0", "1").toolsList()).as("the repaired file").isEqualTo(real.toolsList());
    }

    @Test
    void aClientThatRendersViewsGetsItsOwnAnswersAndOneThatDoesNotNeverSeesThem() throws Exception {
        Path cache = tempDir("cache");
        Opening plain = launch(cache, "0", "1");
        Opening apps = launchWith(UI_CAPS, cache, "0", "1");
        assertThat(files(cache)).hasSize(2);
        assertThat(apps.toolsList()).contains("ui://jetty/run");
        assertThat(plain.toolsList()).doesNotContain("ui://");
        assertThat(launchWith(UI_CAPS, cache, "0", "1").toolsList()).isEqualTo(apps.toolsList());
        assertThat(launch(cache, "0", "1").toolsList()).isEqualTo(plain.toolsList());
    }

    @Test
    void aServerDiscoverProbeIsPartOfTheOpeningAnsweredAsTheServerDoes() throws Exception {
        Path cache = tempDir("cache");
        Opening first = launchWith(true, NO_CAPS, cache, "0", "1");
        assertThat(first.discover()).as("the 2026-07-28 era's discover answer").contains("\"id\":5").contains("\"result\"");
        Opening second = launchWith(true, NO_CAPS, cache, "0", "1");
        assertThat(second).usingRecursiveComparison().ignoringFields("stderr", "sent").isEqualTo(first);
        assertThat(files(cache)).hasSize(1);
        Path kept = files(cache).get(0);
        Files.writeString(kept, Files.readString(kept).replace("\"name\":\"get-task\"", "\"name\":\"get-task-kept\""));
        assertThat(launchWith(true, NO_CAPS, cache, "0", "1").toolsList()).as("after a probe, still answered early")
                .contains("get-task-kept");
    }

    @Test
    void aLegacyOnlyServerRefusesTheProbeAndKeepsThatApart() throws Exception {
        Path cache = tempDir("cache");
        Opening both = launchWith(true, NO_CAPS, cache, "0", "1");
        Opening legacy = launchWith(true, NO_CAPS, cache, "0", "1", "--protocol-era", "legacy");
        assertThat(legacy.discover()).contains("\"id\":5").contains("-32601");
        assertThat(files(cache)).hasSize(2);
        assertThat(launchWith(true, NO_CAPS, cache, "0", "1", "--protocol-era", "legacy").discover())
                .isEqualTo(legacy.discover());
        assertThat(launchWith(true, NO_CAPS, cache, "0", "1").discover()).isEqualTo(both.discover());
    }

    @Test
    void otherSettingsGetTheirOwnAnswers() throws Exception {
        Path cache = tempDir("cache");
        Opening all = launch(cache, "0", "1");
        Opening readOnly = launch(cache, "0", "1", "--read-only");
        assertThat(files(cache)).hasSize(2);
        assertThat(readOnly.toolsList()).doesNotContain("\"name\":\"run-task\"");
        assertThat(all.toolsList()).contains("\"name\":\"run-task\"");
        assertThat(launch(cache, "0", "1", "--read-only").toolsList()).isEqualTo(readOnly.toolsList());
    }
}
