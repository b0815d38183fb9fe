package io.jettymcp.transport.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.api.JettyApi;
import io.jettymcp.api.RetryPolicy;
import io.jettymcp.config.Token;
import io.jettymcp.e2e.support.RawHttp;
import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxSeeds;
import io.jettymcp.sandbox.SandboxServer;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --per-request-key} sessions (F7): every request in a session must carry the key the session
 * was opened with. The session id alone (legacy SSE puts it in the URL) neither acts nor replays.
 */
class SessionKeyTest {

    static final String OWNER = SandboxSeeds.DEMO_TOKEN;
    static final String OTHER = SandboxSeeds.ACME_TOKEN;
    static SandboxServer sandbox;
    static McpHttpServer server;
    /** released by a test to let the running {@code held} call answer */
    static volatile Sinks.Empty<Void> release = Sinks.empty();

    @BeforeAll
    static void start() {
        sandbox = SandboxServer.start(SandboxOptions.defaults());
        ObjectMapper mapper = new ObjectMapper();
        McpJsonMapper mcpMapper = new JacksonMcpJsonMapper(mapper);
        McpServerFeatures.AsyncToolSpecification held = McpServerFeatures.AsyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder().name("held").description("h").inputSchema(Map.of("type", "object")).build())
                .callHandler((ex, req) -> ex.progressNotification(new McpSchema.ProgressNotification(
                                req.meta().get("progressToken"), 1, 2.0, "started"))
                        .then(release.asMono())
                        .then(Mono.just(McpSchema.CallToolResult.builder().addTextContent("owner-answer").isError(false).build())))
                .build();
        McpMount mount = TestMount.of(mcpMapper, held);
        JettyApi template = JettyApi.create(sandbox.baseUrl(), Token.NONE, Duration.ofSeconds(2), Duration.ofSeconds(5),
                RetryPolicy.NONE, mapper, "t");
        server = McpHttpServer.start(HttpOptions.loopback(0), mount, mapper, mcpMapper,
                new PerRequestKeys(template, Set.of(), new io.jettymcp.guard.Secrets()));
    }

    @AfterAll
    static void stop() {
        server.close();
        sandbox.close();
    }

    static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";
    static final String CALL = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"held\","
            + "\"arguments\":{},\"_meta\":{\"progressToken\":\"p\"}}}";

    static Map<String, String> with(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void streamableRequestsWithoutTheSessionsKeyAreRefusedAndReplayNothing() throws Exception {
        int port = server.port();
        RawHttp.Response init = RawHttp.send(port, "POST", "/mcp", with(PerRequestKeys.HEADER, OWNER), INIT);
        assertThat(init.status()).isEqualTo(200);
        String session = init.header("mcp-session-id");

        // the owner's call: its first event arrives, then the connection drops; the answer stays resumable. The call is
        // released before the drop: a server that noticed the drop first would cancel the call, and there would be no
        // answer to replay (a race that made this test fail under load)
        Sinks.Empty<Void> held = Sinks.empty();
        release = held;
        Matcher first = RawHttp.sendAndDrop(port, "POST", "/mcp", with("Mcp-Session-Id", session, PerRequestKeys.HEADER, OWNER),
                CALL, Pattern.compile("id: (\\S+)\\n"), held::tryEmitEmpty);
        String lastEventId = first.group(1);

        for (String key : new String[]{null, OTHER}) {
            String as = key == null ? "no key" : "another key";
            Map<String, String> h = with("Mcp-Session-Id", session);
            if (key != null) {
                h.put(PerRequestKeys.HEADER, key);
            }
            Map<String, String> resume = new HashMap<>(h);
            resume.put("Last-Event-ID", lastEventId);
            RawHttp.Response replay = RawHttp.send(port, "GET", "/mcp", resume, null);
            assertThat(replay.status()).as("GET Last-Event-ID, " + as).isEqualTo(401);
            assertThat(replay.body()).as(as).doesNotContain("owner-answer");
            RawHttp.Response call = RawHttp.send(port, "POST", "/mcp", h, CALL.replace("\"id\":2", "\"id\":3"));
            assertThat(call.status()).as("POST, " + as).isEqualTo(401);
            assertThat(RawHttp.send(port, "GET", "/mcp", h, null).status()).as("GET, " + as).isEqualTo(401);
            assertThat(RawHttp.send(port, "DELETE", "/mcp", h, null).status()).as("DELETE, " + as).isEqualTo(401);
            assertThat(call.body() + replay.body()).doesNotContain(OWNER).doesNotContain(OTHER);
        }
        // the owner still has the session and its answer
        RawHttp.Response mine = RawHttp.send(port, "GET", "/mcp", with("Mcp-Session-Id", session, PerRequestKeys.HEADER, OWNER,
                "Last-Event-ID", lastEventId), null);
        assertThat(mine.body()).contains("owner-answer");
        assertThat(RawHttp.send(port, "DELETE", "/mcp", with("Mcp-Session-Id", session, PerRequestKeys.HEADER, OWNER), null)
                .status()).isEqualTo(200);
    }

    @Test
    void legacyMessagesWithoutTheSessionsKeyAreRefused() throws Exception {
        int port = server.port();
        try (RawHttp.EventStream sse = RawHttp.openEventStream(port, "/sse", with(PerRequestKeys.HEADER, OWNER))) {
            String endpoint = sse.next(l -> l.startsWith("data: /message"), Duration.ofSeconds(20));
            assertThat(endpoint).isNotNull();
            String path = endpoint.substring("data: ".length()).trim();
            assertThat(RawHttp.send(port, "POST", path, with(), INIT).status()).as("no key").isEqualTo(401);
            assertThat(RawHttp.send(port, "POST", path, with(PerRequestKeys.HEADER, OTHER), INIT).status()).as("another key")
                    .isEqualTo(401);
            assertThat(RawHttp.send(port, "POST", path, with(PerRequestKeys.HEADER, OWNER), INIT).status()).isEqualTo(202);
        }
    }
}
