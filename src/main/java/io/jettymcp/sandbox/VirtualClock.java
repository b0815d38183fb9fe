package io.jettymcp.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Simulator time: runs with real time and can be pushed forward, so tests finish runs and fire
 * schedules deterministically without sleeping. It never goes backwards.
 */
public final class VirtualClock {

    private final Instant origin;
    private final long originNanos;
    private final AtomicLong offsetNanos = new AtomicLong();
    private final List<Runnable> advanceListeners = new CopyOnWriteArrayList<>();

    public VirtualClock() {
        this(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    VirtualClock(Instant origin) {
        this.origin = origin;
        this.originNanos = System.nanoTime();
    }

    public Instant now() {
        return origin.plusNanos(System.nanoTime() - originNanos + offsetNanos.get());
    }

    public void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("the virtual clock cannot go backwards");
        }
        offsetNanos.addAndGet(d.toNanos());
        advanceListeners.forEach(Runnable::run);
    }

    /** Lets the engine react at once (finish steps, fire routines) when a test advances time. */
    void onAdvance(Runnable listener) {
        advanceListeners.add(listener);
    }
}
