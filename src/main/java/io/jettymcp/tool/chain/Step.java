package io.jettymcp.tool.chain;

import reactor.core.publisher.Mono;

/**
 * One step of the {@link GuardChain}: does its one job on the call and completes empty to go on, or fails to end
 * the call with an error result (a {@link io.jettymcp.guard.ToolError} says what to do).
 */
public interface Step {

    Mono<Void> run(Call call);

    /** The step's name, as the chain's order check and its errors say it. */
    default String name() {
        return getClass().getSimpleName();
    }
}
