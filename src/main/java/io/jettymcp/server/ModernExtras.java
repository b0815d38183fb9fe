package io.jettymcp.server;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.modern.McpSchema;
import io.modelcontextprotocol.modern.server.McpAsyncResponse;
import io.modelcontextprotocol.modern.server.McpFeature;
import io.modelcontextprotocol.modern.server.McpRequestContext;
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

/**
 * The resources and prompts of {@link ResourcesAndPrompts} for the 2026-07-28 era: the same definitions and the same
 * read and get handlers (which call the tools through the guard chain), each request given the exchange of a
 * stateless request. Lists keep their order; a URI that no resource or template names is the SDK's -32602.
 */
final class ModernExtras {

    private ModernExtras() {
    }

    static List<McpFeature> features(ResourcesAndPrompts extras, McpJsonMapper json) {
        List<McpServerFeatures.AsyncResourceSpecification> resources = extras.resources();
        List<McpServerFeatures.AsyncResourceTemplateSpecification> templates = extras.resourceTemplates();
        List<McpServerFeatures.AsyncPromptSpecification> prompts = extras.prompts();
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
                return Mono.just(ResourcesPage.of(listedResources));
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
                        .map(McpAsyncResourceTemplate::of));
            }
        };

        McpAsyncPromptRepository promptRepository = new McpAsyncPromptRepository() {
            @Override
            public Mono<PromptsPage> list(McpRequestContext context, String cursor) {
                return Mono.just(PromptsPage.of(listedPrompts));
            }

            @Override
            public Mono<McpAsyncPrompt> find(McpRequestContext context, String name) {
                for (int i = 0; i < prompts.size(); i++) {
                    McpServerFeatures.AsyncPromptSpecification p = prompts.get(i);
                    if (p.prompt().name().equals(name)) {
                        return Mono.just(McpAsyncPrompt.of(listedPrompts.get(i), (c, q) -> Mono.defer(() -> p.promptHandler()
                                .apply(StatelessExchange.of(c.transportContext()),
                                        new io.modelcontextprotocol.spec.McpSchema.GetPromptRequest(q.name(),
                                                q.arguments() == null ? java.util.Map.of() : new java.util.HashMap<>(q.arguments())))
                                .map(result -> McpAsyncResponse.result((McpSchema.GetPromptOutcome)
                                        json.convertValue(result, McpSchema.GetPromptResult.class))))));
                    }
                }
                return Mono.empty();
            }
        };
        return List.of(ResourcesFeature.ofAsync(resourceRepository), PromptsFeature.ofAsync(promptRepository));
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
