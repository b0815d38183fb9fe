package io.jettymcp.transport.http;

import io.jettymcp.guard.CallSlot;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Caps how many calls that reach Jetty run at once across all sessions, and how many of them one
 * tenant may hold (so another tenant always finds a turn); the rest wait in arrival order, a call
 * passing the waiting calls of a tenant that is at its share. A waiting call that is cancelled leaves
 * the queue; a running one gives its turn back however it ends, and for as long as it only waits
 * ({@link CallSlot#idle}).
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

    private final int max;
    private final int perTenant;
    private final Deque<Waiter> queue = new ArrayDeque<>();
    private final Map<String, Integer> byTenant = new HashMap<>();
    private int running;

    private record Waiter(Slot slot, MonoSink<Void> sink) {
    }

    CallLimiter(int max) {
        this(max, max);
    }

    /** @param perTenant calls one tenant may have running at once */
    CallLimiter(int max, int perTenant) {
        this.max = Math.max(1, max);
        this.perTenant = Math.max(1, Math.min(perTenant, this.max));
    }

    /** @param tenant whose share the call counts against; null: only the global cap applies */
    <T> Mono<T> limit(String tenant, Mono<T> work) {
        return Mono.defer(() -> {
            Slot slot = new Slot(tenant);
            return slot.take().then(work)
                    .contextWrite(c -> c.put(CallSlot.KEY, slot))
                    .doFinally(s -> slot.giveBack());
        });
    }

    <T> Mono<T> limit(Mono<T> work) {
        return limit(null, work);
    }

    /** One call's turn: held while it runs, given back while it is away. */
    private final class Slot implements CallSlot {
        final String tenant;
        final AtomicBoolean held = new AtomicBoolean();

        Slot(String tenant) {
            this.tenant = tenant;
        }

        /** Completes once the call holds a turn, waiting in line when none is free for it. */
        Mono<Void> take() {
            return Mono.create(sink -> {
                Waiter w = new Waiter(this, sink);
                boolean now;
                synchronized (CallLimiter.this) {
                    now = free(tenant);
                    if (now) {
                        grant(this);
                    } else {
                        queue.add(w);
                    }
                }
                sink.onCancel(() -> {
                    synchronized (CallLimiter.this) {
                        queue.remove(w);
                    }
                });
                if (now) {
                    sink.success();
                }
            });
        }

        void giveBack() {
            if (held.compareAndSet(true, false)) {
                release(tenant);
            }
        }

        @Override
        public <T> Mono<T> away(Mono<T> pause) {
            return Mono.fromRunnable(this::giveBack)
                    .then(pause.map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty()))
                    .flatMap(v -> take().then(Mono.justOrEmpty(v)));
        }
    }

    private boolean free(String tenant) {
        return running < max && (tenant == null || byTenant.getOrDefault(tenant, 0) < perTenant);
    }

    private void grant(Slot s) {
        running++;
        if (s.tenant != null) {
            byTenant.merge(s.tenant, 1, Integer::sum);
        }
        s.held.set(true);
    }

    private void release(String tenant) {
        Waiter next = null;
        synchronized (this) {
            running--;
            if (tenant != null) {
                byTenant.computeIfPresent(tenant, (k, n) -> n > 1 ? n - 1 : null);
            }
            // the first waiting call that may run now: one turn came free, so at most one can
            for (Iterator<Waiter> it = queue.iterator(); it.hasNext(); ) {
                Waiter w = it.next();
                if (free(w.slot().tenant)) {
                    it.remove();
                    grant(w.slot());
                    next = w;
                    break;
                }
            }
        }
        if (next != null) {
            next.sink().success();
        }
    }

    synchronized int running() {
        return running;
    }

    synchronized int waiting() {
        return queue.size();
    }
}
