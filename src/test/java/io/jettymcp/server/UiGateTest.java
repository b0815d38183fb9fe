package io.jettymcp.server;

import io.jettymcp.sandbox.SandboxOptions;
import io.jettymcp.sandbox.SandboxServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import com.fasterxml.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MCP Apps only for clients that declare the io.modelcontextprotocol/ui extension: every other client gets the answers
 * recorded before the views existed, byte for byte ({@code -Dapps.golden.update=true} records them again).
 */
class UiGateTest {

    private static final Path GOLDEN = Path.of("src/test/resources/apps");
    /** What a client without the extension asks: lists, a linked tool's call, the app-only tool, a view. */
    private static final List<String> SCRIPT = List.of(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"resources/list\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"resources/templates/list\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"get-task\",\"arguments\":{\"task\":\"text-echo\"}}}",
            "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"get-run-image\",\"arguments\":{\"path\":\"x.png\"}}}",
            "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"resources/read\",\"params\":{\"uri\":\"ui://jetty/run\"}}");

    private static SandboxServer sandbox;

    @BeforeAll
    static void start() {
        sandbox = SandboxServer.start(SandboxOptions.defaults());
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private static void assertGolden(String name, McpWire wire) throws Exception {
        StringBuilder got = new StringBuilder();
        for (String r : SCRIPT) {
            got.append(wire.request(r)).append('\n');
        }
        // the one thing that differs between runs: when the sandbox seeded its tasks
        String answers = got.toString().replaceAll("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z", "<seeded-at>");
        Path file = GOLDEN.resolve("without-ui.jsonl"); // the same on every transport
        if (Boolean.getBoolean("apps.golden.update")) {
            Files.writeString(file, answers, StandardCharsets.UTF_8);
        }
        assertThat(answers).as("%s answers as recorded before MCP Apps (%s)", name, file)
                .isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }

    @Test
    void stdioWithoutTheExtensionGetsTodaysAnswersByteForByte() throws Exception {
        try (McpWire wire = McpWire.stdio(sandbox, "{}")) {
            assertGolden("stdio", wire);
        }
    }

    @Test
    void streamableHttpWithoutTheExtensionGetsTodaysAnswersByteForByte() throws Exception {
        try (McpWire wire = McpWire.streamable(sandbox, "{\"elicitation\":{}}")) {
            assertGolden("streamable", wire);
        }
    }

    @Test
    void statelessHttpWithoutTheExtensionGetsTodaysAnswersByteForByte() throws Exception {
        try (McpWire wire = McpWire.stateless(sandbox)) {
            assertGolden("stateless", wire);
        }
    }

    /** A request; {@code perRequest}: the capabilities ride in its _meta (no session). */
    private static String req(int id, String method, String params, boolean perRequest) {
        String meta = perRequest ? "\"_meta\":{\"" + UiApps.REQUEST_CAPABILITIES + "\":" + McpWire.UI_CAPS + "}" : "";
        String p = params.isEmpty() ? "{" + meta + "}" : "{" + params + (meta.isEmpty() ? "" : "," + meta) + "}";
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + p + "}";
    }

    private static void assertUiAnswers(McpWire wire, boolean perRequest) throws Exception {
        JsonNode tools = wire.call(req(1, "tools/list", "", perRequest)).path("result").path("tools");
        assertThat(tool(tools, "get-trajectory").path("_meta").path("ui").path("resourceUri").asText()).isEqualTo(UiApps.RUN);
        assertThat(tool(tools, "run-task").path("_meta").path("ui").path("resourceUri").asText()).isEqualTo(UiApps.RUN);
        assertThat(tool(tools, "get-task").path("_meta").path("ui").path("resourceUri").asText()).isEqualTo(UiApps.WORKFLOW);
        assertThat(tool(tools, "get-task").path("_meta").has("anthropic/searchHint")).as("the tool's own _meta stays").isTrue();
        assertThat(tool(tools, "list-tasks").path("_meta").has("ui")).isFalse();
        assertThat(tool(tools, "get-run-image").path("_meta").path("ui").path("visibility").toString())
                .as("the app-only tool, for the view and not the model").isEqualTo("[\"app\"]");
        JsonNode image = wire.call(req(9, "tools/call", "\"name\":\"get-run-image\",\"arguments\":{\"path\":\"demo/none.png\"}", perRequest));
        assertThat(image.path("result").path("isError").asBoolean()).as("called through the guard chain: %s", image).isTrue();

        JsonNode resources = wire.call(req(2, "resources/list", "", perRequest)).path("result").path("resources");
        assertThat(resources.findValuesAsText("uri")).contains(UiApps.RUN, UiApps.WORKFLOW, "jetty://step-templates");
        JsonNode read = wire.call(req(3, "resources/read", "\"uri\":\"ui://jetty/run\"", perRequest));
        assertThat(read.path("result").path("contents").get(0).path("mimeType").asText()).isEqualTo(UiApps.MIME);
        assertThat(read.path("result").path("contents").get(0).path("text").asText()).startsWith("<!doctype html>");

        JsonNode call = wire.call(req(4, "tools/call", "\"name\":\"get-task\",\"arguments\":{\"task\":\"text-echo\"}", perRequest));
        assertThat(call.path("result").path("structuredContent").path("name").asText()).as(call.toString()).isEqualTo("text-echo");
        assertThat(call.path("result").path("content").get(0).path("text").asText()).contains("\"name\":\"text-echo\"");
    }

    private static JsonNode tool(JsonNode tools, String name) {
        for (JsonNode t : tools) {
            if (t.path("name").asText().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no tool " + name + " listed");
    }

    @Test
    void stdioWithTheExtensionGetsViewsLinkedTheViewsAndStructuredContent() throws Exception {
        try (McpWire wire = McpWire.stdio(sandbox, McpWire.UI_CAPS)) {
            assertUiAnswers(wire, false);
        }
    }

    @Test
    void streamableHttpWithTheExtensionGetsTheViews() throws Exception {
        try (McpWire wire = McpWire.streamable(sandbox, McpWire.UI_CAPS)) {
            assertUiAnswers(wire, false);
        }
    }

    @Test
    void statelessHttpGetsTheViewsOnRequestsThatDeclareTheExtension() throws Exception {
        try (McpWire wire = McpWire.stateless(sandbox)) {
            assertUiAnswers(wire, true);
        }
    }
}
