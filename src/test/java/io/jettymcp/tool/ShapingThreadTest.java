package io.jettymcp.tool;

import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.shape.DeepDocs;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** F8: a tool's answer is parsed and shaped off the Reactor Netty I/O threads, which serve every other call. */
class ShapingThreadTest {

    static final InProcess server = InProcess.builder().build();

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aDeepAnswerIsShapedOffTheNetworkThreads() {
        server.sandbox().faults().add(FaultRule.status("GET", "/api/v1/tasks/demo/deep", 200)
                .withBody(DeepDocs.nested(200, 1 << 20).toString()));
        McpSchema.CallToolResult r = server.call("get-task", Map.of("collection", "demo", "task", "deep"));
        String text = InProcess.text(r);
        assertThat(r.isError()).as(text).isFalse();
        assertThat(text).contains("Output capped at 16 KB");
        assertThat(server.chain().shaper().lastThread()).as("thread that shaped the answer").doesNotStartWith("reactor-http");
    }
}
