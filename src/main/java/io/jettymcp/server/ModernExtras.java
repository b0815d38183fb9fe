package io.jettymcp.server;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.modern.McpSchema;
import io.modelcontextprotocol.modern.server.McpAsyncResponse;
import io.modelcontextprotocol.modern.server.McpFeature;
import io.modelcontextprotocol.modern.server.McpRequestContext;
import io.modelcontextprotocol.modern.server.feature.McpAsyncCompletionHandler;
import io.modelcontextprotocol.modern.server.feature.McpAsyncPrompt;
import io.modelcontextprotocol.modern.server.feature.McpAsyncPromptRepository;
import io.modelcontextprotocol.modern.server.feature.McpAsyncResource;
import io.modelcontextprotocol.modern.server.feature.McpAsyncResourceRepository;
import io.modelcontextprotocol.modern.server.feature.McpAsyncResourceTemplate;
import io.modelcontextprotocol.modern.server.feature.PromptsFeature;
import io.modelcontextprotocol.modern.server.feature.PromptsPage;
import io.modelcontextprotocol.modern.server.feature.ResourceTemplatesPage;
import io.modelcontextprotocol.modern.server.feature.ResourcesFeature;
import io.modelcontextprotocol.modern.server.feature.ResourcesPage;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.util.DefaultMcpUriTemplateManagerFactory;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Map;

/**
 * The resources and prompts of {@link ResourcesAndPrompts} for the 2026-07-28 era: the same definitions and the same
 * read and get handlers (which call the tools through the guard chain), each request given the exchange of a
 * stateless request; so are the completions of their arguments. Lists keep their order; a URI that no resource or
 * template names is the SDK's -32602.
 */
final class ModernExtras {

    private ModernExtras() {
    }

    /** @param views the MCP Apps views: listed and read only for a request that declares the extension */
    static List<McpFeature> features(ResourcesAndPrompts extras, List<McpServerFeatures.AsyncResourceSpecification> views,
            McpJsonMapper json) {
        List<McpServerFeatures.AsyncResourceSpecification> resources = extras.resources();
        List<McpSchema.Resource> listedViews = views.stream()
                .map(r -> json.convertValue(r.resource(), McpSchema.Resource.class)).toList();
        List<McpServerFeatures.AsyncResourceTemplateSpecification> templates = extras.resourceTemplates();
        List<McpServerFeatures.AsyncPromptSpecification> prompts = extras.prompts();
        Map<String, McpAsyncCompletionHandler> completions = completions(extras, json);
        List<McpSchema.Resource> listedResources = resources.stream()
                .map(r -> json.convertValue(r.resource(), McpSchema.Resource.class)).toList();
        List<McpSchema.ResourceTemplate> listedTemplates = templates.stream()
                .map(t -> json.convertValue(t.resourceTemplate(), McpSchema.ResourceTemplate.class)).toList();
        List<McpSchema.Prompt> listedPrompts = prompts.stream()
                .map(p -> json.convertValue(p.prompt(), McpSchema.Prompt.class)).toList();
        DefaultMcpUriTemplateManagerFactory uriTemplates = new DefaultMcpUriTemplateManagerFactory();

        McpAsyncResourceRepository resourceRepository = new McpAsyncResourceRepository() {
            @Override
            public Mono<ResourcesPage> list(McpRequestContext context, String cursor) {
                if (!JettyMcpServer.declaresUi(context)) {
                    return Mono.just(ResourcesPage.of(listedResources));
                }
                List<McpSchema.Resource> all = new java.util.ArrayList<>(listedResources);
                all.addAll(listedViews);
                return Mono.just(ResourcesPage.of(all));
            }

            @Override
            public Mono<ResourceTemplatesPage> listTemplates(McpRequestContext context, String cursor) {
                return Mono.just(ResourceTemplatesPage.of(listedTemplates));
            }

            @Override
            public Mono<McpAsyncResource> find(McpRequestContext context, String uri) {
                for (McpServerFeatures.AsyncResourceSpecification r : resources) {
                    if (r.resource().uri().equals(uri)) {
                        return Mono.just(McpAsyncResource.of((c, q) -> read(json, r.readHandler(), c, q)));
                    }
                }
                for (McpServerFeatures.AsyncResourceSpecification v : views) {
                    if (v.resource().uri().equals(uri) && JettyMcpServer.declaresUi(context)) {
                        // the view checks the declaration itself, from the request's capabilities
                        Map<String, Object> meta = Map.of(UiApps.REQUEST_CAPABILITIES,
                                json.convertValue(context.clientCapabilities(), Map.class));
                        return Mono.just(McpAsyncResource.of((c, q) -> Mono.defer(() -> v.readHandler()
                                .apply(StatelessExchange.of(c.transportContext()),
                                        new io.modelcontextprotocol.spec.McpSchema.ReadResourceRequest(uri, meta))
                                .map(result -> McpAsyncResponse.result((McpSchema.ReadResourceOutcome)
                                        json.convertValue(result, McpSchema.ReadResourceResult.class))))));
                    }
                }
                for (McpServerFeatures.AsyncResourceTemplateSpecification t : templates) {
                    if (uriTemplates.create(t.resourceTemplate().uriTemplate()).matches(uri)) {
                        return Mono.just(McpAsyncResource.of((c, q) -> read(json, t.readHandler(), c, q)));
                    }
                }
                return Mono.empty();
            }

            @Override
            public Mono<McpAsyncResourceTemplate> findTemplate(McpRequestContext context, String uriTemplate) {
                return Mono.justOrEmpty(listedTemplates.stream().filter(t -> t.uriTemplate().equals(uriTemplate)).findFirst()
                        .map(t -> withCompletion(McpAsyncResourceTemplate.of(t), completions.get("ref/resource " + uriTemplate))));
            }

            @Override
            public boolean supportsCompletion() {
                return !completions.isEmpty();
            }
        };

        McpAsyncPromptRepository promptRepository = new McpAsyncPromptRepository() {
            @Override
            public Mono<PromptsPage> list(McpRequestContext context, String cursor) {
                return Mono.just(PromptsPage.of(listedPrompts));
            }

            @Override
            public boolean supportsCompletion() {
                return !completions.isEmpty();
            }

            @Override
            public Mono<McpAsyncPrompt> find(McpRequestContext context, String name) {
                for (int i = 0; i < prompts.size(); i++) {
                    McpServerFeatures.AsyncPromptSpecification p = prompts.get(i);
                    if (p.prompt().name().equals(name)) {
                        McpAsyncPrompt prompt = McpAsyncPrompt.of(listedPrompts.get(i), (c, q) -> Mono.defer(() -> p.promptHandler()
                                .apply(StatelessExchange.of(c.transportContext()),
                                        new io.modelcontextprotocol.spec.McpSchema.GetPromptRequest(q.name(),
                                                q.arguments() == null ? java.util.Map.of() : new java.util.HashMap<>(q.arguments())))
                                .map(result -> McpAsyncResponse.result((McpSchema.GetPromptOutcome)
                                        json.convertValue(result, McpSchema.GetPromptResult.class)))));
                        McpAsyncCompletionHandler completion = completions.get("ref/prompt " + name);
                        return Mono.just(completion == null ? prompt : prompt.withCompletionHandler(completion));
                    }
                }
                return Mono.empty();
            }
        };
        return List.of(ResourcesFeature.ofAsync(resourceRepository), PromptsFeature.ofAsync(promptRepository));
    }

    /**
     * The legacy lane's completion handlers (names from the list tools, through the guard chain), keyed by
     * {@code "ref/prompt NAME"} or {@code "ref/resource URI_TEMPLATE"}, each given the exchange of a stateless request.
     */
    private static Map<String, McpAsyncCompletionHandler> completions(ResourcesAndPrompts extras, McpJsonMapper json) {
        Map<String, McpAsyncCompletionHandler> out = new java.util.LinkedHashMap<>();
        for (McpServerFeatures.AsyncCompletionSpecification spec : extras.completions()) {
            String key = spec.referenceKey() instanceof io.modelcontextprotocol.spec.McpSchema.PromptReference p ? "ref/prompt " + p.name()
                    : "ref/resource " + ((io.modelcontextprotocol.spec.McpSchema.ResourceReference) spec.referenceKey()).uri();
            out.put(key, (c, q) -> Mono.defer(() -> spec.completionHandler()
                    .apply(StatelessExchange.of(c.transportContext()),
                            json.convertValue(q, io.modelcontextprotocol.spec.McpSchema.CompleteRequest.class))
                    .map(result -> json.convertValue(result, McpSchema.CompleteResult.class))));
        }
        return out;
    }

    private static McpAsyncResourceTemplate withCompletion(McpAsyncResourceTemplate template, McpAsyncCompletionHandler completion) {
        return completion == null ? template : template.withCompletionHandler(completion);
    }

    private static Mono<McpAsyncResponse<McpSchema.ReadResourceOutcome>> read(McpJsonMapper json,
            java.util.function.BiFunction<io.modelcontextprotocol.server.McpAsyncServerExchange,
                    io.modelcontextprotocol.spec.McpSchema.ReadResourceRequest,
                    Mono<io.modelcontextprotocol.spec.McpSchema.ReadResourceResult>> handler,
            McpRequestContext context, McpSchema.ReadResourceRequest request) {
        return Mono.defer(() -> handler.apply(StatelessExchange.of(context.transportContext()),
                        new io.modelcontextprotocol.spec.McpSchema.ReadResourceRequest(request.uri()))
                .map(result -> McpAsyncResponse.result((McpSchema.ReadResourceOutcome)
                        json.convertValue(result, McpSchema.ReadResourceResult.class))));
    }
}
