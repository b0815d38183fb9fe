package io.jettymcp.guard;

import reactor.core.publisher.Mono;

/**
 * A call's turn under the HTTP transport's concurrency cap, found in the call's Reactor context
 * under {@link #KEY} (absent on stdio, where nothing is capped). A handler that only waits, such as a
 * wait between polls, gives its turn back for that time so a waiting call never holds one.
 */
public interface CallSlot {

    Object KEY = CallSlot.class;

    /** Runs {@code pause} without holding the turn, then waits for a turn again before emitting. */
    <T> Mono<T> away(Mono<T> pause);

    /** {@code pause} spent away from the call's turn when it has one; otherwise just {@code pause}. */
    static <T> Mono<T> idle(Mono<T> pause) {
        return Mono.deferContextual(c -> c.<CallSlot>getOrEmpty(KEY).map(s -> s.away(pause)).orElse(pause));
    }
}
