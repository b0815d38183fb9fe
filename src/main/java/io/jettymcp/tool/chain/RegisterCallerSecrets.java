package io.jettymcp.tool.chain;

import com.fasterxml.jackson.databind.JsonNode;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.List;

/**
 * Registers the values of the caller's secret arguments ({@code x-kind} secret, secret-map) with its tenant's set,
 * so no answer or error shows them. Only after every check passed: a refused call registers nothing.
 */
public record RegisterCallerSecrets() implements Step {

    @Override
    public Mono<Void> run(Call call) {
        return Mono.fromRunnable(() -> call.tenant.secrets().registerAll(values(call)));
    }

    /** Every value of the secret arguments, as sent to Jetty. */
    static List<String> values(Call call) {
        List<String> out = new ArrayList<>();
        for (String name : call.tool.facts().secrets().keySet()) {
            JsonNode v = call.args.get(name);
            if (v == null || v.isNull()) {
                continue;
            }
            if (v.isObject()) {
                v.forEach(x -> out.add(x.isNull() ? null : x.isTextual() ? x.asText() : x.toString()));
            } else {
                out.add(v.isTextual() ? v.asText() : v.toString());
            }
        }
        return out;
    }
}
