package io.jettymcp.tool.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.guard.ArgumentValidator;
import io.jettymcp.guard.ToolError;
import reactor.core.publisher.Mono;

/** Checks the arguments against the tool's input schema, with errors that name the argument. */
public record Validate(ObjectMapper mapper, ArgumentValidator validator) implements Step {

    @Override
    public Mono<Void> run(Call call) {
        return Mono.fromRunnable(() -> {
            JsonNode n = call.arguments == null ? mapper.createObjectNode() : mapper.valueToTree(call.arguments);
            if (!n.isObject()) {
                throw ToolError.argument("arguments", "must be a JSON object");
            }
            call.args = (ObjectNode) n;
            validator.validate(call.tool.effectiveInput(), call.args);
        });
    }
}
