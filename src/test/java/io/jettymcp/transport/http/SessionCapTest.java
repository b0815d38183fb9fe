package io.jettymcp.transport.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * F10: live sessions are capped (in total, and per key or bearer token) by default; a flood of
 * initializes ends the sessions that never made a call first, a session that never sent
 * {@code notifications/initialized} ends after 60 s, and ended sessions answer 404.
 */
class SessionCapTest {

    static final ObjectMapper M = new ObjectMapper();
    static final McpJsonMapper MCP = new JacksonMcpJsonMapper(M);
    static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"flood\",\"version\":\"1\"}}}";
    static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
    static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}";

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static McpHttpServer start(HttpOptions options, LongSupplier clock) {
        McpServerFeatures.AsyncToolSpecification echo = McpServerFeatures.AsyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder().name("echo").description("e").inputSchema(Map.of("type", "object")).build())
                .callHandler((ex, req) -> Mono.just(McpSchema.CallToolResult.builder().addTextContent("echo").isError(false).build()))
                .build();
        McpMount mount = TestMount.of(MCP, echo);
        return McpHttpServer.start(options, mount, M, MCP, null, clock);
    }

    static HttpOptions caps(String token, int maxSessions, int perKey) {
        return new HttpOptions(HttpOptions.DEFAULT_HOST, 0, List.of(), List.of(), token, HttpOptions.DEFAULT_MAX_BODY,
                HttpOptions.DEFAULT_IDLE, HttpOptions.DEFAULT_MAX_CALLS, false, false, Duration.ofSeconds(1), 0,
                maxSessions, perKey);
    }

    HttpResponse<String> post(McpHttpServer server, String token, String session, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/mcp"))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    String initialize(McpHttpServer server, String token) throws Exception {
        HttpResponse<String> r = post(server, token, null, INIT);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    List<String> flood(McpHttpServer server, String token, int n) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(initialize(server, token));
        }
        return ids;
    }

    int sessions(McpHttpServer server) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/healthz"))
                .build(), HttpResponse.BodyHandlers.ofString());
        return M.readTree(r.body()).path("sessions").asInt();
    }

    /** A client that starts after the flood: the SDK's own, through initialize, initialized and a tool call. */
    void newClientIsServed(McpHttpServer server, String token) {
        HttpClientStreamableHttpTransport.Builder t = HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + server.port())
                .endpoint("/mcp").jsonMapper(MCP);
        if (token != null) {
            t.requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token));
        }
        McpSyncClient c = McpClient.sync(t.build()).requestTimeout(Duration.ofSeconds(20)).build();
        try {
            c.initialize();
            McpSchema.CallToolResult r = c.callTool(new McpSchema.CallToolRequest("echo", Map.of()));
            assertThat(((McpSchema.TextContent) r.content().get(0)).text()).isEqualTo("echo");
        } finally {
            c.closeGracefully();
        }
    }

    @Test
    void aFloodOfTwiceTheCapEndsTheSessionsThatNeverMadeACallFirstAndANewClientIsServed() throws Exception {
        try (McpHttpServer server = start(caps(null, 10, 10), System::nanoTime)) {
            String working = initialize(server, null);
            post(server, null, working, INITIALIZED);
            assertThat(post(server, null, working, PING).statusCode()).isEqualTo(200);
            List<String> flood = flood(server, null, 20);
            assertThat(sessions(server)).isLessThanOrEqualTo(10);
            assertThat(post(server, null, flood.get(0), PING).statusCode()).isEqualTo(404); // ended: 404
            assertThat(post(server, null, working, PING).statusCode()).isEqualTo(200); // it made a call: kept
            newClientIsServed(server, null);
            assertThat(sessions(server)).isLessThanOrEqualTo(10);
        }
    }

    @Test
    void atTheDefaultCapAFloodOfTwiceItLeavesAtMostTheCapAndANewClientIsServed() throws Exception {
        try (McpHttpServer server = start(HttpOptions.loopback(0), System::nanoTime)) {
            int cap = HttpOptions.loopback(0).maxSessions();
            assertThat(cap).isEqualTo(HttpOptions.DEFAULT_MAX_SESSIONS);
            flood(server, null, 2 * cap);
            assertThat(sessions(server)).isLessThanOrEqualTo(cap);
            newClientIsServed(server, null);
            assertThat(sessions(server)).isLessThanOrEqualTo(cap);
        }
    }

    @Test
    void oneBearerTokenHoldsAtMostItsDefaultNumberOfSessions() throws Exception {
        try (McpHttpServer server = start(caps("s3cret-http-token", HttpOptions.DEFAULT_MAX_SESSIONS,
                HttpOptions.DEFAULT_MAX_SESSIONS_PER_KEY), System::nanoTime)) {
            flood(server, "s3cret-http-token", 2 * HttpOptions.DEFAULT_MAX_SESSIONS_PER_KEY);
            assertThat(sessions(server)).isLessThanOrEqualTo(HttpOptions.DEFAULT_MAX_SESSIONS_PER_KEY);
            newClientIsServed(server, "s3cret-http-token");
        }
    }

    @Test
    void legacySseSessionsCountTowardsTheSameCap() throws Exception {
        try (McpHttpServer server = start(caps(null, 10, 10), System::nanoTime)) {
            List<java.util.concurrent.CompletableFuture<HttpResponse<Void>>> streams = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                streams.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/sse"))
                        .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.discarding()));
            }
            for (int i = 0; i < 400 && sessions(server) < 5; i++) {
                Thread.sleep(25);
            }
            assertThat(sessions(server)).isEqualTo(5);
            flood(server, null, 20);
            assertThat(sessions(server)).isLessThanOrEqualTo(10);
            streams.forEach(f -> f.cancel(true));
        }
    }

    @Test
    void aSessionThatNeverSendsInitializedEndsAfter60sAndThenAnswers404() throws Exception {
        AtomicLong now = new AtomicLong();
        try (McpHttpServer server = start(HttpOptions.loopback(0), now::get)) {
            String silent = initialize(server, null);
            String polite = initialize(server, null);
            assertThat(post(server, null, polite, INITIALIZED).statusCode()).isEqualTo(202);
            now.addAndGet(Duration.ofSeconds(59).toNanos());
            assertThat(post(server, null, silent, PING).statusCode()).isEqualTo(200); // still within its minute
            now.addAndGet(Duration.ofSeconds(2).toNanos());
            assertThat(post(server, null, silent, PING).statusCode()).isEqualTo(404);
            assertThat(post(server, null, polite, PING).statusCode()).isEqualTo(200);

            initialize(server, null); // another that stays silent: the sweep ends it without any request
            now.addAndGet(Duration.ofSeconds(61).toNanos());
            server.sweep();
            assertThat(sessions(server)).isEqualTo(1);
        }
    }
}
