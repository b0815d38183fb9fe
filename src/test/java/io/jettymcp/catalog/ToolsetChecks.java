package io.jettymcp.catalog;

import io.jettymcp.tool.BoundTool;
import io.jettymcp.tool.InProcess;
import io.modelcontextprotocol.spec.McpSchema;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks every per-toolset test makes of its folder's published definitions. */
public final class ToolsetChecks {

    private ToolsetChecks() {
    }

    /**
     * The tools of {@code folder} are exactly {@code names}, and each publishes a title, all four annotations and an
     * input schema without the private x-kind markers (what tools/list shows a client).
     */
    public static void definitionsAreComplete(InProcess server, String folder, String... names) {
        assertThat(server.tools().values()).filteredOn(t -> t.spec().toolset().equals(folder))
                .extracting(t -> t.spec().name()).containsExactlyInAnyOrder(names);
        for (String name : names) {
            BoundTool bound = server.tools().get(name);
            McpSchema.Tool t = bound.definition();
            assertThat(t.title()).as(name).isNotBlank();
            McpSchema.ToolAnnotations a = t.annotations();
            assertThat(a.readOnlyHint()).as(name).isNotNull();
            assertThat(a.destructiveHint()).as(name).isNotNull();
            assertThat(a.idempotentHint()).as(name).isNotNull();
            assertThat(a.openWorldHint()).as(name).isNotNull();
            assertThat(t.inputSchema().toString()).as(name).doesNotContain("x-kind");
        }
    }
}
