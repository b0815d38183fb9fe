package io.jettymcp.api;

import java.time.Duration;

/**
 * Retries for idempotent calls only (GET, PUT, DELETE): on 429, 500, 502, 503, 504 and connection
 * errors, with exponential backoff and full jitter, honouring {@code Retry-After}, bounded in
 * attempts and in total time. POST and PATCH are never retried: a retried run is a second run.
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, Duration maxTotal) {

    public static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofMillis(300), Duration.ofSeconds(5),
            Duration.ofSeconds(20));
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);

    public static boolean retryableStatus(int status) {
        return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }

    /** Delay before attempt {@code attempt + 1} (1-based), or null to stop. */
    public Duration delay(int attempt, String retryAfter, long elapsedMillis, java.util.function.DoubleSupplier random) {
        if (attempt >= maxAttempts) {
            return null;
        }
        long ms;
        Long ra = parseRetryAfter(retryAfter);
        if (ra != null) {
            ms = ra * 1000;
        } else {
            long exp = baseDelay.toMillis() * (1L << Math.min(attempt - 1, 10));
            ms = (long) (Math.min(exp, maxDelay.toMillis()) * (0.5 + random.getAsDouble() / 2));
        }
        if (ms > maxDelay.toMillis() * 4 || elapsedMillis + ms > maxTotal.toMillis()) {
            return null; // waiting that long would outlast the caller: report instead
        }
        return Duration.ofMillis(ms);
    }

    static Long parseRetryAfter(String v) {
        if (v == null) {
            return null;
        }
        try {
            return Math.max(0, Long.parseLong(v.strip()));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
