package io.jettymcp.e2e;

import io.jettymcp.e2e.support.DemoServerTest;
import io.jettymcp.e2e.support.ServerProcess;
import io.jettymcp.spec.Toolset;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * tools/list as a client reads it from the packaged server over stdio: every tool, after the SDK's serialization,
 * carries a title, all four annotations, tool-search {@code _meta} and none of the private x-kind markers or
 * validator-only limits; the list comes in name order; the default leaves out only the opt-in tools. Each tool's behaviour is checked
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
            assertThat(t.inputSchema().toString()).as(t.name()).doesNotContain("x-kind").doesNotContain("maxLength");
            assertThat(t.meta()).as(t.name() + " _meta").isNotEmpty();
        }
    }

    /** The same order on every start, whatever order the jar's files come in: clients cache and diff the list. */
    @Test
    void toolsAreListedInNameOrder() {
        assertThat(server.tools()).extracting(McpSchema.Tool::name).isSorted().hasSize(43);
    }

    /** Without --toolsets or JETTY_TOOLSETS the lean default: every tool but the opt-in ones, in the same order. */
    @Test
    void theDefaultListLeavesOutOnlyTheOptInTools() {
        List<String> all = server.tools().stream().map(McpSchema.Tool::name).toList();
        try (ServerProcess lean = serverFor(token()).env("JETTY_TOOLSETS", "").start()) {
            List<String> listed = lean.tools().stream().map(McpSchema.Tool::name).toList();
            assertThat(listed).isEqualTo(all.stream().filter(n -> !Toolset.OUTSIDE_DEFAULT.contains(n)).toList());
            assertThat(listed).doesNotContainAnyElementsOf(Toolset.OUTSIDE_DEFAULT);
        }
    }
}
