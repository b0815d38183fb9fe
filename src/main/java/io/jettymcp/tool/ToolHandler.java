package io.jettymcp.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import reactor.core.publisher.Mono;

import java.util.function.Consumer;

/**
 * Does the work of one tool after the guard chain has validated and scoped its arguments. Returns
 * the JSON answer; the chain shapes, sanitizes and redacts it. Throw {@link io.jettymcp.guard.ToolError}
 * for anything the model should fix.
 */
@FunctionalInterface
public interface ToolHandler {

    Mono<JsonNode> handle(ToolCall call);

    /**
     * Argument rules JSON Schema cannot say (a routine's cadence, a runbook's model), checked by the
     * guard chain right after validation: before the scope look-up or any other request. Throw a
     * {@link io.jettymcp.guard.ToolError}. {@code collection} may still be absent here.
     */
    default void precheck(ObjectNode args) {
    }

    /** A handler with a {@link #precheck}. */
    static ToolHandler prechecked(Consumer<ObjectNode> precheck, ToolHandler handler) {
        return new ToolHandler() {
            @Override
            public Mono<JsonNode> handle(ToolCall call) {
                return handler.handle(call);
            }

            @Override
            public void precheck(ObjectNode args) {
                precheck.accept(args);
            }
        };
    }
}
