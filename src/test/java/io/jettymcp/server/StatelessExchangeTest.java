package io.jettymcp.server;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Stateless mode: progress is dropped, asking the client fails clearly, the request's context is kept. */
class StatelessExchangeTest {

    @Test
    void progressIsDroppedAndElicitationRefused() {
        McpAsyncServerExchange ex = StatelessExchange.of(McpTransportContext.create(Map.of("jetty.key", "k")));
        assertThat(ex.transportContext().get("jetty.key")).isEqualTo("k");
        assertThat(ex.getClientCapabilities().elicitation()).isNull();
        assertThat(ex.getClientCapabilities().sampling()).isNull();
        ex.progressNotification(new McpSchema.ProgressNotification("t", 1.0, 2.0, "half")).block(); // no error, no effect
        assertThatThrownBy(() -> ex.createElicitation(McpSchema.ElicitFormRequest.builder("ok?", Map.of("type", "object"))
                .build()).block()).hasMessageContaining("elicitation");
    }
}
