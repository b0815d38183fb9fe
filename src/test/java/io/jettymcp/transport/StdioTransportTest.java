package io.jettymcp.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The stdio read loop in process, fed chunk by chunk, so failures a real pipe rarely shows can be injected. */
class StdioTransportTest {

    private static final ObjectMapper M = new ObjectMapper();
    private static final Object EOF = new Object();

    private final BlockingQueue<Object> input = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> output = new LinkedBlockingQueue<>();
    private McpAsyncServer server;

    @AfterEach
    void stop() {
        input.add(EOF);
        if (server != null) {
            server.close();
        }
    }

    private void start() throws Exception {
        JacksonMcpJsonMapper mcp = new JacksonMcpJsonMapper(M);
        StdioTransport t = new StdioTransport(mcp, new JsonRpcLines(M, mcp), new Chunks(), new Lines(), () -> { });
        server = McpServer.async(t).serverInfo("test", "1").jsonMapper(mcp).build();
        send("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}\n");
        assertThat(next().path("id").asInt(-1)).isZero();
        send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
    }

    private void send(String text) {
        input.add(text.getBytes(StandardCharsets.UTF_8));
    }

    private JsonNode next() throws Exception {
        String line = output.poll(10, TimeUnit.SECONDS);
        assertThat(line).as("an answer within 10 s").isNotNull();
        return M.readTree(line);
    }

    /**
     * Until the 2026-07-28 era is whole (issue 16), a server/discover probe, sent before initialize as Claude Code
     * does, is answered -32601 with its id, so the client falls back to the legacy era; initialize then works.
     */
    @Test
    void aServerDiscoverProbeBeforeInitializeIsMethodNotFoundAndInitializeStillWorks() throws Exception {
        JacksonMcpJsonMapper mcp = new JacksonMcpJsonMapper(M);
        StdioTransport t = new StdioTransport(mcp, new JsonRpcLines(M, mcp), new Chunks(), new Lines(), () -> { });
        server = McpServer.async(t).serverInfo("test", "1").jsonMapper(mcp).build();
        send("{\"jsonrpc\":\"2.0\",\"id\":\"d-0\",\"method\":\"server/discover\",\"params\":{\"_meta\":"
                + "{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}}}\n");
        JsonNode discover = next();
        assertThat(discover.path("id").asText()).as(discover.toString()).isEqualTo("d-0");
        assertThat(discover.path("error").path("code").asInt()).as(discover.toString()).isEqualTo(-32601);
        send("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}\n");
        JsonNode init = next();
        assertThat(init.path("result").path("protocolVersion").asText()).as(init.toString()).isEqualTo("2025-11-25");
    }

    static final String MODERN_META = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
            + "\"io.modelcontextprotocol/clientCapabilities\":{},\"io.modelcontextprotocol/clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}";

    /** Both eras on one stdio transport ({@code --protocol-era modern}): a legacy server and the SDK's modern one. */
    private void startBothEras() {
        JacksonMcpJsonMapper mcp = new JacksonMcpJsonMapper(M);
        io.modelcontextprotocol.modern.McpSchema.Tool echo = io.modelcontextprotocol.modern.McpSchema.Tool
                .builder("echo", java.util.Map.of("type", "object")).build();
        var repository = new io.modelcontextprotocol.modern.server.feature.McpAsyncToolRepository() {
            @Override
            public reactor.core.publisher.Mono<io.modelcontextprotocol.modern.server.feature.ToolsPage> list(
                    io.modelcontextprotocol.modern.server.McpRequestContext c, String cursor) {
                return reactor.core.publisher.Mono.just(io.modelcontextprotocol.modern.server.feature.ToolsPage.of(java.util.List.of(echo)));
            }

            @Override
            public reactor.core.publisher.Mono<io.modelcontextprotocol.modern.server.feature.McpAsyncTool> find(
                    io.modelcontextprotocol.modern.server.McpRequestContext c, String name) {
                return reactor.core.publisher.Mono.empty();
            }
        };
        io.modelcontextprotocol.modern.server.McpServer modern = io.modelcontextprotocol.modern.server.McpServer.builder()
                .serverInfo(io.modelcontextprotocol.modern.McpSchema.Implementation.builder("test", "1").build()).jsonMapper(mcp)
                .requestStateCodec(io.modelcontextprotocol.modern.server.HmacRequestStateCodec.builder()
                        .key(io.jettymcp.guard.ApprovalStates.randomKey()).jsonMapper(mcp).build())
                .feature(io.modelcontextprotocol.modern.server.feature.ToolsFeature.ofAsync(repository)).build();
        StdioTransport t = new StdioTransport(mcp, new JsonRpcLines(M, mcp),
                new StdinLines(new Chunks(), new Lines(), OpeningAnswers.NONE), () -> { }, () -> { }, () -> modern);
        server = McpServer.async(t).serverInfo("test", "1").jsonMapper(mcp)
                .capabilities(io.modelcontextprotocol.spec.McpSchema.ServerCapabilities.builder().tools(false).build()).build();
    }

    @Test
    void withTheModernEraDiscoverAnswersAndAModernRequestFixesTheConnectionsEra() throws Exception {
        startBothEras();
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{" + MODERN_META + "}}\n");
        JsonNode discover = next();
        assertThat(discover.path("result").path("supportedVersions").toString()).as(discover.toString()).contains("2026-07-28");
        send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{" + MODERN_META + "}}\n");
        JsonNode tools = next();
        assertThat(tools.path("result").path("resultType").asText()).as(tools.toString()).isEqualTo("complete");
        assertThat(tools.path("result").path("tools").toString()).contains("echo");
        // the era is fixed: the modern server answers, and a legacy initialize (no _meta) is its -32022
        send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}\n");
        JsonNode init = next();
        assertThat(init.has("result")).as(init.toString()).isFalse();
        assertThat(init.path("error").path("code").asInt()).as(init.toString()).isEqualTo(-32022);
    }

    @Test
    void withTheModernEraInitializeAfterADiscoverStillSelectsTheLegacyEra() throws Exception {
        startBothEras();
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{" + MODERN_META + "}}\n");
        assertThat(next().path("result").has("supportedVersions")).isTrue();
        send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}\n");
        JsonNode init = next();
        assertThat(init.path("result").path("protocolVersion").asText()).as(init.toString()).isEqualTo("2025-11-25");
        send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
        send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}\n");
        JsonNode tools = next();
        assertThat(tools.path("result").has("tools")).as(tools.toString()).isTrue();
        assertThat(tools.path("result").has("resultType")).as("a legacy answer").isFalse();
        send("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"server/discover\",\"params\":{}}\n");
        assertThat(next().path("error").path("code").asInt()).as("the era is fixed: legacy").isEqualTo(-32601);
    }

    @Test
    void anOutOfMemoryErrorOnOneLineDropsThatLineAndReadingGoesOn() throws Exception {
        start();
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\"xxxxxxxx");
        input.add(new OutOfMemoryError("Java heap space (injected)"));
        send("xxxxxxxx\"}}\n{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}\n");
        JsonNode dropped = next();
        assertThat(dropped.path("error").path("code").asInt()).isEqualTo(-32700);
        assertThat(dropped.path("error").path("message").asText()).contains(String.valueOf(StdioTransport.MAX_LINE_CHARS));
        JsonNode ping = next();
        assertThat(ping.path("id").asInt()).as(ping.toString()).isEqualTo(2);
        assertThat(ping.has("result")).isTrue();
    }

    @Test
    void aLineOverTheLimitGetsAParseErrorNamingItAndReadingGoesOn() throws Exception {
        start();
        send("\"" + "x".repeat(StdioTransport.MAX_LINE_CHARS) + "\"\n{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}\n");
        JsonNode dropped = next();
        assertThat(dropped.path("error").path("code").asInt()).isEqualTo(-32700);
        assertThat(dropped.path("error").path("message").asText()).contains("longer than " + StdioTransport.MAX_LINE_CHARS);
        assertThat(next().path("id").asInt()).isEqualTo(3);
    }

    /** stdin as queued chunks; a queued Error is thrown from read, as a failed allocation would be. */
    private final class Chunks extends InputStream {
        private byte[] chunk = new byte[0];
        private int pos;

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            while (pos == chunk.length) {
                Object next;
                try {
                    next = input.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -1;
                }
                if (next == EOF) {
                    return -1;
                }
                if (next instanceof Error e) {
                    throw e;
                }
                chunk = (byte[]) next;
                pos = 0;
            }
            int n = Math.min(len, chunk.length - pos);
            System.arraycopy(chunk, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    /** stdout split into lines. */
    private final class Lines extends OutputStream {
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        @Override
        public void write(int b) {
            if (b == '\n') {
                output.add(line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }
    }
}
