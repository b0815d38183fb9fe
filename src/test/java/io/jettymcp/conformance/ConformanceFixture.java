package io.jettymcp.conformance;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.transport.http.HttpOptions;
import io.jettymcp.transport.http.McpHttpServer;
import io.jettymcp.transport.http.McpMount;
import io.jettymcp.transport.http.StreamableHttpTransport;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Content;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Test-only profile for the official conformance suite: our HTTP transports (the code under test)
 * with the suite's own {@code test_*} tools, resources and prompts registered directly with the SDK.
 * Run by {@code .ci/conformance.sh}: {@code java -cp target/jetty-mcp.jar:target/test-classes
 * io.jettymcp.conformance.ConformanceFixture [PORT]}; prints the listening line on stderr.
 */
public final class ConformanceFixture {

    /** 1x1 red pixel PNG. */
    static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
    /** A 44-byte WAV header with no samples. */
    static final String WAV = "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQAAAAA=";

    private ConformanceFixture() {
    }

    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        ObjectMapper mapper = new ObjectMapper();
        McpJsonMapper mcpMapper = new JacksonMcpJsonMapper(mapper);
        McpMount mount = new McpMount() {
            @Override
            public io.modelcontextprotocol.modern.server.McpServer modern() {
                return ModernFixture.server(mcpMapper); // the 2026-07-28 lane (--requirements 2026-07-28)
            }

            @Override
            public AutoCloseable streamable(McpStreamableServerTransportProvider t) {
                McpAsyncServer s = configure(McpServer.async(t), mcpMapper);
                return () -> s.closeGracefully().block(Duration.ofSeconds(5));
            }

            @Override
            public AutoCloseable sse(McpServerTransportProvider t) {
                McpAsyncServer s = configure(McpServer.async(t), mcpMapper);
                return () -> s.closeGracefully().block(Duration.ofSeconds(5));
            }

            @Override
            public AutoCloseable stateless(McpStatelessServerTransport t) {
                throw new UnsupportedOperationException("the fixture runs stateful");
            }
        };
        McpHttpServer server = McpHttpServer.start(HttpOptions.loopback(port), mount, mapper, mcpMapper, null);
        System.err.println("conformance fixture: listening on http://127.0.0.1:" + server.port() + "/mcp");
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        server.awaitClosed();
    }

    static McpAsyncServer configure(McpServer.AsyncSpecification<?> spec, McpJsonMapper mcpMapper) {
        return spec.serverInfo("jetty-mcp-conformance-fixture", "0")
                .jsonMapper(mcpMapper)
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).logging().prompts(false)
                        .resources(true, false).completions().build())
                .tools(tools())
                .resources(resources())
                .resourceTemplates(List.of(new McpServerFeatures.AsyncResourceTemplateSpecification(
                        McpSchema.ResourceTemplate.builder().uriTemplate("test://template/{id}/data").name("template")
                                .description("Templated test resource").mimeType("application/json").build(),
                        (ex, req) -> {
                            String id = req.uri().replaceAll("^test://template/([^/]+)/data$", "$1");
                            return Mono.just(new McpSchema.ReadResourceResult(List.of(new McpSchema.TextResourceContents(
                                    req.uri(), "application/json",
                                    "{\"id\":\"" + id + "\",\"templateTest\":true,\"data\":\"Data for ID: " + id + "\"}"))));
                        })))
                .prompts(prompts())
                .completions(List.of(new McpServerFeatures.AsyncCompletionSpecification(
                        new McpSchema.PromptReference("test_prompt_with_arguments"),
                        (ex, req) -> Mono.just(new McpSchema.CompleteResult(
                                new McpSchema.CompleteResult.CompleteCompletion(List.of("paris", "park", "party"), 3, false))))))
                .build();
    }

    private static McpServerFeatures.AsyncToolSpecification tool(String name, Map<String, Object> schema,
            BiFunction<McpAsyncServerExchange, McpSchema.CallToolRequest, Mono<CallToolResult>> handler) {
        return McpServerFeatures.AsyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder().name(name).description("Conformance test tool " + name).inputSchema(schema).build())
                .callHandler(handler).build();
    }

    private static Map<String, Object> noArgs() {
        return Map.of("type", "object", "properties", Map.of());
    }

    private static Map<String, Object> stringArg(String name) {
        return Map.of("type", "object", "properties", Map.of(name, Map.of("type", "string")), "required", List.of(name));
    }

    private static CallToolResult result(Content... content) {
        return CallToolResult.builder().content(List.of(content)).isError(false).build();
    }

    private static TextContent text(String s) {
        return new TextContent(s);
    }

    static List<McpServerFeatures.AsyncToolSpecification> tools() {
        return List.of(
                tool("test_simple_text", noArgs(), (ex, r) -> Mono.just(result(text("This is a simple text response for testing.")))),
                tool("test_image_content", noArgs(), (ex, r) -> Mono.just(result(new McpSchema.ImageContent(null, PNG, "image/png")))),
                tool("test_audio_content", noArgs(), (ex, r) -> Mono.just(result(new McpSchema.AudioContent(null, WAV, "audio/wav")))),
                tool("test_embedded_resource", noArgs(), (ex, r) -> Mono.just(result(new McpSchema.EmbeddedResource(null,
                        new McpSchema.TextResourceContents("test://embedded-resource", "text/plain",
                                "This is an embedded resource content."))))),
                tool("test_multiple_content_types", noArgs(), (ex, r) -> Mono.just(result(text("Multiple content types test:"),
                        new McpSchema.ImageContent(null, PNG, "image/png"),
                        new McpSchema.EmbeddedResource(null, new McpSchema.TextResourceContents("test://mixed-content-resource",
                                "application/json", "{\"test\":\"data\",\"value\":123}"))))),
                tool("test_tool_with_logging", noArgs(), (ex, r) -> log(ex, "Tool execution started")
                        .then(Mono.delay(Duration.ofMillis(50))).then(log(ex, "Tool processing data"))
                        .then(Mono.delay(Duration.ofMillis(50))).then(log(ex, "Tool execution completed"))
                        .thenReturn(result(text("Logging test completed")))),
                tool("test_error_handling", noArgs(), (ex, r) -> Mono.just(CallToolResult.builder()
                        .addTextContent("This tool intentionally returns an error for testing").isError(true).build())),
                tool("test_tool_with_progress", noArgs(), (ex, r) -> {
                    Object token = r.meta() == null ? null : r.meta().get("progressToken");
                    return progress(ex, token, 0).then(Mono.delay(Duration.ofMillis(50))).then(progress(ex, token, 50))
                            .then(Mono.delay(Duration.ofMillis(50))).then(progress(ex, token, 100))
                            .thenReturn(result(text("Progress test completed")));
                }),
                tool("test_sampling", stringArg("prompt"), (ex, r) -> ex.createMessage(McpSchema.CreateMessageRequest.builder(
                                List.of(new McpSchema.SamplingMessage(McpSchema.Role.USER,
                                        text(String.valueOf(r.arguments().get("prompt"))))), 100).build())
                        .map(m -> result(text("LLM response: " + (m.content() instanceof TextContent t ? t.text() : String.valueOf(m.content())))))),
                tool("test_elicitation", stringArg("message"), (ex, r) -> elicit(ex, String.valueOf(r.arguments().get("message")),
                        Map.of("type", "object", "properties", Map.of(
                                "username", Map.of("type", "string", "description", "User's response"),
                                "email", Map.of("type", "string", "description", "User's email address")),
                                "required", List.of("username", "email")), "User response: ")),
                tool("test_elicitation_sep1034_defaults", noArgs(), (ex, r) -> elicit(ex, "Please review your information",
                        Map.of("type", "object", "properties", ordered(
                                "name", Map.of("type", "string", "default", "John Doe"),
                                "age", Map.of("type", "integer", "default", 30),
                                "score", Map.of("type", "number", "default", 95.5),
                                "status", Map.of("type", "string", "enum", List.of("active", "inactive", "pending"), "default", "active"),
                                "verified", Map.of("type", "boolean", "default", true))), "Elicitation completed: ")),
                tool("test_elicitation_sep1330_enums", noArgs(), (ex, r) -> elicit(ex, "Please choose options",
                        Map.of("type", "object", "properties", ordered(
                                "untitledSingle", Map.of("type", "string", "enum", List.of("option1", "option2", "option3")),
                                "titledSingle", Map.of("type", "string", "oneOf", List.of(
                                        Map.of("const", "value1", "title", "First Option"),
                                        Map.of("const", "value2", "title", "Second Option"),
                                        Map.of("const", "value3", "title", "Third Option"))),
                                "legacyEnum", Map.of("type", "string", "enum", List.of("opt1", "opt2", "opt3"),
                                        "enumNames", List.of("Option One", "Option Two", "Option Three")),
                                "untitledMulti", Map.of("type", "array", "items", Map.of("type", "string",
                                        "enum", List.of("option1", "option2", "option3"))),
                                "titledMulti", Map.of("type", "array", "items", Map.of("anyOf", List.of(
                                        Map.of("const", "value1", "title", "First Choice"),
                                        Map.of("const", "value2", "title", "Second Choice"),
                                        Map.of("const", "value3", "title", "Third Choice")))))), "Elicitation completed: ")),
                tool("json_schema_2020_12_tool", ordered(
                        "$schema", "https://json-schema.org/draft/2020-12/schema",
                        "type", "object",
                        "$defs", Map.of("address", Map.of("type", "object", "properties", Map.of(
                                "street", Map.of("type", "string"), "city", Map.of("type", "string")))),
                        "properties", Map.of("name", Map.of("type", "string"), "address", Map.of("$ref", "#/$defs/address")),
                        "additionalProperties", false), (ex, r) -> Mono.just(result(text("ok")))),
                // SEP-1699: the server closes the answer stream mid-call; the client resumes it with Last-Event-ID
                tool("test_reconnection", noArgs(), (ex, r) -> {
                    if (ex.transportContext().get(StreamableHttpTransport.HANG_UP) instanceof Runnable hangUp) {
                        hangUp.run();
                    }
                    return Mono.delay(Duration.ofMillis(200)).thenReturn(result(text("Reconnection test completed")));
                }));
    }

    private static Mono<Void> log(McpAsyncServerExchange ex, String message) {
        return ex.loggingNotification(McpSchema.LoggingMessageNotification.builder(McpSchema.LoggingLevel.INFO, message)
                .logger("conformance").build());
    }

    private static Mono<Void> progress(McpAsyncServerExchange ex, Object token, double value) {
        return token == null ? Mono.empty() : ex.progressNotification(new McpSchema.ProgressNotification(token, value, 100.0, null));
    }

    private static Mono<CallToolResult> elicit(McpAsyncServerExchange ex, String message, Map<String, Object> schema, String prefix) {
        return ex.createElicitation(McpSchema.ElicitFormRequest.builder(message, schema).build())
                .map(e -> result(text(prefix + "action=" + e.action().name().toLowerCase() + ", content=" + e.content())));
    }

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static List<McpServerFeatures.AsyncResourceSpecification> resources() {
        return List.of(
                new McpServerFeatures.AsyncResourceSpecification(McpSchema.Resource.builder().uri("test://static-text")
                        .name("static-text").description("Static text resource").mimeType("text/plain").build(),
                        (ex, r) -> Mono.just(new McpSchema.ReadResourceResult(List.of(new McpSchema.TextResourceContents(
                                "test://static-text", "text/plain", "This is the content of the static text resource."))))),
                new McpServerFeatures.AsyncResourceSpecification(McpSchema.Resource.builder().uri("test://static-binary")
                        .name("static-binary").description("Static binary resource").mimeType("image/png").build(),
                        (ex, r) -> Mono.just(new McpSchema.ReadResourceResult(List.of(new McpSchema.BlobResourceContents(
                                "test://static-binary", "image/png", PNG))))),
                new McpServerFeatures.AsyncResourceSpecification(McpSchema.Resource.builder().uri("test://watched-resource")
                        .name("watched-resource").description("Resource for subscription tests").mimeType("text/plain").build(),
                        (ex, r) -> Mono.just(new McpSchema.ReadResourceResult(List.of(new McpSchema.TextResourceContents(
                                "test://watched-resource", "text/plain", "Watched resource content."))))));
    }

    static List<McpServerFeatures.AsyncPromptSpecification> prompts() {
        return List.of(
                new McpServerFeatures.AsyncPromptSpecification(new McpSchema.Prompt("test_simple_prompt", "A simple prompt", List.of()),
                        (ex, r) -> Mono.just(new McpSchema.GetPromptResult(null, List.of(new McpSchema.PromptMessage(
                                McpSchema.Role.USER, text("This is a simple prompt for testing.")))))),
                new McpServerFeatures.AsyncPromptSpecification(new McpSchema.Prompt("test_prompt_with_arguments",
                        "A prompt with arguments", List.of(new McpSchema.PromptArgument("arg1", "First test argument", true),
                        new McpSchema.PromptArgument("arg2", "Second test argument", true))),
                        (ex, r) -> Mono.just(new McpSchema.GetPromptResult(null, List.of(new McpSchema.PromptMessage(
                                McpSchema.Role.USER, text("Prompt with arguments: arg1='" + r.arguments().get("arg1")
                                + "', arg2='" + r.arguments().get("arg2") + "'")))))),
                new McpServerFeatures.AsyncPromptSpecification(new McpSchema.Prompt("test_prompt_with_embedded_resource",
                        "A prompt with an embedded resource", List.of(new McpSchema.PromptArgument("resourceUri",
                        "URI of the resource to embed", true))),
                        (ex, r) -> Mono.just(new McpSchema.GetPromptResult(null, List.of(
                                new McpSchema.PromptMessage(McpSchema.Role.USER, new McpSchema.EmbeddedResource(null,
                                        new McpSchema.TextResourceContents(String.valueOf(r.arguments().get("resourceUri")),
                                                "text/plain", "Embedded resource content for testing."))),
                                new McpSchema.PromptMessage(McpSchema.Role.USER, text("Please process the embedded resource above.")))))),
                new McpServerFeatures.AsyncPromptSpecification(new McpSchema.Prompt("test_prompt_with_image", "A prompt with an image",
                        List.of()),
                        (ex, r) -> Mono.just(new McpSchema.GetPromptResult(null, List.of(
                                new McpSchema.PromptMessage(McpSchema.Role.USER, new McpSchema.ImageContent(null, PNG, "image/png")),
                                new McpSchema.PromptMessage(McpSchema.Role.USER, text("Please analyze the image above.")))))));
    }
}
