package io.jettymcp.e2e;

import io.jettymcp.e2e.support.HttpServerProcess;
import io.jettymcp.e2e.support.SandboxTest;
import io.jettymcp.sandbox.FaultRule;
import io.jettymcp.shape.DeepDocs;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * F8: answers being read, parsed and shaped at once share a memory budget derived from the heap, so 16
 * concurrent 7 MB answers under -Xmx256m all return their normal capped result (none is told Jetty
 * could not be reached, and the server does not run out of memory).
 */
class AnswerMemoryE2ETest extends SandboxTest {

    static final int CALLS = 16;

    @Test
    void sixteenConcurrentSevenMegabyteAnswersAllReturnTheirCappedResult() throws Exception {
        String body = DeepDocs.wide(7 << 20, 600).toString(); // 10,800 step configs
        sandbox.faults().add(FaultRule.status("GET", "/api/v1/tasks/demo/big-[0-9]+", 200).withBody(body));
        try (HttpServerProcess server = demoHttpServer().jvm("-Xmx256m").start()) {
            List<McpSyncClient> clients = new ArrayList<>();
            for (int i = 0; i < CALLS; i++) {
                clients.add(server.streamable(Map.of()));
            }
            ExecutorService pool = Executors.newFixedThreadPool(CALLS);
            try {
                List<Future<McpSchema.CallToolResult>> calls = new ArrayList<>();
                for (int i = 0; i < CALLS; i++) {
                    McpSyncClient c = clients.get(i);
                    String task = "big-" + i;
                    calls.add(pool.submit(() -> c.callTool(new McpSchema.CallToolRequest("get-task",
                            Map.of("collection", "demo", "task", task)))));
                }
                for (Future<McpSchema.CallToolResult> f : calls) {
                    McpSchema.CallToolResult r = f.get();
                    String text = ((McpSchema.TextContent) r.content().get(0)).text();
                    assertThat(r.isError()).as(text).isFalse();
                    assertThat(text).contains("\"name\":\"big\"").contains("Output capped at 16 KB");
                }
            } finally {
                pool.shutdownNow();
                clients.forEach(McpSyncClient::closeGracefully);
            }
            assertThat(server.process().isAlive()).isTrue();
            assertThat(String.join("\n", server.stderr())).doesNotContain("OutOfMemoryError");
        }
    }
}
