package io.jettymcp.e2e;

import io.jettymcp.e2e.support.ServerProcess;
import io.jettymcp.e2e.support.DemoServerTest;
import io.jettymcp.sandbox.SandboxSeeds;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Resources are guarded views of tools; prompts and completion help the person drive Jetty. */
class ResourcesPromptsE2ETest extends DemoServerTest {

    @Test
    void resourcesAreReadThroughTheGuardChain() {
        assertThat(server.client().listResources().resources()).extracting(McpSchema.Resource::uri).contains("jetty://step-templates");
        assertThat(server.client().listResourceTemplates().resourceTemplates()).extracting(McpSchema.ResourceTemplate::uriTemplate)
                .contains("jetty://tasks/{collection}/{task}");
        McpSchema.ReadResourceResult cat = server.client().readResource(new McpSchema.ReadResourceRequest("jetty://step-templates"));
        assertThat(((McpSchema.TextResourceContents) cat.contents().get(0)).text()).contains("litellm_chat");
        McpSchema.ReadResourceResult task = server.client().readResource(new McpSchema.ReadResourceRequest("jetty://tasks/demo/text-echo"));
        assertThat(((McpSchema.TextResourceContents) task.contents().get(0)).text()).contains("text_echo");

        sandbox.requests().clear();
        assertThatThrownBy(() -> server.client().readResource(new McpSchema.ReadResourceRequest("jetty://tasks/other/secret-plan")))
                .hasMessageContaining("outside");
        assertThatThrownBy(() -> server.client().readResource(new McpSchema.ReadResourceRequest("jetty://tasks/demo/..")))
                .hasMessageContaining("'task'");
        assertThat(sandbox.requests().count()).isZero();
    }

    @Test
    void promptsGuideTheModelAndCheckTheirArguments() {
        assertThat(server.client().listPrompts().prompts()).extracting(McpSchema.Prompt::name).contains("build-workflow");
        McpSchema.GetPromptResult p = server.client().getPrompt(new McpSchema.GetPromptRequest("build-workflow",
                Map.of("goal", "summarize PDFs")));
        assertThat(((McpSchema.TextContent) p.messages().get(0).content()).text())
                .contains("summarize PDFs").contains("validate-workflow");
        assertThatThrownBy(() -> server.client().getPrompt(new McpSchema.GetPromptRequest("build-workflow", Map.of())))
                .hasMessageContaining("goal");
    }

    @Test
    void collectionAndTaskNamesComplete() {
        McpSchema.CompleteResult tasks = server.client().completeCompletion(new McpSchema.CompleteRequest(
                new McpSchema.ResourceReference("ref/resource", "jetty://tasks/{collection}/{task}"),
                new McpSchema.CompleteRequest.CompleteArgument("task", "te"), null,
                new McpSchema.CompleteRequest.CompleteContext(Map.of("collection", "demo"))));
        assertThat(tasks.completion().values()).contains("text-echo").allMatch(v -> v.startsWith("te"));
        McpSchema.CompleteResult cols = server.client().completeCompletion(new McpSchema.CompleteRequest(
                new McpSchema.PromptReference("ref/prompt", "build-workflow"),
                new McpSchema.CompleteRequest.CompleteArgument("collection", ""), (Map<String, Object>) null));
        assertThat(cols.completion().values()).containsExactly("demo");
    }
}
