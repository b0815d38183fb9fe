package io.jettymcp.tool;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The end of every wait, reached when a stopping server's drain time is up: a wait then answers its normal
 * "still running" result with the run's id (the client follows the run elsewhere) instead of being cut.
 */
public final class WaitLimit {

    private final Sinks.Empty<Void> reached = Sinks.empty();
    private volatile boolean isReached;

    /** Completes when the limit is reached. */
    public Mono<Void> reached() {
        return reached.asMono();
    }

    public boolean isReached() {
        return isReached;
    }

    public void reach() {
        isReached = true;
        reached.tryEmitEmpty();
    }
}
