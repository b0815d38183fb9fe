package io.jettymcp.tools;

import com.fasterxml.jackson.databind.JsonNode;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.JettyApiException;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Follows a trajectory until it ends or the time budget runs out: polls with backoff (1 s growing to
 * 15 s), sends {@code notifications/progress} when the client gave a progress token, and waits with
 * Reactor delays only, so a cancellation from the client (which disposes the call's subscription)
 * stops it at once. Transient failures (5xx, network, 429) do not end the wait; the next poll tries again.
 */
public final class TrajectoryWaiter {

    public static final int DEFAULT_SECONDS = 50;
    public static final int MAX_SECONDS = 600;

    /** What a wait saw last. {@code trajectory} is null only when no poll succeeded. */
    public record Outcome(JsonNode trajectory, boolean done, double waitedSeconds, String lastError) {
    }

    private final Duration first;
    private final Duration max;
    private final double factor;

    public TrajectoryWaiter() {
        this(Duration.ofSeconds(1), Duration.ofSeconds(15), 1.5);
    }

    TrajectoryWaiter(Duration first, Duration max, double factor) {
        this.first = first;
        this.max = max;
        this.factor = factor;
    }

    public Mono<Outcome> await(ToolCall call, String collection, String task, String trajectoryId, Duration budget) {
        return await(call, collection, task, trajectoryId, budget, false);
    }

    /**
     * @param justStarted the id came from a run POST a moment ago: a 404 then means "not written yet", not "wrong id",
     *                    so it is polled again like any transient failure
     */
    public Mono<Outcome> await(ToolCall call, String collection, String task, String trajectoryId, Duration budget,
                               boolean justStarted) {
        ApiRequest req = ApiRequest.get(TrajectoryIds.trajectoryPath(collection, task, trajectoryId));
        return Mono.defer(() -> {
            long start = System.nanoTime();
            return poll(call, req, start, budget.toNanos(), first, new Progress(call::progress), null, justStarted);
        });
    }

    private Mono<Outcome> poll(ToolCall call, ApiRequest req, long start, long budget, Duration delay, Progress progress,
                               JsonNode last, boolean justStarted) {
        long left = budget - (System.nanoTime() - start);
        // a poll never holds the wait much past its budget, even if one request hangs
        Duration pollTimeout = Duration.ofNanos(Math.max(left, 0)).plusSeconds(5);
        return call.api().json(req)
                .timeout(pollTimeout)
                .map(t -> new Poll(t, null))
                .onErrorResume(e -> transientFailure(e) || justStarted && last == null && notFound(e),
                        e -> Mono.just(new Poll(null, describe(e))))
                .flatMap(got -> {
                    boolean fresh = got.trajectory() != null;
                    JsonNode t = fresh ? got.trajectory() : last;
                    String err = fresh ? null : got.error();
                    double waited = seconds(System.nanoTime() - start);
                    if (fresh && TrajectoryView.terminal(t)) {
                        return progress.finish(t).thenReturn(new Outcome(t, true, waited, null));
                    }
                    Mono<Void> notify = fresh ? progress.update(t) : Mono.empty();
                    long remaining = budget - (System.nanoTime() - start);
                    if (remaining <= 0) {
                        return notify.thenReturn(new Outcome(t, false, waited, err)); // err: only when the last poll failed
                    }
                    Duration sleep = delay.toNanos() < remaining ? delay : Duration.ofNanos(remaining);
                    Duration next = next(delay);
                    return notify.then(Mono.delay(sleep))
                            .then(Mono.defer(() -> poll(call, req, start, budget, next, progress, t, justStarted)));
                });
    }

    private record Poll(JsonNode trajectory, String error) {
    }

    private static String describe(Throwable e) {
        return e instanceof JettyApiException ? e.getMessage() : "no answer from Jetty in time";
    }

    Duration next(Duration d) {
        Duration n = Duration.ofMillis((long) (d.toMillis() * factor));
        return n.compareTo(max) > 0 ? max : n;
    }

    /** Worth another poll: Jetty or the network hiccupped. A 4xx (wrong id, no access) is final. */
    private static boolean transientFailure(Throwable e) {
        if (e instanceof JettyApiException x) {
            return x.outcomeUnknown() || x.status() == 429;
        }
        return e instanceof TimeoutException;
    }

    private static boolean notFound(Throwable e) {
        return e instanceof JettyApiException x && x.status() == 404;
    }

    private static double seconds(long nanos) {
        return Math.round(nanos / 100_000_000.0) / 10.0;
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
        private double last = -1;
        private int lastDone = -1;
        private int pollsInStep;

        Progress(Sink sink) {
            this.sink = sink;
        }

        Mono<Void> update(JsonNode t) {
            int done = t.path("completed_steps").size();
            if (done != lastDone) {
                lastDone = done;
                pollsInStep = 0;
            } else {
                pollsInStep++;
            }
            double value = done + pollsInStep / (pollsInStep + 1.0);
            return send(value, t, message(t, done));
        }

        Mono<Void> finish(JsonNode t) {
            Integer total = total(t);
            String status = t.path("status").asText("");
            // a run that ended short of its total still gets a last, larger value: clients show its final word
            double value = "completed".equals(status) && total != null ? total
                    : Math.max(t.path("completed_steps").size(), last + 0.01);
            String msg = status + (t.hasNonNull("error") ? ": " + TrajectoryView.cut(t.get("error").asText(), 120) : "");
            return send(value, t, msg);
        }

        private Mono<Void> send(double value, JsonNode t, String message) {
            if (value <= last) {
                return Mono.empty();
            }
            last = value;
            Integer total = total(t);
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
