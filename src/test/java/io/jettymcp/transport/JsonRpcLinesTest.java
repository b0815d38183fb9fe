package io.jettymcp.transport;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

class JsonRpcLinesTest {

    private final ObjectMapper m = new ObjectMapper();
    private final JsonRpcLines lines = new JsonRpcLines(m, new JacksonMcpJsonMapper(m));

    private int code(String text) throws Exception {
        JsonRpcLines.Parsed p = lines.parse(text);
        assertThat(p).isInstanceOf(JsonRpcLines.Bad.class);
        return m.readTree(((JsonRpcLines.Bad) p).error()).path("error").path("code").asInt();
    }

    @Test
    void badInputGetsTheRightJsonRpcError() throws Exception {
        assertThat(code("")).isEqualTo(-32700);
        assertThat(code("{oops")).isEqualTo(-32700);
        assertThat(code("42")).isEqualTo(-32600);
        assertThat(code("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}")).isEqualTo(-32600);
        assertThat(code("{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}")).isEqualTo(-32600);
    }

    @Test
    void invalidRequestsKeepTheirIdSoClientsCanMatchThem() throws Exception {
        JsonRpcLines.Bad bad = (JsonRpcLines.Bad) lines.parse("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":5}");
        assertThat(m.readTree(bad.error()).path("id").asInt()).isEqualTo(9);
    }

    @Test
    void goodMessagesParse() {
        JsonRpcLines.Parsed p = lines.parse("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"ping\"}");
        assertThat(((JsonRpcLines.Ok) p).message()).isInstanceOf(McpSchema.JSONRPCRequest.class);
    }

    @Test
    void cancellingDisposesTheInFlightCallWhateverTheIdType() {
        InFlight inFlight = new InFlight();
        Disposable d = Mono.never().subscribe();
        inFlight.put(7, d);
        assertThat(inFlight.cancel(7L)).isTrue();
        assertThat(d.isDisposed()).isTrue();
        assertThat(inFlight.cancel(7)).isFalse();
    }
}
