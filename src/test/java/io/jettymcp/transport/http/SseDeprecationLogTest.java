package io.jettymcp.transport.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.e2e.support.RawHttp;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Legacy HTTP+SSE speaks 2024-11-05 only, and says so (and that it is deprecated) once per process, not per session. */
class SseDeprecationLogTest {

    static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";

    @Test
    void aNewerClientOnLegacySseIsAnswered20241105AndTheDeprecationIsLoggedOnce() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        McpJsonMapper mcpMapper = new JacksonMcpJsonMapper(mapper);
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        McpHttpServer server = McpHttpServer.start(HttpOptions.loopback(0), TestMount.of(mcpMapper), mapper, mcpMapper, null);
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            for (int i = 0; i < 3; i++) {
                try (RawHttp.EventStream events = RawHttp.openEventStream(server.port(), "/sse", Map.of())) {
                    String endpoint = events.next(l -> l.startsWith("data: /message"), Duration.ofSeconds(10));
                    assertThat(endpoint).isNotNull();
                    assertThat(RawHttp.send(server.port(), "POST", endpoint.substring("data: ".length()), Map.of(), INIT)
                            .status()).isEqualTo(202);
                    String answer = events.next(l -> l.contains("\"protocolVersion\""), Duration.ofSeconds(10));
                    assertThat(answer).contains("\"protocolVersion\":\"2024-11-05\"");
                }
            }
        } finally {
            System.setErr(err);
            server.close();
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).doesNotContain("unsupported protocol version");
        assertThat(log.split("deprecated", -1)).hasSize(2); // exactly once
        assertThat(log).contains("2024-11-05").contains("/mcp");
    }
}
