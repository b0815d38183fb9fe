package io.jettymcp.api;

import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The memory that Jetty answers being read, parsed and shaped at once may take, in bytes: a quarter of
 * the maximum heap by default. An answer costs {@link #COST_FACTOR} times its size (the bytes, the parsed
 * tree and the cleaned copy live together). Waiters are served first come, first served, without a thread.
 *
 * <p>A tool call holds a {@link Share}: the cost of the largest answer it has read so far, taken when its
 * first answer arrives and given back when the call ends. A call that already holds a share never waits
 * again (a larger later answer takes the difference at once), so calls never wait on each other in a cycle.
 */
public final class AnswerBudget {

    /** Bytes of heap an answer of one byte may take while it is parsed and shaped. */
    public static final int COST_FACTOR = 4;

    private final long capacity;
    private long available;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

    public AnswerBudget(long capacity) {
        this.capacity = Math.max(1, capacity);
        this.available = this.capacity;
    }

    /** A quarter of the heap the JVM may grow to. */
    public static AnswerBudget ofHeap() {
        return new AnswerBudget(Runtime.getRuntime().maxMemory() / 4);
    }

    public long capacity() {
        return capacity;
    }

    /** Bytes not held by any call (negative while a call has grown past the budget). */
    public synchronized long available() {
        return available;
    }

    /** The cost of an answer of {@code bytes}, never more than the whole budget (one answer may always proceed). */
    public long cost(long bytes) {
        return Math.min(capacity, Math.max(1, bytes) * COST_FACTOR);
    }

    /** A share for one tool call; {@link Share#close()} when the call ends. */
    public Share share() {
        return new Share();
    }

    private Mono<Void> acquire(long n) {
        return Mono.create(sink -> {
            Waiter w = new Waiter(n, sink);
            synchronized (this) {
                if (waiters.isEmpty() && available >= n) {
                    available -= n;
                    w.granted = true;
                } else {
                    waiters.add(w);
                }
            }
            if (w.granted) {
                sink.success();
                return;
            }
            sink.onCancel(() -> cancel(w));
        });
    }

    private void cancel(Waiter w) {
        boolean giveBack;
        synchronized (this) {
            giveBack = !waiters.remove(w) && w.granted;
        }
        if (giveBack) {
            release(w.bytes);
        }
    }

    private synchronized void take(long n) {
        available -= n;
    }

    private void release(long n) {
        List<Waiter> ready = new ArrayList<>();
        synchronized (this) {
            available += n;
            while (!waiters.isEmpty() && available >= waiters.peek().bytes) {
                Waiter w = waiters.poll();
                available -= w.bytes;
                w.granted = true;
                ready.add(w);
            }
        }
        ready.forEach(w -> w.sink.success());
    }

    private static final class Waiter {
        final long bytes;
        final MonoSink<Void> sink;
        boolean granted;

        Waiter(long bytes, MonoSink<Void> sink) {
            this.bytes = bytes;
            this.sink = sink;
        }
    }

    /** What one tool call holds: the largest cost among the answers it read. */
    public final class Share implements AutoCloseable {
        private final List<Long> costs = new ArrayList<>();
        private long held;
        private boolean closed;
        private Mono<Void> first;

        /** Completes once the call may hold {@code cost}; waits only for the call's first answer. */
        public Mono<Void> need(long cost) {
            synchronized (this) {
                if (closed) {
                    return Mono.empty();
                }
                if (held > 0) {
                    grow(cost);
                    return Mono.empty();
                }
                if (first == null) {
                    long c = cost;
                    // cached: the grant is kept (and given back by close) even if this caller stops waiting
                    first = acquire(c).then(Mono.<Void>fromRunnable(() -> granted(c))).cache();
                    return first;
                }
            }
            return first.then(Mono.<Void>fromRunnable(() -> {
                synchronized (this) {
                    if (!closed) {
                        grow(cost);
                    }
                }
            }));
        }

        /** An answer reserved at {@code reserved} turned out to cost {@code actual}: keep only what is needed. */
        public void settle(long reserved, long actual) {
            long giveBack;
            synchronized (this) {
                if (closed || !costs.remove(reserved)) {
                    return;
                }
                costs.add(actual);
                long max = Collections.max(costs);
                giveBack = held - max;
                held = max;
            }
            if (giveBack > 0) {
                release(giveBack);
            }
        }

        private void granted(long c) {
            boolean giveBack;
            synchronized (this) {
                giveBack = closed;
                if (!closed) {
                    costs.add(c);
                    held = c;
                }
            }
            if (giveBack) {
                release(c);
            }
        }

        /** Called holding this share's lock, once it holds something: takes the difference without waiting. */
        private void grow(long cost) {
            costs.add(cost);
            if (cost > held) {
                take(cost - held);
                held = cost;
            }
        }

        @Override
        public void close() {
            long giveBack;
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                giveBack = held;
                held = 0;
                costs.clear();
            }
            if (giveBack > 0) {
                release(giveBack);
            }
        }
    }
}
