package com.claromentis.keycloak.peopleapi;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter (delay drawn uniformly from 0..min(maxDelay, baseDelay * 2^(n-1))), for
 * 429/502/503/504 and connection failures, and only for idempotent methods. A server's {@code Retry-After} wins
 * over the computed delay but is capped at {@code maxDelay}, so a hostile or confused server cannot park a
 * Keycloak worker thread for an hour.
 */
public final class RetryPolicy {

    private static final Set<Integer> RETRYABLE_STATUSES = Set.of(429, 502, 503, 504);
    private static final Set<String> IDEMPOTENT_METHODS = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS");
    /** Seconds beyond this are treated as this; keeps arithmetic far from overflow. */
    private static final long MAX_RETRY_AFTER_SECONDS = 86_400;

    private final int maxAttempts;
    private final Duration baseDelay;
    private final Duration maxDelay;

    private RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {
        this.maxAttempts = maxAttempts;
        this.baseDelay = baseDelay;
        this.maxDelay = maxDelay;
    }

    /**
     * @param maxAttempts total attempts including the first, 1..20
     * @param baseDelay   upper bound of the first backoff
     * @param maxDelay    upper bound of any single wait, including Retry-After
     */
    public static RetryPolicy of(int maxAttempts, Duration baseDelay, Duration maxDelay) {
        if (maxAttempts < 1 || maxAttempts > 20) {
            throw new IllegalArgumentException("maxAttempts must be 1..20, was " + maxAttempts);
        }
        Objects.requireNonNull(baseDelay, "baseDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (baseDelay.isNegative() || maxDelay.isNegative() || maxDelay.compareTo(baseDelay) < 0) {
            throw new IllegalArgumentException("need 0 <= baseDelay <= maxDelay");
        }
        if (maxDelay.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("maxDelay above 5 minutes would stall Keycloak worker threads");
        }
        return new RetryPolicy(maxAttempts, baseDelay, maxDelay);
    }

    /** 4 attempts, 200 ms base, 10 s cap. */
    public static RetryPolicy defaults() {
        return of(4, Duration.ofMillis(200), Duration.ofSeconds(10));
    }

    /** A single attempt. */
    public static RetryPolicy none() {
        return of(1, Duration.ZERO, Duration.ZERO);
    }

    public int maxAttempts() { return maxAttempts; }
    public Duration baseDelay() { return baseDelay; }
    public Duration maxDelay() { return maxDelay; }

    public boolean isRetryableStatus(int status) {
        return RETRYABLE_STATUSES.contains(status);
    }

    /** Only these may be re-sent blindly; a POST might have been applied already. */
    public static boolean isIdempotent(String method) {
        return IDEMPOTENT_METHODS.contains(method.toUpperCase(Locale.ROOT));
    }

    /**
     * The wait before retry number {@code retry} (1 = the first retry).
     *
     * @param random values in [0, 1); out-of-range values are clamped
     */
    public Duration backoff(int retry, DoubleSupplier random) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry counts from 1");
        }
        long base = baseDelay.toMillis();
        long cap = maxDelay.toMillis();
        // Shift at most 30 so the exponent cannot overflow before the cap applies.
        long ceiling = Math.min(cap, base << Math.min(retry - 1, 30));
        if (ceiling < 0) {
            ceiling = cap;
        }
        double r = Math.max(0.0, Math.min(1.0, random.getAsDouble()));
        return Duration.ofMillis((long) Math.floor(ceiling * r));
    }

    /** The wait before a retry: the server's Retry-After (capped) when given, else {@link #backoff}. */
    public Duration delay(int retry, Optional<Duration> retryAfter, DoubleSupplier random) {
        return retryAfter.map(d -> d.compareTo(maxDelay) > 0 ? maxDelay : d).orElseGet(() -> backoff(retry, random));
    }

    /**
     * Parses {@code Retry-After}: delta-seconds or an HTTP-date (RFC 9110 10.2.3). Garbage, negative numbers and
     * absent headers give empty; dates in the past give zero.
     */
    public static Optional<Duration> parseRetryAfter(String header, Instant now) {
        if (header == null) {
            return Optional.empty();
        }
        String value = header.trim();
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            if (value.length() > 12) {
                return Optional.of(Duration.ofSeconds(MAX_RETRY_AFTER_SECONDS));
            }
            return Optional.of(Duration.ofSeconds(Math.min(Long.parseLong(value), MAX_RETRY_AFTER_SECONDS)));
        }
        try {
            Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            if (wait.isNegative()) {
                return Optional.of(Duration.ZERO);
            }
            return Optional.of(wait.compareTo(Duration.ofSeconds(MAX_RETRY_AFTER_SECONDS)) > 0
                    ? Duration.ofSeconds(MAX_RETRY_AFTER_SECONDS) : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "RetryPolicy{maxAttempts=" + maxAttempts + ", baseDelay=" + baseDelay + ", maxDelay=" + maxDelay + '}';
    }
}
