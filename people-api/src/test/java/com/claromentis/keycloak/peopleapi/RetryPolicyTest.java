package com.claromentis.keycloak.peopleapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RetryPolicy policy = RetryPolicy.of(5, Duration.ofMillis(100), Duration.ofSeconds(2));
    private final Instant now = Instant.parse("2025-03-01T12:00:00Z");

    @Test
    void fullJitterStaysWithinZeroAndTheExponentialCeiling() {
        Random random = new Random(42);
        for (int retry = 1; retry <= 10; retry++) {
            long ceiling = Math.min(2000, 100L << (retry - 1));
            for (int i = 0; i < 200; i++) {
                Duration d = policy.backoff(retry, random::nextDouble);
                assertThat(d.toMillis()).isBetween(0L, ceiling);
            }
        }
        assertThat(policy.backoff(1, () -> 0.0)).isZero();
        assertThat(policy.backoff(3, () -> 0.999_999)).isEqualTo(Duration.ofMillis(399));
    }

    @Test
    void capAppliesEvenForHugeRetryNumbersAndBadRandoms() {
        assertThat(policy.backoff(1000, () -> 0.999_999)).isLessThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(policy.backoff(2, () -> 7.0)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.backoff(2, () -> -1.0)).isZero();
        assertThat(policy.backoff(2, () -> Double.NaN)).isZero();
    }

    @Test
    void retryAfterWinsButIsCapped() {
        assertThat(policy.delay(1, Optional.of(Duration.ofSeconds(1)), () -> 0.0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.delay(1, Optional.of(Duration.ofHours(1)), () -> 0.0)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.delay(1, Optional.empty(), () -> 0.5)).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void parsesRetryAfterSecondsAndDates() {
        assertThat(RetryPolicy.parseRetryAfter("120", now)).hasValue(Duration.ofSeconds(120));
        assertThat(RetryPolicy.parseRetryAfter(" 0 ", now)).hasValue(Duration.ZERO);
        String inTenSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(10).atOffset(ZoneOffset.UTC));
        assertThat(RetryPolicy.parseRetryAfter(inTenSeconds, now)).hasValue(Duration.ofSeconds(10));
        assertThat(RetryPolicy.parseRetryAfter("Sat, 01 Mar 2025 11:00:00 GMT", now)).hasValue(Duration.ZERO);
        assertThat(RetryPolicy.parseRetryAfter("99999999999999999999999", now)).hasValue(Duration.ofDays(1));
    }

    @Test
    void garbageRetryAfterIsIgnored() {
        for (String garbage : new String[] {null, "", "soon", "-5", "1.5", "12s", "Mon, 99 Foo 2025", "0x10"}) {
            assertThat(RetryPolicy.parseRetryAfter(garbage, now)).as(String.valueOf(garbage)).isEmpty();
        }
    }

    @Test
    void onlyIdempotentMethodsAndTransientStatusesAreRetryable() {
        assertThat(RetryPolicy.isIdempotent("GET")).isTrue();
        assertThat(RetryPolicy.isIdempotent("put")).isTrue();
        assertThat(RetryPolicy.isIdempotent("DELETE")).isTrue();
        assertThat(RetryPolicy.isIdempotent("POST")).isFalse();
        assertThat(RetryPolicy.isIdempotent("PATCH")).isFalse();
        assertThat(policy.isRetryableStatus(429)).isTrue();
        assertThat(policy.isRetryableStatus(502)).isTrue();
        assertThat(policy.isRetryableStatus(503)).isTrue();
        assertThat(policy.isRetryableStatus(504)).isTrue();
        assertThat(policy.isRetryableStatus(500)).isFalse();
        assertThat(policy.isRetryableStatus(404)).isFalse();
    }

    @Test
    void refusesNonsenseSettings() {
        assertThatThrownBy(() -> RetryPolicy.of(0, Duration.ZERO, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.of(3, Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.of(3, Duration.ZERO, Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> policy.backoff(0, () -> 0.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
