package io.jettymcp.conformance;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.modern.McpSchema;
import io.modelcontextprotocol.modern.server.HmacRequestStateCodec;
import io.modelcontextprotocol.modern.server.McpAsyncResponse;
import io.modelcontextprotocol.modern.server.McpFeature;
import io.modelcontextprotocol.modern.server.McpRequestContext;
import io.modelcontextprotocol.modern.server.McpServer;
import io.modelcontextprotocol.modern.server.feature.McpAsyncPrompt;
import io.modelcontextprotocol.modern.server.feature.McpAsyncPromptRepository;
import io.modelcontextprotocol.modern.server.feature.McpAsyncResource;
import io.modelcontextprotocol.modern.server.feature.McpAsyncResourceRepository;
import io.modelcontextprotocol.modern.server.feature.McpAsyncResourceTemplate;
import io.modelcontextprotocol.modern.server.feature.McpAsyncTool;
import io.modelcontextprotocol.modern.server.feature.McpAsyncToolRepository;
import io.modelcontextprotocol.modern.server.feature.PromptsFeature;
import io.modelcontextprotocol.modern.server.feature.PromptsPage;
import io.modelcontextprotocol.modern.server.feature.ResourceTemplatesPage;
import io.modelcontextprotocol.modern.server.feature.ResourcesFeature;
import io.modelcontextprotocol.modern.server.feature.ResourcesPage;
import io.modelcontextprotocol.modern.server.feature.ToolsFeature;
import io.modelcontextprotocol.modern.server.feature.ToolsPage;
import io.modelcontextprotocol.server.McpServerFeatures;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The conformance fixture's 2026-07-28 lane: the legacy fixture's tools, resources, prompts and completion carried
 * over (the same definitions and answers), plus the suite's MRTR ({@code input_required}) tools and prompt. Tools that
 * ask the client by a server-to-client request in the legacy era (sampling, elicitation) have no modern form and are
 * not listed here. Served by our {@code ModernHttpTransport} on {@code /mcp}, the code under test.
 */
final class ModernFixture {

    /** Legacy tools that ask the client mid-call or hang up a resumable stream: no 2026-07-28 form. */
    private static final List<String> LEGACY_ONLY = List.of("test_sampling", "test_elicitation",
            "test_elicitation_sep1034_defaults", "test_elicitation_sep1330_enums", "test_reconnection");

    private final McpJsonMapper json;

    private ModernFixture(McpJsonMapper json) {
        this.json = json;
    }

    static McpServer server(McpJsonMapper json) {
        return new ModernFixture(json).build();
    }

    private McpServer build() {
        Map<String, McpAsyncTool> tools = new LinkedHashMap<>();
        for (McpServerFeatures.AsyncToolSpecification t : ConformanceFixture.tools()) {
            String name = t.tool().name();
            if (LEGACY_ONLY.contains(name)) {
                continue;
            }
            McpSchema.Tool definition = json.convertValue(t.tool(), McpSchema.Tool.class);
            McpAsyncTool.Handler handler = switch (name) {
                case "test_tool_with_progress" -> (c, r) -> Mono.just(McpAsyncResponse.streaming(n ->
                        progress(n, c, 0).then(Mono.delay(Duration.ofMillis(50))).then(progress(n, c, 50))
                                .then(Mono.delay(Duration.ofMillis(50))).then(progress(n, c, 100))
                                .thenReturn((McpSchema.CallToolOutcome) text("Progress test completed"))));
                case "test_tool_with_logging" -> (c, r) -> logging(c);
                // the legacy answer as it is: these handlers do not touch the exchange
                default -> (c, r) -> t.callHandler().apply(null, null).map(result ->
                        McpAsyncResponse.result((McpSchema.CallToolOutcome) json.convertValue(result, McpSchema.CallToolResult.class)));
            };
            tools.put(name, McpAsyncTool.of(definition, handler));
        }
        tools.put("test_logging_tool", McpAsyncTool.of(McpSchema.Tool.builder("test_logging_tool", NO_ARGS)
                .description("Logs only when the request asks for a log level").build(), (c, r) -> logging(c)));
        // needs a capability the suite's probe does not declare: the SDK answers -32021
        tools.put("test_missing_capability", McpAsyncTool.of(McpSchema.Tool.builder("test_missing_capability", NO_ARGS)
                .description("Needs the client's sampling capability").build(),
                McpSchema.ClientCapabilities.builder().sampling().build(), (c, r) -> done("capability present")));
        // its stream carries the answer only: a question to the client is an input_required result, never a request
        tools.put("test_streaming_elicitation", McpAsyncTool.of(McpSchema.Tool.builder("test_streaming_elicitation", NO_ARGS)
                .description("Asks by input_required on its own stream").build(), (c, r) -> Mono.just(McpAsyncResponse.streaming(n ->
                Mono.just((McpSchema.CallToolOutcome) McpSchema.InputRequiredResult.builder()
                        .elicit("user_name", form("What is your name?", "name", "string")).build())))));
        mrtrTools().forEach((name, handler) -> tools.put(name, McpAsyncTool.of(McpSchema.Tool.builder(name,
                NO_ARGS).description("Conformance test tool " + name).build(), handler)));
        List<McpSchema.Tool> listed = tools.values().stream().map(McpAsyncTool::definition).toList();
        McpAsyncToolRepository toolRepository = new McpAsyncToolRepository() {
            @Override
            public Mono<ToolsPage> list(McpRequestContext context, String cursor) {
                return Mono.just(ToolsPage.of(listed));
            }

            @Override
            public Mono<McpAsyncTool> find(McpRequestContext context, String name) {
                return Mono.justOrEmpty(tools.get(name));
            }
        };
        byte[] key = "conformance-fixture-request-state-key".getBytes(StandardCharsets.UTF_8);
        List<McpFeature> features = new ArrayList<>();
        features.add(ToolsFeature.ofAsync(toolRepository));
        features.add(ResourcesFeature.ofAsync(resources()));
        features.add(PromptsFeature.ofAsync(prompts()));
        return McpServer.builder()
                .serverInfo(McpSchema.Implementation.builder("jetty-mcp-conformance-fixture", "0").build())
                .jsonMapper(json)
                .requestStateCodec(HmacRequestStateCodec.builder().key(key).ttl(Duration.ofMinutes(5)).jsonMapper(json).build())
                .features(features)
                .build();
    }

    private static Mono<Void> progress(io.modelcontextprotocol.modern.server.McpAsyncNotifier n, McpRequestContext c, double value) {
        return c.progressToken() == null ? Mono.empty() : n.progress(value, 100.0, null);
    }

    private static final Map<String, Object> NO_ARGS = Map.of("type", "object", "properties", Map.of());

    /** Three log lines on the call's stream, sent only when the request set a log level (the revision's rule). */
    private static Mono<McpAsyncResponse<McpSchema.CallToolOutcome>> logging(McpRequestContext c) {
        boolean asked = c.meta() != null && c.meta().get("io.modelcontextprotocol/logLevel") != null;
        return Mono.just(McpAsyncResponse.streaming(n -> (asked ? log(n, "Tool execution started") : Mono.<Void>empty())
                .then(Mono.delay(Duration.ofMillis(50))).then(asked ? log(n, "Tool processing data") : Mono.<Void>empty())
                .then(Mono.delay(Duration.ofMillis(50))).then(asked ? log(n, "Tool execution completed") : Mono.<Void>empty())
                .thenReturn((McpSchema.CallToolOutcome) text("Logging test completed"))));
    }

    private static Mono<Void> log(io.modelcontextprotocol.modern.server.McpAsyncNotifier n, String message) {
        return n.notify("notifications/message", Map.of("level", "info", "logger", "conformance", "data", message));
    }

    private static McpSchema.CallToolResult text(String s) {
        return McpSchema.CallToolResult.builder().addContent(McpSchema.TextContent.builder(s).build()).build();
    }

    private static Mono<McpAsyncResponse<McpSchema.CallToolOutcome>> done(String s) {
        return Mono.just(McpAsyncResponse.result((McpSchema.CallToolOutcome) text(s)));
    }

    private Mono<McpAsyncResponse<McpSchema.CallToolOutcome>> ask(Function<McpSchema.InputRequiredResult.Builder,
            McpSchema.InputRequiredResult.Builder> requests) {
        return Mono.just(McpAsyncResponse.result((McpSchema.CallToolOutcome) requests.apply(McpSchema.InputRequiredResult.builder()).build()));
    }

    private McpSchema.ElicitFormRequest form(String message, String field, String type) {
        return json.convertValue(Map.of("message", message, "requestedSchema", Map.of("type", "object",
                "properties", Map.of(field, Map.of("type", type)), "required", List.of(field))), McpSchema.ElicitFormRequest.class);
    }

    private McpSchema.CreateMessageRequest sampling(String text, int maxTokens) {
        return json.convertValue(Map.of("messages", List.of(Map.of("role", "user", "content", Map.of("type", "text", "text", text))),
                "maxTokens", maxTokens), McpSchema.CreateMessageRequest.class);
    }

    private static boolean has(McpSchema.CallToolRequest r, String... keys) {
        return r.inputResponses() != null && List.of(keys).stream().allMatch(r.inputResponses()::containsKey);
    }

    /** The suite's SEP-2322 tools: each asks on its first round and answers when the retry brings the answers. */
    private Map<String, McpAsyncTool.Handler> mrtrTools() {
        Map<String, McpAsyncTool.Handler> m = new LinkedHashMap<>();
        m.put("test_input_required_result_elicitation", (c, r) -> has(r, "user_name")
                ? done("Hello, " + field(r.inputResponses().get("user_name"), "name") + "!")
                : ask(b -> b.elicit("user_name", form("What is your name?", "name", "string"))));
        m.put("test_input_required_result_sampling", (c, r) -> has(r, "capital_question")
                ? done("Sampling answer: " + r.inputResponses().get("capital_question"))
                : ask(b -> b.createMessage("capital_question", sampling("What is the capital of France?", 100))));
        m.put("test_input_required_result_list_roots", (c, r) -> has(r, "client_roots")
                ? done("Roots: " + r.inputResponses().get("client_roots"))
                : ask(b -> b.listRoots("client_roots")));
        m.put("test_input_required_result_request_state", (c, r) -> has(r, "confirm") && "confirm-pending".equals(r.requestState())
                ? done("state-ok")
                : ask(b -> b.elicit("confirm", form("Please confirm", "ok", "boolean")).requestState("confirm-pending")));
        m.put("test_input_required_result_tampered_state", (c, r) -> has(r, "confirm") && "tamper-check".equals(r.requestState())
                ? done("state-ok")
                : ask(b -> b.elicit("confirm", form("Please confirm", "ok", "boolean")).requestState("tamper-check")));
        m.put("test_input_required_result_multiple_inputs", (c, r) -> has(r, "user_name", "greeting", "client_roots")
                && "multi".equals(r.requestState())
                ? done("All inputs received")
                : ask(b -> b.elicit("user_name", form("What is your name?", "name", "string"))
                        .createMessage("greeting", sampling("Generate a greeting", 50)).listRoots("client_roots").requestState("multi")));
        m.put("test_input_required_result_multi_round", (c, r) -> {
            if (has(r, "step2") && "round-2".equals(r.requestState())) {
                return done("Multi-round complete");
            }
            if (has(r, "step1") && "round-1".equals(r.requestState())) {
                return ask(b -> b.elicit("step2", form("Step 2: What is your favorite color?", "color", "string"))
                        .requestState("round-2"));
            }
            return ask(b -> b.elicit("step1", form("Step 1: What is your name?", "name", "string")).requestState("round-1"));
        });
        m.put("test_input_required_result_capabilities", (c, r) -> {
            if (r.inputResponses() != null && !r.inputResponses().isEmpty()) {
                return done("Inputs received");
            }
            McpSchema.ClientCapabilities caps = c.clientCapabilities();
            return ask(b -> {
                if (caps != null && caps.supportsElicitationForm()) {
                    b.elicit("user_name", form("What is your name?", "name", "string"));
                }
                if (caps != null && caps.supportsSampling()) {
                    b.createMessage("greeting", sampling("Generate a greeting", 50));
                }
                if (caps != null && caps.supportsRoots()) {
                    b.listRoots("client_roots");
                }
                return b;
            });
        });
        return m;
    }

    private static Object field(Object response, String name) {
        return response instanceof Map<?, ?> r && r.get("content") instanceof Map<?, ?> content ? content.get(name) : null;
    }

    private McpAsyncResourceRepository resources() {
        List<McpServerFeatures.AsyncResourceSpecification> specs = ConformanceFixture.resources();
        List<McpSchema.Resource> listed = specs.stream().map(s -> json.convertValue(s.resource(), McpSchema.Resource.class)).toList();
        McpSchema.ResourceTemplate template = json.convertValue(io.modelcontextprotocol.spec.McpSchema.ResourceTemplate.builder()
                .uriTemplate("test://template/{id}/data").name("template").description("Templated test resource")
                .mimeType("application/json").build(), McpSchema.ResourceTemplate.class);
        return new McpAsyncResourceRepository() {
            @Override
            public Mono<ResourcesPage> list(McpRequestContext context, String cursor) {
                return Mono.just(ResourcesPage.of(listed));
            }

            @Override
            public Mono<ResourceTemplatesPage> listTemplates(McpRequestContext context, String cursor) {
                return Mono.just(ResourceTemplatesPage.of(List.of(template)));
            }

            @Override
            public Mono<McpAsyncResource> find(McpRequestContext context, String uri) {
                for (McpServerFeatures.AsyncResourceSpecification s : specs) {
                    if (s.resource().uri().equals(uri)) {
                        return Mono.just(McpAsyncResource.of((c, q) -> s.readHandler()
                                .apply(null, new io.modelcontextprotocol.spec.McpSchema.ReadResourceRequest(uri)).map(this::read)));
                    }
                }
                if (uri.matches("test://template/[^/]+/data")) {
                    String id = uri.replaceAll("^test://template/([^/]+)/data$", "$1");
                    return Mono.just(McpAsyncResource.of((c, q) -> Mono.just(read(new io.modelcontextprotocol.spec.McpSchema.ReadResourceResult(
                            List.of(new io.modelcontextprotocol.spec.McpSchema.TextResourceContents(uri, "application/json",
                                    "{\"id\":\"" + id + "\",\"templateTest\":true,\"data\":\"Data for ID: " + id + "\"}")))))));
                }
                return Mono.empty();
            }

            @Override
            public Mono<McpAsyncResourceTemplate> findTemplate(McpRequestContext context, String uriTemplate) {
                return template.uriTemplate().equals(uriTemplate) ? Mono.just(McpAsyncResourceTemplate.of(template)) : Mono.empty();
            }

            private McpAsyncResponse<McpSchema.ReadResourceOutcome> read(io.modelcontextprotocol.spec.McpSchema.ReadResourceResult result) {
                return McpAsyncResponse.result((McpSchema.ReadResourceOutcome) json.convertValue(result, McpSchema.ReadResourceResult.class));
            }
        };
    }

    private McpAsyncPromptRepository prompts() {
        Map<String, McpAsyncPrompt> prompts = new LinkedHashMap<>();
        for (McpServerFeatures.AsyncPromptSpecification p : ConformanceFixture.prompts()) {
            McpAsyncPrompt prompt = McpAsyncPrompt.of(json.convertValue(p.prompt(), McpSchema.Prompt.class), (c, q) -> p.promptHandler()
                    .apply(null, new io.modelcontextprotocol.spec.McpSchema.GetPromptRequest(q.name(),
                            q.arguments() == null ? Map.of() : new LinkedHashMap<>(q.arguments())))
                    .map(result -> McpAsyncResponse.result((McpSchema.GetPromptOutcome)
                            json.convertValue(result, McpSchema.GetPromptResult.class))));
            if (p.prompt().name().equals("test_prompt_with_arguments")) {
                prompt = prompt.withCompletionHandler((c, q) -> Mono.just(json.convertValue(Map.of("completion",
                        Map.of("values", List.of("paris", "park", "party"), "total", 3, "hasMore", false)), McpSchema.CompleteResult.class)));
            }
            prompts.put(p.prompt().name(), prompt);
        }
        McpSchema.Prompt mrtr = McpSchema.Prompt.builder("test_input_required_result_prompt")
                .description("A prompt that asks for its context first").build();
        prompts.put(mrtr.name(), McpAsyncPrompt.of(mrtr, (c, q) -> Mono.just(McpAsyncResponse.result(
                q.inputResponses() != null && q.inputResponses().containsKey("user_context")
                        ? (McpSchema.GetPromptOutcome) json.convertValue(Map.of("messages", List.of(Map.of("role", "user",
                        "content", Map.of("type", "text", "text", "Context: " + field(q.inputResponses().get("user_context"), "context"))))),
                        McpSchema.GetPromptResult.class)
                        : (McpSchema.GetPromptOutcome) McpSchema.InputRequiredResult.builder()
                        .elicit("user_context", form("What context should the prompt use?", "context", "string")).build()))));
        List<McpSchema.Prompt> listed = prompts.values().stream().map(McpAsyncPrompt::definition).toList();
        return new McpAsyncPromptRepository() {
            @Override
            public Mono<PromptsPage> list(McpRequestContext context, String cursor) {
                return Mono.just(PromptsPage.of(listed));
            }

            @Override
            public Mono<McpAsyncPrompt> find(McpRequestContext context, String name) {
                return Mono.justOrEmpty(prompts.get(name));
            }

            @Override
            public boolean supportsCompletion() {
                return true;
            }
        };
    }
}
