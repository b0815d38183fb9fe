package io.jettymcp.transport.http;

import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Caps how many calls that reach Jetty run at once across all sessions; the rest wait in arrival
 * order. A waiting call that is cancelled leaves the queue; a running one gives its turn back
 * however it ends.
 */
final class CallLimiter {

    /** Methods whose handling makes upstream requests: tool calls, and resources and completions read through the tools. */
    private static final java.util.Set<String> UPSTREAM = java.util.Set.of(
            io.modelcontextprotocol.spec.McpSchema.METHOD_TOOLS_CALL,
            io.modelcontextprotocol.spec.McpSchema.METHOD_RESOURCES_READ,
            io.modelcontextprotocol.spec.McpSchema.METHOD_COMPLETION_COMPLETE);

    static boolean capped(String method) {
        return UPSTREAM.contains(method);
    }

    private record Waiter(MonoSink<Void> sink, AtomicBoolean held) {
    }

    private final int max;
    private final Deque<Waiter> queue = new ArrayDeque<>();
    private int running;

    CallLimiter(int max) {
        this.max = Math.max(1, max);
    }

    <T> Mono<T> limit(Mono<T> work) {
        return Mono.defer(() -> {
            AtomicBoolean held = new AtomicBoolean();
            return Mono.<Void>create(sink -> {
                        Waiter w = new Waiter(sink, held);
                        boolean now;
                        synchronized (this) {
                            now = running < max;
                            if (now) {
                                running++;
                                held.set(true);
                            } else {
                                queue.add(w);
                            }
                        }
                        sink.onCancel(() -> {
                            synchronized (this) {
                                queue.remove(w);
                            }
                        });
                        if (now) {
                            sink.success();
                        }
                    })
                    .then(work)
                    .doFinally(s -> {
                        if (held.compareAndSet(true, false)) {
                            release();
                        }
                    });
        });
    }

    private void release() {
        Waiter next;
        synchronized (this) {
            next = queue.poll();
            if (next == null) {
                running--;
                return;
            }
            next.held().set(true); // the turn passes straight on: running stays the same
        }
        next.sink().success();
    }

    synchronized int running() {
        return running;
    }

    synchronized int waiting() {
        return queue.size();
    }
}
