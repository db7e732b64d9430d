package com.claromentis.keycloak.outbox;

import com.claromentis.keycloak.peopleapi.error.BadRequestException;
import com.claromentis.keycloak.peopleapi.error.ConflictException;
import com.claromentis.keycloak.peopleapi.error.RateLimitedException;
import com.claromentis.keycloak.peopleapi.error.UnavailableException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Retry schedule of failed deliveries")
class RetryScheduleTest {

    private static final OutboxSettings SETTINGS = OutboxSettings.of(Map.of(
            OutboxSettings.BACKOFF_BASE, "1s", OutboxSettings.BACKOFF_MAX, "60s",
            OutboxSettings.MAX_ATTEMPTS, "8", OutboxSettings.MAX_AGE, "1h"));

    @Test
    @DisplayName("the wait doubles after each failure and stops growing at the cap")
    void exponentialWithCap() {
        RetrySchedule upper = new RetrySchedule(SETTINGS, () -> 1.0);

        assertThat(upper.delay(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(upper.delay(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(upper.delay(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(upper.delay(7)).isEqualTo(Duration.ofSeconds(60));
        assertThat(upper.delay(1000)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    @DisplayName("jitter takes at most half of the wait away, so waits still grow")
    void jitterKeepsHalf() {
        RetrySchedule lower = new RetrySchedule(SETTINGS, () -> 0.0);

        assertThat(lower.delay(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(lower.delay(3)).isEqualTo(Duration.ofSeconds(2));
        assertThat(lower.delay(50)).isEqualTo(Duration.ofSeconds(30));
        assertThat(new RetrySchedule(SETTINGS, () -> 0.5).delay(2)).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    @DisplayName("a transient failure is retried at now plus the wait")
    void retriesTransient() {
        RetrySchedule.Decision decision = new RetrySchedule(SETTINGS, () -> 1.0).afterFailure(2, 0, 10_000, false);

        assertThat(decision.dead()).isFalse();
        assertThat(decision.nextAttemptAt()).isEqualTo(12_000);
    }

    @Test
    @DisplayName("the last allowed attempt makes a dead letter")
    void deadAfterMaxAttempts() {
        RetrySchedule schedule = new RetrySchedule(SETTINGS, () -> 1.0);

        assertThat(schedule.afterFailure(7, 0, 1000, false).dead()).isFalse();
        RetrySchedule.Decision last = schedule.afterFailure(8, 0, 1000, false);
        assertThat(last.dead()).isTrue();
        assertThat(last.reason()).contains("8 times");
    }

    @Test
    @DisplayName("a change whose next attempt would pass the maximum age is given up at once")
    void deadAfterMaxAge() {
        RetrySchedule schedule = new RetrySchedule(SETTINGS, () -> 1.0);
        long queuedAt = 1_000_000;

        assertThat(schedule.afterFailure(1, queuedAt, queuedAt + 3_598_000, false).dead()).isFalse();
        RetrySchedule.Decision late = schedule.afterFailure(1, queuedAt, queuedAt + 3_599_500, false);
        assertThat(late.dead()).isTrue();
        assertThat(late.reason()).contains("older than");
    }

    @Test
    @DisplayName("a maximum age of 0 means no age limit")
    void noAgeLimit() {
        OutboxSettings unlimited = OutboxSettings.of(Map.of(OutboxSettings.MAX_AGE, "0", OutboxSettings.MAX_ATTEMPTS, "1000"));

        assertThat(new RetrySchedule(unlimited, () -> 1.0).afterFailure(3, 0, Long.MAX_VALUE / 4, false).dead()).isFalse();
    }

    @Test
    @DisplayName("a change Claromentis refuses (400) is a dead letter after one attempt")
    void permanentIsDeadAtOnce() {
        RetrySchedule.Decision decision = new RetrySchedule(SETTINGS, () -> 1.0).afterFailure(1, 0, 5, true);

        assertThat(decision.dead()).isTrue();
        assertThat(decision.reason()).contains("refused");
    }

    @Test
    @DisplayName("only a refusal of the data itself (400, 422) is permanent; a 409 (username taken meanwhile) is tried"
            + " again, when delivery looks again and links or reports the clash")
    void whatIsPermanent() {
        assertThat(RetrySchedule.isPermanent(new BadRequestException("bad", 400, null, null))).isTrue();
        assertThat(RetrySchedule.isPermanent(new BadRequestException("bad", 422, null, null))).isTrue();
        assertThat(RetrySchedule.isPermanent(new ConflictException("taken", 409, null, null))).isFalse();
        assertThat(RetrySchedule.isPermanent(new RateLimitedException("slow down", null, Duration.ofSeconds(1)))).isFalse();
        assertThat(RetrySchedule.isPermanent(new UnavailableException("down", 503, null, null))).isFalse();
    }
}
