package io.jettymcp.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jettymcp.guard.ApprovalAsker;
import io.jettymcp.guard.ApprovalStates;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.modern.McpSchema;
import io.modelcontextprotocol.modern.server.McpRequestContext;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Approval in the 2026-07-28 era (MRTR): there is no request to the client, so a call the policy wants approved is
 * answered {@code input_required} with the approval question and a request state ({@link ApprovalStates}); the
 * client retries the call with the person's answer and that state, and the call runs when the state holds and the
 * answer approves. The policy itself is the legacy lane's: it asks, this adapts the asking.
 */
final class ModernApproval {

    static final String INPUT = "approval";
    private static final Map<String, Object> SCHEMA = Map.of("type", "object", "required", List.of("approve"),
            "properties", Map.of("approve", Map.of("type", "boolean", "title", "Approve",
                    "description", "Allow this one call")));

    private final ApprovalStates states;
    private final ObjectMapper mapper;
    private final McpJsonMapper json;

    ModernApproval(ApprovalStates states, ObjectMapper mapper, McpJsonMapper json) {
        this.states = states;
        this.mapper = mapper;
        this.json = json;
    }

    /**
     * @param args the arguments the call runs with (what the state's hash binds)
     * @param run  runs the call through the guard chain with the given approval asker
     */
    Mono<McpSchema.CallToolOutcome> call(McpRequestContext context, McpSchema.CallToolRequest request,
            Map<String, Object> args, Function<ApprovalAsker, Mono<io.modelcontextprotocol.spec.McpSchema.CallToolResult>> run) {
        JsonNode argsJson = mapper.valueToTree(args);
        String caller = caller(context);
        if (request.requestState() == null) {
            if (context.clientCapabilities() == null || context.clientCapabilities().elicitation() == null) {
                return run.apply(ApprovalAsker.NONE).map(this::complete); // the policy refuses clearly
            }
            AtomicReference<String> asked = new AtomicReference<>();
            // the question is noted and the call stops at the policy, before any request: the answer comes on the retry
            ApprovalAsker noting = ApprovalAsker.by(prompt -> {
                asked.set(prompt);
                return Mono.just(false);
            });
            return run.apply(noting).map(result -> asked.get() == null ? complete(result)
                    : (McpSchema.CallToolOutcome) McpSchema.InputRequiredResult.builder()
                            .elicit(INPUT, McpSchema.ElicitFormRequest.builder(asked.get(), SCHEMA).build())
                            .requestState(states.issue(caller, request.name(), argsJson))
                            .build());
        }
        ApprovalStates.Check check = states.accept(request.requestState(), caller, request.name(), argsJson);
        if (check instanceof ApprovalStates.Refused refused) {
            return Mono.just(McpSchema.CallToolResult.builder()
                    .addContent(McpSchema.TextContent.builder(refused.reason()).build()).isError(true).build());
        }
        boolean approved = approves(request.inputResponses());
        return run.apply(ApprovalAsker.by(prompt -> Mono.just(approved))).map(this::complete);
    }

    private McpSchema.CallToolOutcome complete(io.modelcontextprotocol.spec.McpSchema.CallToolResult result) {
        return json.convertValue(result, McpSchema.CallToolResult.class);
    }

    /** Whether the person accepted the approval question and said yes. */
    private static boolean approves(Map<String, Object> responses) {
        Object answer = responses == null ? null : responses.get(INPUT);
        if (!(answer instanceof Map<?, ?> a) || !"accept".equals(a.get("action"))) {
            return false;
        }
        return a.get("content") instanceof Map<?, ?> content && Boolean.TRUE.equals(content.get("approve"));
    }

    /** Who asks: the request's Jetty key when it brought one (hashed in the state), else the server's own caller. */
    private static String caller(McpRequestContext context) {
        Object key = context.transportContext() == null ? null : context.transportContext()
                .get(io.jettymcp.guard.Tenant.KEY_IN_TRANSPORT_CONTEXT);
        return key == null ? "" : "key " + key;
    }

}
