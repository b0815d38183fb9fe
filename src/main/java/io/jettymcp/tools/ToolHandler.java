package io.jettymcp.tools;

import com.fasterxml.jackson.databind.JsonNode;
import reactor.core.publisher.Mono;

/**
 * Does the work of one tool after the guard chain has validated and scoped its arguments. Returns
 * the JSON answer; the chain shapes, sanitizes and redacts it. Throw {@link io.jettymcp.guard.ToolError}
 * for anything the model should fix.
 */
@FunctionalInterface
public interface ToolHandler {

    Mono<JsonNode> handle(ToolCall call);
}
