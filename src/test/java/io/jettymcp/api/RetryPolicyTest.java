package io.jettymcp.api;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTest {

    private static final RetryPolicy P = RetryPolicy.DEFAULT; // 3 attempts, 300 ms base, 5 s max delay, 20 s total
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    private static String httpDate(Instant t) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(t.atOffset(ZoneOffset.UTC));
    }

    private static Duration delay(String retryAfter) {
        return P.delay(1, retryAfter, 0, () -> 0.5, NOW);
    }

    @Test
    void retryAfterInSecondsIsHonoured() {
        assertThat(delay("2")).isEqualTo(Duration.ofSeconds(2));
        assertThat(delay(" 0 ")).isEqualTo(Duration.ZERO);
        assertThat(delay("-3")).isEqualTo(Duration.ZERO);
    }

    @Test
    void retryAfterAsAnHttpDateIsHonoured() {
        assertThat(httpDate(NOW.plusSeconds(3))).isEqualTo("Tue, 24 Nov 2026 10:00:03 GMT");
        assertThat(delay("Tue, 24 Nov 2026 10:00:03 GMT")).isEqualTo(Duration.ofSeconds(3));
        assertThat(delay(httpDate(NOW.plusSeconds(12)))).isEqualTo(Duration.ofSeconds(12));
        // a date already past means "retry now"
        assertThat(delay(httpDate(NOW.minusSeconds(30)))).isEqualTo(Duration.ZERO);
    }

    @Test
    void aRetryAfterDateIsBoundedLikeSeconds() {
        // more than 4 x the 5 s max delay, or past the 20 s total: stop and report instead of waiting
        assertThat(delay(httpDate(NOW.plusSeconds(21)))).isNull();
        assertThat(delay("21")).isNull();
        assertThat(P.delay(1, httpDate(NOW.plusSeconds(10)), 15_000, () -> 0.5, NOW)).isNull();
        assertThat(delay(httpDate(NOW.plusSeconds(3600 * 24 * 365)))).isNull();
        assertThat(delay("9223372036854775807")).as("no overflow into a negative wait").isNull();
    }

    @Test
    void anUnreadableRetryAfterFallsBackToBackoff() {
        Duration backoff = delay(null);
        assertThat(backoff).isEqualTo(Duration.ofMillis(225)); // 300 ms x (0.5 + 0.5 / 2)
        assertThat(delay("soon")).isEqualTo(backoff);
        assertThat(delay("1.5")).isEqualTo(backoff);
        assertThat(delay("")).isEqualTo(backoff);
        assertThat(delay("2026-11-24T10:00:03Z")).as("ISO dates are not HTTP-dates").isEqualTo(backoff);
    }

    @Test
    void attemptsAreBounded() {
        assertThat(P.delay(3, "1", 0, () -> 0.5, NOW)).isNull();
        assertThat(RetryPolicy.NONE.delay(1, "1", 0, () -> 0.5, NOW)).isNull();
    }
}
