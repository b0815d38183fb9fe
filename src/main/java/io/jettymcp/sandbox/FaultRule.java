package io.jettymcp.sandbox;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One fault switch. {@code pathRegex} must match the whole request path (no query string);
 * {@code method} is an HTTP method or {@code "*"}. The first {@code skip} matching calls pass
 * through untouched, then the fault applies {@code times} times ({@code -1} = always).
 * {@code delayMillis} is real time and is applied before any kind (it is the whole effect of DELAY), except
 * TRICKLE, where it is the gap between bytes.
 */
public record FaultRule(String method, String pathRegex, FaultKind kind, int status, String body,
                        long delayMillis, int retryAfterSeconds, int times, int skip) {

    public FaultRule {
        method = method == null || method.isBlank() ? "*" : method.trim().toUpperCase(java.util.Locale.ROOT);
        pathRegex = pathRegex == null || pathRegex.isBlank() ? ".*" : pathRegex;
        Pattern.compile(pathRegex); // fail at registration, not on the first request
        Objects.requireNonNull(kind, "kind");
        if (delayMillis < 0 || retryAfterSeconds < 0 || skip < 0 || times < -1) {
            throw new IllegalArgumentException("negative delay_millis, retry_after_seconds, skip, or times < -1");
        }
    }

    public static FaultRule of(String method, String pathRegex, FaultKind kind) {
        return new FaultRule(method, pathRegex, kind, 0, null, 0, 0, -1, 0);
    }

    public static FaultRule status(String method, String pathRegex, int status) {
        return new FaultRule(method, pathRegex, FaultKind.STATUS, status, null, 0, 0, -1, 0);
    }

    public static FaultRule delay(String method, String pathRegex, long delayMillis) {
        return new FaultRule(method, pathRegex, FaultKind.DELAY, 0, null, delayMillis, 0, -1, 0);
    }

    public static FaultRule hang(String method, String pathRegex) {
        return of(method, pathRegex, FaultKind.HANG);
    }

    public static FaultRule reset(String method, String pathRegex) {
        return of(method, pathRegex, FaultKind.RESET);
    }

    public static FaultRule html524(String method, String pathRegex) {
        return of(method, pathRegex, FaultKind.HTML_524);
    }

    public static FaultRule html1010(String method, String pathRegex) {
        return of(method, pathRegex, FaultKind.HTML_1010);
    }

    /** Cloudflare's HTML page for {@code status} (502, 503, 504...), where Jetty itself would answer JSON. */
    public static FaultRule html5xx(String method, String pathRegex, int status) {
        return new FaultRule(method, pathRegex, FaultKind.HTML_5XX, status, null, 0, 0, -1, 0);
    }

    public static FaultRule rateLimit(String method, String pathRegex, int retryAfterSeconds) {
        return new FaultRule(method, pathRegex, FaultKind.RATE_LIMIT_429, 429, null, 0, retryAfterSeconds, -1, 0);
    }

    public static FaultRule malformedJson(String method, String pathRegex) {
        return of(method, pathRegex, FaultKind.MALFORMED_JSON);
    }

    public static FaultRule oversizedBody(String method, String pathRegex) {
        return of(method, pathRegex, FaultKind.OVERSIZED_BODY);
    }

    public static FaultRule hugeBody(String method, String pathRegex) {
        return of(method, pathRegex, FaultKind.HUGE_BODY);
    }

    /** {@code body} sent one byte every {@code gapMillis}. */
    public static FaultRule trickle(String method, String pathRegex, String body, long gapMillis) {
        return new FaultRule(method, pathRegex, FaultKind.TRICKLE, 200, body, gapMillis, 0, -1, 0);
    }

    public FaultRule withTimes(int n) {
        return new FaultRule(method, pathRegex, kind, status, body, delayMillis, retryAfterSeconds, n, skip);
    }

    public FaultRule withSkip(int n) {
        return new FaultRule(method, pathRegex, kind, status, body, delayMillis, retryAfterSeconds, times, n);
    }

    public FaultRule withBody(String b) {
        return new FaultRule(method, pathRegex, kind, status, b, delayMillis, retryAfterSeconds, times, skip);
    }

    public FaultRule withDelayMillis(long ms) {
        return new FaultRule(method, pathRegex, kind, status, body, ms, retryAfterSeconds, times, skip);
    }

    /** "Fail the Nth call": let n-1 calls through, then fault once. */
    public FaultRule onlyCall(int n) {
        return withSkip(n - 1).withTimes(1);
    }

    boolean matches(String reqMethod, String path) {
        return ("*".equals(method) || method.equalsIgnoreCase(reqMethod)) && path.matches(pathRegex);
    }
}
