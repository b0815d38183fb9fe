package io.jettymcp.catalog.trajectories;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.api.JettyApiException;
import io.jettymcp.guard.CallSlot;
import io.jettymcp.redact.Redactor;
import io.jettymcp.tool.ToolCall;
import io.jettymcp.tool.WaitLimit;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Follows a trajectory until it ends or the time budget runs out: polls with backoff (1 s growing to
 * 15 s), sends {@code notifications/progress} when the client gave a progress token, and waits with
 * Reactor delays only, so a cancellation from the client (which disposes the call's subscription)
 * stops it at once. Transient failures (5xx, network, 429) do not end the wait; the next poll tries again.
 * Until the run's row is first seen a 404 means "not visible yet" for the {@link TrajectoryReader}'s window
 * (jetty-api.md §7 E4); a finished run is completed by the reader (outputs from storage, E5).
 */
public final class TrajectoryWaiter {

    public static final int DEFAULT_SECONDS = 50;
    public static final int MAX_SECONDS = 600;

    /**
     * What a wait saw last. {@code trajectory} is null only when no poll succeeded; then {@code notVisible}
     * says so when Jetty kept answering 404 (the run may still be queued). {@code outputsNote}: storage could
     * not be read for a finished run's outputs.
     */
    public record Outcome(JsonNode trajectory, boolean done, double waitedSeconds, String lastError, String outputsNote,
                          String notVisible) {
    }

    private final TrajectoryReader reader;
    private final Duration first;
    private final Duration max;
    private final double factor;
    private final WaitLimit limit;

    public TrajectoryWaiter(TrajectoryReader reader) {
        this(reader, new WaitLimit());
    }

    /** @param limit when reached (the server is stopping), every wait answers what it saw last, as at its budget */
    public TrajectoryWaiter(TrajectoryReader reader, WaitLimit limit) {
        this(reader, Duration.ofSeconds(1), Duration.ofSeconds(15), 1.5, limit);
    }

    TrajectoryWaiter(TrajectoryReader reader, Duration first, Duration max, double factor) {
        this(reader, first, max, factor, new WaitLimit());
    }

    TrajectoryWaiter(TrajectoryReader reader, Duration first, Duration max, double factor, WaitLimit limit) {
        this.reader = reader;
        this.first = first;
        this.max = max;
        this.factor = factor;
        this.limit = limit;
    }

    public TrajectoryReader reader() {
        return reader;
    }

    public Mono<Outcome> await(ToolCall call, String collection, String task, String trajectoryId, Duration budget) {
        Duration window = reader.window(collection, task, trajectoryId);
        Wait w = new Wait(call, collection, task, trajectoryId, budget.toNanos(),
                Math.min(window.toNanos(), budget.toNanos()), new Progress(call::progress, call.api().redactor()));
        return Mono.defer(() -> poll(w, System.nanoTime(), first, null));
    }

    /** One wait's fixed facts; {@code window}: how long 404s count as "not visible yet" (never past the budget). */
    private record Wait(ToolCall call, String collection, String task, String id, long budget, long window,
                        Progress progress) {
    }

    private Mono<Outcome> poll(Wait w, long start, Duration delay, JsonNode last) {
        long left = w.budget() - (System.nanoTime() - start);
        // a poll never holds the wait much past its budget, even if one request hangs
        Duration pollTimeout = Duration.ofNanos(Math.max(left, 0)).plusSeconds(5);
        return reader.fetch(w.call(), w.collection(), w.task(), w.id())
                .timeout(pollTimeout)
                .map(t -> new Poll(t, null, false))
                .onErrorResume(e -> transientFailure(e) || TrajectoryReader.notFound(e),
                        e -> Mono.just(new Poll(null, describe(e), TrajectoryReader.notFound(e))))
                .flatMap(got -> {
                    boolean fresh = got.trajectory() != null;
                    JsonNode t = fresh ? got.trajectory() : last;
                    String err = fresh ? null : got.error();
                    long elapsed = System.nanoTime() - start;
                    double waited = seconds(elapsed);
                    if (fresh && TrajectoryView.terminal(t)) {
                        return reader.complete(w.call(), w.collection(), w.task(), w.id(), t)
                                .flatMap(read -> w.progress().finish(read.trajectory())
                                        .thenReturn(new Outcome(read.trajectory(), true, waited, null, read.outputsNote(), null)));
                    }
                    boolean unseen = t == null && got.notFound();
                    if (unseen && elapsed >= w.window()) {
                        return Mono.just(new Outcome(null, false, waited, err, null,
                                reader.notVisible(w.collection(), w.task(), w.id(), waited)));
                    }
                    Mono<Void> notify = fresh ? w.progress().update(t)
                            : unseen ? w.progress().notVisible(TrajectoryReader.waiting(waited, Duration.ofNanos(w.window()))) : Mono.empty();
                    long remaining = (unseen ? w.window() : w.budget()) - elapsed;
                    Outcome still = new Outcome(t, false, waited, err, null, null); // err: only when the last poll failed
                    if (remaining <= 0 || limit.isReached()) {
                        return notify.thenReturn(still);
                    }
                    Duration sleep = delay.toNanos() < remaining ? delay : Duration.ofNanos(remaining);
                    Duration next = next(delay);
                    // no call turn held while only waiting; a stopping server's drain limit ends the sleep and the wait
                    Mono<Boolean> slept = Mono.firstWithValue(Mono.delay(sleep).thenReturn(true), limit.reached().thenReturn(false));
                    return notify.then(CallSlot.idle(slept))
                            .flatMap(full -> full ? poll(w, start, next, t)
                                    : Mono.just(new Outcome(t, false, seconds(System.nanoTime() - start), err, null, null)));
                });
    }

    private record Poll(JsonNode trajectory, String error, boolean notFound) {
    }

    /** A failed poll in words; a 404 in our own (Jetty's generic 404 advice is about typos, which this is not). */
    private static String describe(Throwable e) {
        if (TrajectoryReader.notFound(e)) {
            return "Jetty answered 404 for this run";
        }
        return e instanceof JettyApiException ? e.getMessage() : "no answer from Jetty in time";
    }

    Duration next(Duration d) {
        Duration n = Duration.ofMillis((long) (d.toMillis() * factor));
        return n.compareTo(max) > 0 ? max : n;
    }

    /** Worth another poll: Jetty or the network hiccupped. Any other 4xx (no access, bad id) is final. */
    private static boolean transientFailure(Throwable e) {
        if (e instanceof JettyApiException x) {
            return x.outcomeUnknown() || x.status() == 429;
        }
        return e instanceof TimeoutException;
    }

    private static double seconds(long nanos) {
        return TrajectoryReader.seconds(nanos);
    }

    /**
     * Progress notifications: completed steps of total steps, with the running step's name. The MCP
     * spec wants the value to grow with every notification, so polls within one step add a fraction
     * that approaches but never reaches the next step (a heartbeat for clients that extend their
     * timeout on progress).
     */
    static final class Progress {

        /** Where notifications go: {@link ToolCall#progress}, which sends nothing without a progress token. */
        interface Sink {
            Mono<Void> send(double progress, Double total, String message);
        }

        private final Sink sink;
        /** the final message quotes the run's error: cut by the redactor, so no secret's head is left at the cut */
        private final Redactor redactor;
        private double last = -1;
        private int lastDone = -1;
        private int pollsInStep;

        Progress(Sink sink, Redactor redactor) {
            this.sink = sink;
            this.redactor = redactor;
        }

        Mono<Void> update(JsonNode t) {
            int done = t.path("completed_steps").size();
            return send(heartbeat(done), total(t), message(t, done));
        }

        /** While the run's row is not visible yet: a heartbeat before step 0, with the reason. */
        Mono<Void> notVisible(String message) {
            return send(heartbeat(0), null, message);
        }

        private double heartbeat(int done) {
            if (done != lastDone) {
                lastDone = done;
                pollsInStep = 0;
            } else {
                pollsInStep++;
            }
            return done + pollsInStep / (pollsInStep + 1.0);
        }

        Mono<Void> finish(JsonNode t) {
            Integer total = total(t);
            String status = t.path("status").asText("");
            // a run that ended short of its total still gets a last, larger value: clients show its final word
            double value = "completed".equals(status) && total != null ? total
                    : Math.max(t.path("completed_steps").size(), last + 0.01);
            String msg = status + (t.hasNonNull("error") ? ": " + redactor.cut(t.get("error").asText(), 120) : "");
            return send(value, total, msg);
        }

        private Mono<Void> send(double value, Integer total, String message) {
            if (value <= last) {
                return Mono.empty();
            }
            last = value;
            return sink.send(value, total == null ? null : total.doubleValue(), message);
        }

        private static Integer total(JsonNode t) {
            int n = t.path("total_steps").size();
            return n > 0 ? n : null;
        }

        private static String message(JsonNode t, int done) {
            String status = t.path("status").asText("pending");
            Integer total = total(t);
            String current = null;
            if (total != null && done < total && "running".equals(status)) {
                for (JsonNode s : t.get("total_steps")) { // the first step not yet completed
                    if (!contains(t.path("completed_steps"), s.asText())) {
                        current = s.asText();
                        break;
                    }
                }
            }
            return status + (current != null ? ": step '" + current + "'" : "")
                    + (total != null ? " (" + done + " of " + total + " steps done)" : "");
        }

        private static boolean contains(JsonNode arr, String v) {
            for (JsonNode n : arr) {
                if (v.equals(n.asText())) {
                    return true;
                }
            }
            return false;
        }
    }
}
