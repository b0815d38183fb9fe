package io.jettymcp.guard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.spec.ToolSpec;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import reactor.core.publisher.Mono;

/**
 * The policy step of the guard chain, before the handler: allow, deny, or ask the person
 * (deny beats approval beats allow). Completes empty to allow; errors with a {@link ToolError} to refuse.
 */
@FunctionalInterface
public interface Policy {

    Policy ALLOW_ALL = (spec, args, exchange) -> Mono.empty();

    Mono<Void> check(ToolSpec spec, ObjectNode args, McpAsyncServerExchange exchange);
}
