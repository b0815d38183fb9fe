package io.jettymcp.tool;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs this server started in the last minute (run-task, run-routine-now, run-runbook). Right after a start
 * Jetty's trajectory row can lag by a few seconds (jetty-api.md §7 E4): a 404 for one of these ids means
 * "not written yet", so readers wait longer for them than for an id from elsewhere. Keyed by
 * collection/task/id in lower case (Jetty's name look-ups are case-insensitive); an 8-hex id shared by two
 * tenants would only lengthen a wait, never reveal anything.
 */
public final class RecentRuns {

    static final Duration REMEMBER = Duration.ofMinutes(1);
    private static final int MAX = 10_000;

    private final Clock clock;
    private final Map<String, Instant> started = new ConcurrentHashMap<>();

    public RecentRuns() {
        this(Clock.systemUTC());
    }

    RecentRuns(Clock clock) {
        this.clock = clock;
    }

    public void record(String collection, String task, String trajectoryId) {
        if (collection == null || task == null || trajectoryId == null || trajectoryId.isBlank()) {
            return;
        }
        Instant now = clock.instant();
        if (started.size() >= MAX) {
            started.values().removeIf(at -> at.plus(REMEMBER).isBefore(now));
        }
        started.put(key(collection, task, trajectoryId), now);
    }

    /** Whether this server started that run within the last minute. */
    public boolean startedRecently(String collection, String task, String trajectoryId) {
        Instant at = started.get(key(collection, task, trajectoryId));
        return at != null && !clock.instant().isAfter(at.plus(REMEMBER));
    }

    private static String key(String collection, String task, String id) {
        return (collection + "/" + task + "/" + id).toLowerCase(Locale.ROOT);
    }
}
