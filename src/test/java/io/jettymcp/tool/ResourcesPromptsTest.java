package io.jettymcp.tool;

import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxServer;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Resources are guarded views of tools; prompts and completion help the person drive Jetty (the SDK's client, in-process). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResourcesPromptsTest {

    SandboxServer sandbox;
    LoopbackServer server;
    McpSyncClient client;

    @BeforeAll
    void start() {
        sandbox = SandboxServer.start(SandboxOptions.defaults());
        server = LoopbackServer.start(sandbox, null);
        client = server.client(null);
    }

    @AfterAll
    void stop() {
        client.closeGracefully();
        server.close();
        sandbox.close();
    }

    private static String text(McpSchema.ReadResourceResult r) {
        return ((McpSchema.TextResourceContents) r.contents().get(0)).text();
    }

    @Test
    void resourcesAreReadThroughTheGuardChain() {
        assertThat(client.listResources().resources()).extracting(McpSchema.Resource::uri).contains("jetty://step-templates");
        assertThat(client.listResourceTemplates().resourceTemplates()).extracting(McpSchema.ResourceTemplate::uriTemplate)
                .contains("jetty://tasks/{collection}/{task}");
        assertThat(text(client.readResource(new McpSchema.ReadResourceRequest("jetty://step-templates")))).contains("litellm_chat");
        assertThat(text(client.readResource(new McpSchema.ReadResourceRequest("jetty://tasks/demo/text-echo")))).contains("text_echo");

        sandbox.requests().clear();
        assertThatThrownBy(() -> client.readResource(new McpSchema.ReadResourceRequest("jetty://tasks/other/secret-plan")))
                .hasMessageContaining("outside");
        assertThatThrownBy(() -> client.readResource(new McpSchema.ReadResourceRequest("jetty://tasks/demo/..")))
                .hasMessageContaining("'task'");
        assertThat(sandbox.requests().count()).isZero();
    }

    @Test
    void promptsGuideTheModelAndCheckTheirArguments() {
        assertThat(client.listPrompts().prompts()).extracting(McpSchema.Prompt::name).contains("build-workflow");
        McpSchema.GetPromptResult p = client.getPrompt(new McpSchema.GetPromptRequest("build-workflow", Map.of("goal", "summarize PDFs")));
        assertThat(((McpSchema.TextContent) p.messages().get(0).content()).text())
                .contains("summarize PDFs").contains("validate-workflow");
        assertThatThrownBy(() -> client.getPrompt(new McpSchema.GetPromptRequest("build-workflow", Map.of())))
                .hasMessageContaining("goal");
        // get-workflow-logs is opt-in: the debug prompt names it only when it is listed, as here (every tool)
        McpSchema.GetPromptResult debug = client.getPrompt(new McpSchema.GetPromptRequest("debug-failed-run",
                Map.of("task", "text-echo", "trajectory_id", "abcd1234")));
        assertThat(((McpSchema.TextContent) debug.messages().get(0).content()).text()).contains("get-workflow-logs");
    }

    @Test
    void collectionAndTaskNamesComplete() {
        McpSchema.CompleteResult tasks = client.completeCompletion(new McpSchema.CompleteRequest(
                new McpSchema.ResourceReference("ref/resource", "jetty://tasks/{collection}/{task}"),
                new McpSchema.CompleteRequest.CompleteArgument("task", "te"), null,
                new McpSchema.CompleteRequest.CompleteContext(Map.of("collection", "demo"))));
        assertThat(tasks.completion().values()).contains("text-echo").allMatch(v -> v.startsWith("te"));
        McpSchema.CompleteResult cols = client.completeCompletion(new McpSchema.CompleteRequest(
                new McpSchema.PromptReference("ref/prompt", "build-workflow"),
                new McpSchema.CompleteRequest.CompleteArgument("collection", ""), (Map<String, Object>) null));
        assertThat(cols.completion().values()).containsExactly("demo");
    }
}
