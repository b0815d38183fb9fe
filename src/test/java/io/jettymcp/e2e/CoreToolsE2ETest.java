package io.jettymcp.e2e;

import io.jettymcp.e2e.support.DemoServerTest;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * tools/list as a client reads it from the packaged server over stdio: every tool, after the SDK's serialization,
 * carries a title and all four annotations and none of the private x-kind markers. Each tool's behaviour is checked
 * in-process by the {@code io.jettymcp.catalog.<toolset>.<Toolset>ToolsetTest} classes.
 */
class CoreToolsE2ETest extends DemoServerTest {

    @Test
    void everyToolDeclaresTitleAndAllFourAnnotations() {
        List<McpSchema.Tool> tools = server.tools();
        assertThat(tools).extracting(McpSchema.Tool::name).contains("whoami", "list-collections", "get-collection",
                "create-collection", "list-tasks", "get-task", "search-tasks", "create-task", "update-task",
                "delete-task", "list-step-templates", "get-step-template", "validate-workflow");
        for (McpSchema.Tool t : tools) {
            assertThat(t.title()).as(t.name()).isNotBlank();
            McpSchema.ToolAnnotations a = t.annotations();
            assertThat(a.readOnlyHint()).as(t.name()).isNotNull();
            assertThat(a.destructiveHint()).as(t.name()).isNotNull();
            assertThat(a.idempotentHint()).as(t.name()).isNotNull();
            assertThat(a.openWorldHint()).as(t.name()).isNotNull();
            assertThat(t.inputSchema().toString()).as(t.name()).doesNotContain("x-kind");
        }
    }
}
