package io.jettymcp.e2e;

import io.jettymcp.e2e.support.HttpServerProcess;
import io.jettymcp.e2e.support.SandboxTest;
import io.jettymcp.e2e.support.ServerProcess;
import io.jettymcp.sandbox.SandboxSeeds;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.modern.McpSchema;
import io.modelcontextprotocol.modern.client.McpClient;
import io.modelcontextprotocol.modern.client.McpSyncClient;
import io.modelcontextprotocol.modern.client.transport.HttpClientMcpTransport;
import io.modelcontextprotocol.modern.client.transport.StdioMcpClientTransport;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SDK 2.2.0 modern (2026-07-28) client against the packaged jar (on this class's sandbox, {@code --protocol-era
 * modern}), on stdio and on Streamable HTTP: discover, list the tools, call a read tool, read a resource and get a
 * prompt, and call every listed tool, each answered by the same catalog and guard chain as the legacy lane.
 */
class ModernEraE2ETest extends SandboxTest {

    @Test
    void aModernClientOnStdioUsesToolsResourcesAndPrompts() throws Exception {
        List<String> stderr = Collections.synchronizedList(new ArrayList<>());
        List<String> cmd = new ArrayList<>(List.of("-jar", ServerProcess.jar().toString(), "--protocol-era", "modern"));
        ServerParameters params = ServerParameters.builder(ServerProcess.javaBin()).args(cmd).env(Map.of(
                "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"), "HOME", tempDir("home").toString(),
                "JETTY_TOOLSETS", "all", "JETTY_API_URL", sandbox.baseUrl(), "JETTY_API_TOKEN", SandboxSeeds.DEMO_TOKEN)).build();
        StdioMcpClientTransport transport = StdioMcpClientTransport.builder(params).stderrConsumer(stderr::add).start();
        try {
            exercise(McpClient.sync(transport).build());
        } finally {
            transport.close();
        }
        assertThat(stderr).noneMatch(l -> l.contains("Exception"));
    }

    @Test
    void aModernClientOnStreamableHttpUsesToolsResourcesAndPrompts() {
        try (HttpServerProcess server = demoHttpServer().args("--protocol-era", "modern").start()) {
            exercise(McpClient.sync(HttpClientMcpTransport.builder(server.baseUrl() + "/mcp").build()).build());
            assertThat(server.stderr()).noneMatch(l -> l.contains("Exception"));
        }
    }

    /** The result as the legacy schema has it, for the e2e helpers that read a tool's JSON answer. */
    private static io.modelcontextprotocol.spec.McpSchema.CallToolResult legacy(McpSchema.CallToolResult r) {
        return new io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper(new com.fasterxml.jackson.databind.ObjectMapper())
                .convertValue(r, io.modelcontextprotocol.spec.McpSchema.CallToolResult.class);
    }

    private static void exercise(McpSyncClient client) {
        McpSchema.DiscoverResult discover = client.discover();
        assertThat(discover.supportedVersions()).contains("2026-07-28");

        List<McpSchema.Tool> tools = client.tools().list().tools();
        assertThat(tools).extracting(McpSchema.Tool::name).contains("get-task", "list-tasks", "run-task", "wait-for-trajectory");

        McpSchema.CallToolResult task = client.tool("get-task").arguments(Map.of("task", "text-echo")).call();
        assertThat(task.isError()).as(String.valueOf(task)).isNotEqualTo(Boolean.TRUE);
        assertThat(String.valueOf(task.content())).contains("text_echo");

        // a run returns once started; its wait reports progress on the request's own stream, then answers
        McpSchema.CallToolResult run = client.tool("run-task").arguments(Map.of("task", "text-echo")).call();
        String id = ServerProcess.json(legacy(run)).path("trajectory_id").asText();
        assertThat(id).as(String.valueOf(run)).isNotEmpty();
        List<McpSchema.ProgressParams> progress = Collections.synchronizedList(new ArrayList<>());
        McpSchema.CallToolResult waited = client.tool("wait-for-trajectory").arguments(Map.of("task", "text-echo",
                "trajectory_id", id, "timeout_seconds", 60)).progress(progress::add).call();
        assertThat(String.valueOf(waited.content())).as(String.valueOf(waited)).contains("completed");
        assertThat(progress).as("progress before the answer").isNotEmpty();

        McpSchema.ReadResourceResult read = client.resource("jetty://step-templates").read();
        assertThat(read.contents()).isNotEmpty();

        McpSchema.GetPromptResult prompt = client.prompt("schedule-routine")
                .arguments(Map.of("task", "text-echo", "schedule", "every day at 09:00")).get();
        assertThat(prompt.messages()).isNotEmpty();
        assertThat(String.valueOf(prompt.messages())).contains("text-echo");

        // every listed tool answers in this era too: a result (an error result included), no protocol error
        java.nio.file.Path local;
        try {
            local = Files.createFile(Files.createTempDirectory("jetty-mcp-modern").resolve("local.txt"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(tools).hasSizeGreaterThan(40);
        for (McpSchema.Tool t : tools) {
            Map<String, Object> args = SecretsPropertyE2ETest.fixture(t.name(), "00000000", local);
            McpSchema.CallToolResult r = client.tool(t.name()).arguments(args != null ? args : Map.of("task", "text-echo")).call();
            assertThat(r.content()).as(t.name()).isNotEmpty();
        }
    }
}
