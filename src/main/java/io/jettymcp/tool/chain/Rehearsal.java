package io.jettymcp.tool.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.guard.TenantSecrets;
import io.jettymcp.shape.OutputSpec;
import io.jettymcp.tool.BoundTool;
import io.modelcontextprotocol.spec.McpSchema;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Signal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Walks a tool call's path once on made-up input, so the classes of the first real call are loaded and interpreted
 * before it comes: the whole chain on arguments {@link Validate} refuses (so no later step runs and nothing is
 * sent), then the policy's view of the arguments, and the steps after {@link Invoke} on a canned answer. It runs no
 * step that can send a request, asks the tenant for nothing, and registers nothing but in a set of its own.
 */
public final class Rehearsal {

    /** A made-up value the canned answer carries, so redaction finds and replaces something. */
    static final String VALUE = "rehearsal-secret-0f3c";

    private final GuardChain chain;
    private final ObjectMapper mapper;

    public Rehearsal(GuardChain chain, ObjectMapper mapper) {
        this.chain = chain;
        this.mapper = mapper;
    }

    /** Walks {@code tool}'s path; emits the two results it made (the refusal, the shaped answer). */
    public Mono<McpSchema.CallToolResult[]> walk(BoundTool tool) {
        TenantSecrets scratch = new TenantSecrets();
        scratch.register(VALUE);
        CallContext context = CallContext.of(() -> {
            throw new IllegalStateException("the rehearsal never gets as far as the tenant");
        }, scratch);
        // an unknown argument: Validate refuses before any step that asks the tenant or Jetty; its error names it,
        // so the refusal's redaction has something to hide
        Mono<McpSchema.CallToolResult> refused = chain.call(tool, context, Map.of(VALUE, true))
                .filter(r -> Boolean.TRUE.equals(r.isError()));
        return refused.zipWith(Mono.fromCallable(() -> shaped(tool, context)),
                (a, b) -> new McpSchema.CallToolResult[]{a, b});
    }

    /** The steps after the handler, on a canned answer read from bytes as Jetty's are. */
    private McpSchema.CallToolResult shaped(BoundTool tool, CallContext context) {
        Call call = new Call(tool, context, Map.of());
        call.args = mapper.createObjectNode();
        CheckPolicy.shown(call);
        RegisterCallerSecrets.values(call);
        call.answer = Signal.next(cannedAnswer(tool.spec().output()));
        for (Step s : chain.steps()) {
            if (s instanceof Shape || s instanceof CleanAndRedact) {
                s.run(call).block();
            }
        }
        return call.result();
    }

    /** An answer of the tool's declared shape: its rows' fields, each holding {@link #VALUE}. */
    private JsonNode cannedAnswer(OutputSpec out) {
        ObjectNode row = mapper.createObjectNode();
        out.fields().forEach(f -> row.put(f.split("=", 2)[0], "row " + VALUE + " \u200b"));
        row.put("name", "rehearsal");
        JsonNode answer;
        if (out.list() == null) {
            answer = row;
        } else {
            ArrayNode rows = mapper.createArrayNode().add(row);
            answer = out.list().isEmpty() ? rows : mapper.createObjectNode().set(out.list(), rows);
        }
        try {
            return mapper.readTree(mapper.writeValueAsString(answer).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
