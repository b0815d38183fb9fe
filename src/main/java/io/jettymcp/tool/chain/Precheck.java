package io.jettymcp.tool.chain;

import reactor.core.publisher.Mono;

/** The handler's rules beyond the schema (a routine's cadence, a runbook's model), still before any request. */
public record Precheck() implements Step {

    @Override
    public Mono<Void> run(Call call) {
        return Mono.fromRunnable(() -> call.tool.handler().precheck(call.args));
    }
}
