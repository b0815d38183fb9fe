package io.jettymcp.api;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

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
        return delay(attempt, retryAfter, elapsedMillis, random, Instant.now());
    }

    /** As {@link #delay(int, String, long, java.util.function.DoubleSupplier)}, with a Retry-After date read against {@code now}. */
    Duration delay(int attempt, String retryAfter, long elapsedMillis, java.util.function.DoubleSupplier random, Instant now) {
        if (attempt >= maxAttempts) {
            return null;
        }
        long ms;
        Long ra = retryAfterMillis(retryAfter, now);
        if (ra != null) {
            ms = ra;
        } else {
            long exp = baseDelay.toMillis() * (1L << Math.min(attempt - 1, 10));
            ms = (long) (Math.min(exp, maxDelay.toMillis()) * (0.5 + random.getAsDouble() / 2));
        }
        if (ms > maxDelay.toMillis() * 4 || elapsedMillis + ms > maxTotal.toMillis()) {
            return null; // waiting that long would outlast the caller: report instead
        }
        return Duration.ofMillis(ms);
    }

    /**
     * The wait a {@code Retry-After} value asks for, in milliseconds (never negative), or null when absent
     * or unreadable. RFC 7231 §7.1.3 allows delta-seconds ({@code 120}) or an HTTP-date
     * ({@code Wed, 21 Oct 2026 07:28:00 GMT}); a date already past means "now".
     */
    static Long retryAfterMillis(String v, Instant now) {
        if (v == null || v.isBlank()) {
            return null;
        }
        String s = v.strip();
        try {
            // capped before scaling: a huge number must not overflow into a negative wait
            return Math.min(Math.max(0, Long.parseLong(s)), Integer.MAX_VALUE) * 1000L;
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(s, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return Math.max(0, Duration.between(now, at).toMillis());
            } catch (DateTimeParseException | ArithmeticException notADate) {
                return null;
            }
        }
    }
}
