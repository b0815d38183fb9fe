package io.jettymcp.catalog.trajectories;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jettymcp.api.ApiRequest;
import io.jettymcp.api.JettyApiException;
import io.jettymcp.api.Routes;
import io.jettymcp.guard.ToolError;
import io.jettymcp.tool.RecentRuns;
import io.jettymcp.tool.ToolCall;
import io.jettymcp.tool.ToolContext;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * The one reader of a run, for get-trajectory, the waits and diagnose-trajectory (jetty-api.md §7 E4, E5).
 * <ul>
 *   <li>{@code db/trajectory} is Jetty's DB index: status and metadata. Step outputs, {@code results_files},
 *   {@code primary_files} and {@code usage} may live only on the storage detail route
 *   ({@link Routes#TRAJECTORY_DETAIL}); when a finished run shows steps without outputs, that route is read
 *   and what the index lacks is merged in. If it cannot be read, the index's answer stands, with a note.</li>
 *   <li>Right after a start the run's row can lag: a 404 means "not visible yet" for a window (longer for
 *   runs this server started in the last minute), never past the caller's budget. A window that ends says the
 *   run may still be queued; no text here ever invites a second run.</li>
 * </ul>
 */
public final class TrajectoryReader {

    /**
     * How long a 404 counts as "not visible yet": for runs this server started in the last minute, for other
     * ids, and the delays between reads meanwhile.
     */
    public record Patience(Duration recent, Duration other, Duration firstDelay, Duration maxDelay) {
        public static final Patience PRODUCTION = new Patience(Duration.ofSeconds(30), Duration.ofSeconds(10),
                Duration.ofSeconds(1), Duration.ofSeconds(3));
    }

    /** A run as read: the trajectory (outputs merged when needed) and, when storage could not be read, why. */
    public record Read(JsonNode trajectory, String outputsNote) {
    }

    /** Top-level fields the storage detail route may carry and the DB index may lack. */
    static final java.util.List<String> STORAGE_FIELDS = java.util.List.of("results_files", "primary_files", "usage");

    private final RecentRuns recent;
    private final Patience patience;

    public TrajectoryReader(ToolContext ctx) {
        this(ctx.recentRuns(), Patience.PRODUCTION);
    }

    TrajectoryReader(RecentRuns recent, Patience patience) {
        this.recent = recent;
        this.patience = patience;
    }

    /** Shortens the run texts the readers quote (errors): it redacts as it cuts. */

    /** How long a 404 for this run counts as "not visible yet". */
    Duration window(String collection, String task, String id) {
        return recent.startedRecently(collection, task, id) ? patience.recent() : patience.other();
    }

    /** One read of the DB index; errors (a 404 included) are the caller's to judge. */
    Mono<JsonNode> fetch(ToolCall call, String collection, String task, String id) {
        return call.api().json(ApiRequest.get(Routes.TRAJECTORY_GET.path(collection, task, id)));
    }

    /**
     * A read for get-trajectory and diagnose-trajectory: a 404 is read again until the row shows or the window
     * ends (then a {@link ToolError} saying it may still be queued); other failures end it at once.
     */
    Mono<Read> read(ToolCall call, String collection, String task, String id) {
        Duration window = window(collection, task, id);
        TrajectoryWaiter.Progress progress = new TrajectoryWaiter.Progress(call::progress, call.api().redactor());
        return Mono.defer(() -> attempt(call, collection, task, id, System.nanoTime(), window, patience.firstDelay(), progress));
    }

    private Mono<Read> attempt(ToolCall call, String c, String t, String id, long start, Duration window, Duration delay,
                               TrajectoryWaiter.Progress progress) {
        return fetch(call, c, t, id)
                .onErrorMap(TrajectoryReader::notFound, e -> new NotVisible())
                .flatMap(found -> complete(call, c, t, id, found))
                .onErrorResume(NotVisible.class, e -> {
                    long waited = System.nanoTime() - start;
                    long left = window.toNanos() - waited;
                    if (left <= 0) {
                        return Mono.error(new ToolError(notVisible(c, t, id, seconds(waited))));
                    }
                    Duration sleep = delay.toNanos() < left ? delay : Duration.ofNanos(left);
                    Duration next = delay.multipliedBy(2).compareTo(patience.maxDelay()) > 0 ? patience.maxDelay() : delay.multipliedBy(2);
                    return progress.notVisible(waiting(seconds(waited), window))
                            .then(Mono.delay(sleep))
                            .then(Mono.defer(() -> attempt(call, c, t, id, start, window, next, progress)));
                });
    }

    /** Thrown inside {@link #attempt} only: a 404 that may still turn into a run. */
    private static final class NotVisible extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotVisible() {
            super(null, null, false, false);
        }
    }

    /**
     * Completes a run read from the DB index: a finished run whose steps lack outputs gets them from the
     * storage detail route. Never fails: if storage cannot be read, the index's answer comes with a note.
     */
    Mono<Read> complete(ToolCall call, String collection, String task, String id, JsonNode t) {
        if (!needsStorage(t)) {
            return Mono.just(new Read(t, null));
        }
        return call.api().json(ApiRequest.get(Routes.TRAJECTORY_DETAIL.path(collection, task, id)))
                .map(detail -> detail.isObject() ? new Read(merge(t, detail), null)
                        : new Read(t, outputsNote("its answer was not a trajectory")))
                .onErrorResume(e -> !(e instanceof Error), e -> Mono.just(new Read(t, outputsNote(why(e)))));
    }

    /** A finished run with at least one step that has no outputs: Jetty's index left them in storage. */
    static boolean needsStorage(JsonNode t) {
        if (!TrajectoryView.terminal(t)) {
            return false;
        }
        for (JsonNode s : t.path("steps")) {
            if (s.isObject() && (!s.has("outputs") || s.get("outputs").isNull())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The DB answer with what only storage had: missing step fields (outputs first of all), missing steps and
     * the storage-only top-level fields. Nothing the index said is overwritten: it is the fresher status.
     */
    static JsonNode merge(JsonNode db, JsonNode detail) {
        ObjectNode out = ((ObjectNode) db).deepCopy();
        for (String f : STORAGE_FIELDS) {
            if (!out.hasNonNull(f) && detail.hasNonNull(f)) {
                out.set(f, detail.get(f));
            }
        }
        JsonNode fromStorage = detail.path("steps");
        if (!fromStorage.isObject()) {
            return out;
        }
        ObjectNode steps = out.path("steps").isObject() ? (ObjectNode) out.get("steps") : out.putObject("steps");
        for (Map.Entry<String, JsonNode> e : fromStorage.properties()) {
            JsonNode mine = steps.get(e.getKey());
            if (mine == null || !mine.isObject()) {
                steps.set(e.getKey(), e.getValue());
                continue;
            }
            ObjectNode step = (ObjectNode) mine;
            for (Map.Entry<String, JsonNode> f : e.getValue().properties()) {
                if (!step.hasNonNull(f.getKey())) {
                    step.set(f.getKey(), f.getValue());
                }
            }
        }
        return out;
    }

    private static String outputsNote(String why) {
        return "Step outputs could not be read from Jetty's storage (" + why + "): status and steps above come from "
                + "Jetty's run index, which leaves outputs out. get-trajectory reads storage again when called later.";
    }

    /** Why a read failed, in words that never carry Jetty's generic advice (a 404 there is not a typo). */
    private static String why(Throwable e) {
        if (e instanceof JettyApiException x && x.status() > 0) {
            return "it answered HTTP " + x.status();
        }
        return e instanceof TimeoutException || e instanceof JettyApiException ? "no answer (timeout or network)" : "unreadable answer";
    }

    static boolean notFound(Throwable e) {
        return e instanceof JettyApiException x && x.status() == 404;
    }

    /** Progress text while a run's row is not visible yet. */
    static String waiting(double waited, Duration window) {
        return "not visible yet — Jetty may still be writing the run's row (" + waited + " of " + seconds(window.toNanos()) + " s)";
    }

    /** The answer when a window ends without the row: the run may still be queued; how to check later. */
    String notVisible(String collection, String task, String id, double waited) {
        boolean ours = recent.startedRecently(collection, task, id);
        return "Run " + id + " in " + collection + "/" + task + " is not visible yet, it may still be queued: Jetty "
                + "answered 404 for " + waited + " s" + (ours ? " although this server started it moments ago" : "")
                + ". Jetty writes a new run's row a little after the start. Check later with wait-for-trajectory "
                + "(trajectory_id " + id + ") or list-trajectories for task '" + task + "'"
                + (ours ? "" : ", which also lists the ids this task's runs really have")
                + ". Do not start the run again: it may be running.";
    }

    static double seconds(long nanos) {
        return Math.round(nanos / 100_000_000.0) / 10.0;
    }
}
