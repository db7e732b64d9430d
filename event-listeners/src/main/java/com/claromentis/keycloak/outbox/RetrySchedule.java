package com.claromentis.keycloak.outbox;

import com.claromentis.keycloak.peopleapi.error.BadRequestException;
import com.claromentis.keycloak.peopleapi.error.PeopleApiException;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * When a failed change is tried again, or that it is given up on. Pure arithmetic, so it is tested without a clock
 * or database.
 */
final class RetrySchedule {

    /** What to do with a change after a failed attempt. */
    record Decision(boolean dead, long nextAttemptAt, String reason) {
    }

    private final OutboxSettings settings;
    private final DoubleSupplier random;

    RetrySchedule(OutboxSettings settings, DoubleSupplier random) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Whether a People API failure makes a dead letter at once: only a refusal of the data itself (400, 422), which
     * the same data would get again. A 409 is not: it means a username was taken between delivery's lookup and its
     * create, and the next attempt looks again and links, or reports the clash as a dead letter of its own.
     */
    static boolean isPermanent(PeopleApiException failure) {
        return failure instanceof BadRequestException;
    }

    /**
     * @param attempts  failed attempts including this one (1 after the first failure)
     * @param queuedAt  when the change was (re)queued, epoch ms
     * @param now       epoch ms
     * @param permanent trying again cannot help ({@link #isPermanent}, or an unlinked username clash)
     */
    Decision afterFailure(int attempts, long queuedAt, long now, boolean permanent) {
        if (permanent) {
            return new Decision(true, now, "refused by Claromentis");
        }
        if (attempts >= settings.maxAttempts()) {
            return new Decision(true, now, "failed " + attempts + " times");
        }
        long next = now + delay(attempts).toMillis();
        Duration maxAge = settings.maxAge();
        // A change whose next attempt would fall after its maximum age is given up now rather than later.
        if (!maxAge.isZero() && next - queuedAt > maxAge.toMillis()) {
            return new Decision(true, now, "older than " + maxAge);
        }
        return new Decision(false, next, null);
    }

    /**
     * Exponential backoff with "equal jitter": half of {@code base * 2^(attempts-1)} (capped) is fixed and half is
     * random, so waits keep growing while nodes that failed together spread out.
     */
    Duration delay(int attempts) {
        long base = settings.backoffBase().toMillis();
        long cap = settings.backoffMax().toMillis();
        int doublings = Math.min(Math.max(attempts - 1, 0), 40);
        long exponential = base > (cap >> doublings) ? cap : Math.min(cap, base << doublings);
        long half = exponential / 2;
        double r = Math.min(Math.max(random.getAsDouble(), 0.0), 1.0);
        return Duration.ofMillis(exponential - half + Math.round(half * r));
    }
}
