package io.jettymcp.tool.chain;

import io.jettymcp.tool.BoundTool;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rehearsal of a first call walks every tool's path without sending Jetty anything (no whoami, no environment
 * read, no handler request), and what it makes is redacted like a real call's: a refusal and a shaped answer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RehearsalTest {

    final ChainFixture f = new ChainFixture();

    @AfterAll
    void stop() {
        f.close();
    }

    @Test
    void everyToolsPathIsWalkedWithoutARequestAndRedacted() {
        Rehearsal rehearsal = new Rehearsal(new GuardChain(f.steps()), ChainFixture.M);
        f.server.sandbox().requests().clear();
        for (BoundTool tool : f.server.tools().values()) {
            McpSchema.CallToolResult[] made = rehearsal.walk(tool).block(Duration.ofSeconds(10));
            assertThat(made).as(tool.spec().name()).hasSize(2);
            assertThat(made[0].isError()).as("%s: refused by validation", tool.spec().name()).isTrue();
            assertThat(made[1].isError()).as("%s: shaped", tool.spec().name()).isFalse();
            for (McpSchema.CallToolResult r : made) {
                assertThat(ChainFixture.text(r)).as(tool.spec().name()).doesNotContain(Rehearsal.VALUE);
            }
        }
        assertThat(f.handled).isEmpty();
        assertThat(f.server.sandbox().requests().all()).as("requests sent by rehearsals").isEmpty();
    }
}
