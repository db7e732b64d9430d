package com.claromentis.keycloak.sandbox;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fault injection switches, applied to {@code /api/...} requests only (the token and admin endpoints stay
 * healthy, so a test can break the API without also breaking its own set-up). Thread-safe.
 */
public final class Faults {

    /** How a full outage looks to a client. */
    public enum Outage {
        NONE, STATUS_503, CLOSE_CONNECTION;

        static Outage parse(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "none", "off", "false" -> NONE;
                case "503" -> STATUS_503;
                case "close" -> CLOSE_CONNECTION;
                default -> throw ApiError.badRequest("outage must be none, 503 or close");
            };
        }
    }

    private volatile long latencyMillis;
    private volatile double errorRate;
    private volatile int errorStatus = 503;
    private final AtomicInteger rateLimitRemaining = new AtomicInteger();
    private volatile int retryAfterSeconds = 1;
    /** System.nanoTime() until which every API request gets 429; 0 for none. */
    private volatile long rateLimitUntilNanos;
    private volatile Outage outage = Outage.NONE;
    private volatile int trickleChunkBytes;
    private volatile long trickleDelayMillis;
    private final AtomicInteger truncateRemaining = new AtomicInteger();
    private volatile boolean idOnlyMembers;
    /** Status (4xx) every write to {@code /users} is refused with, or 0. */
    private volatile int refuseUserWrites;
    /** Delay before answering a write to {@code /users}, on top of {@link #latency}. */
    private volatile long userWriteLatencyMillis;

    /** Delay before each API answer. */
    public Faults latency(long millis) {
        this.latencyMillis = bounded(millis, 0, 60_000, "latency_ms");
        return this;
    }

    /** Share (0..1) of API requests answered with {@code status} (a 5xx). */
    public Faults errorRate(double share, int status) {
        if (!(share >= 0 && share <= 1)) {
            throw ApiError.badRequest("error_rate must be within 0..1");
        }
        this.errorStatus = (int) bounded(status, 500, 599, "error_status");
        this.errorRate = share;
        return this;
    }

    /** The next {@code count} API requests get 429 with {@code Retry-After: seconds}. */
    public Faults rateLimitNext(int count, int seconds) {
        this.retryAfterSeconds = (int) bounded(seconds, 0, 3600, "retry_after_seconds");
        this.rateLimitRemaining.set((int) bounded(count, 0, 1_000_000, "rate_limit_next"));
        return this;
    }

    /** Every API request in the next {@code millis} gets 429 with {@code Retry-After: seconds}. */
    public Faults rateLimitFor(long millis, int seconds) {
        this.retryAfterSeconds = (int) bounded(seconds, 0, 3600, "retry_after_seconds");
        this.rateLimitUntilNanos = System.nanoTime() + bounded(millis, 0, 3_600_000, "rate_limit_ms") * 1_000_000;
        return this;
    }

    public Faults outage(Outage value) {
        this.outage = value;
        return this;
    }

    /** Send bodies {@code chunkBytes} at a time with {@code delayMillis} between chunks; 0 bytes turns it off. */
    public Faults trickle(int chunkBytes, long delayMillis) {
        this.trickleDelayMillis = bounded(delayMillis, 0, 10_000, "trickle_delay_ms");
        this.trickleChunkBytes = (int) bounded(chunkBytes, 0, 65_536, "trickle_chunk_bytes");
        return this;
    }

    /** The next {@code count} API responses carry only the first half of their JSON body. */
    public Faults truncateNext(int count) {
        this.truncateRemaining.set((int) bounded(count, 0, 1_000_000, "truncate_next"));
        return this;
    }

    /**
     * How {@code GET /groups|roles/{id}/users} lists members: whole user objects (false, the default) or
     * {@code {"id": 42}} items (true), the two shapes People API servers are seen to send.
     */
    public Faults idOnlyMembers(boolean value) {
        this.idOnlyMembers = value;
        return this;
    }

    boolean idOnlyMembers() { return idOnlyMembers; }

    /**
     * Refuses every create, update and delete of a user ({@code POST /users}, {@code PUT|DELETE /users/{id}}) with
     * {@code status} (a 4xx) and a {@code {code, error}} body, as Claromentis refuses data it will not take; reads
     * stay healthy. 0 turns it off.
     */
    public Faults refuseUserWrites(int status) {
        this.refuseUserWrites = status == 0 ? 0 : (int) bounded(status, 400, 499, "refuse_user_writes");
        return this;
    }

    int refuseUserWrites() { return refuseUserWrites; }

    /**
     * Delays every create, update and delete of a user by {@code millis} while reads answer at once, as a
     * Claromentis busy with writes does: a change stays in flight long enough to be observed. 0 turns it off.
     */
    public Faults userWriteLatency(long millis) {
        this.userWriteLatencyMillis = bounded(millis, 0, 60_000, "user_write_latency_ms");
        return this;
    }

    long userWriteLatencyMillis() { return userWriteLatencyMillis; }

    public void reset() {
        refuseUserWrites = 0;
        userWriteLatencyMillis = 0;
        latencyMillis = 0;
        errorRate = 0;
        errorStatus = 503;
        rateLimitRemaining.set(0);
        rateLimitUntilNanos = 0;
        retryAfterSeconds = 1;
        outage = Outage.NONE;
        trickleChunkBytes = 0;
        trickleDelayMillis = 0;
        truncateRemaining.set(0);
        idOnlyMembers = false;
    }

    long latencyMillis() { return latencyMillis; }
    Outage outage() { return outage; }
    int retryAfterSeconds() { return retryAfterSeconds; }
    int errorStatus() { return errorStatus; }
    int trickleChunkBytes() { return trickleChunkBytes; }
    long trickleDelayMillis() { return trickleDelayMillis; }

    boolean takeRateLimit() {
        long until = rateLimitUntilNanos;
        return (until != 0 && System.nanoTime() - until < 0) || takeOne(rateLimitRemaining);
    }

    boolean takeTruncate() {
        return takeOne(truncateRemaining);
    }

    boolean rollError() {
        double share = errorRate;
        return share > 0 && ThreadLocalRandom.current().nextDouble() < share;
    }

    /** Applies admin settings given as text (query parameters or JSON values); unknown keys are refused. */
    void apply(Map<String, String> settings) {
        Map<String, String> s = new LinkedHashMap<>(settings);
        String errorStatusText = s.remove("error_status");
        String errorRateText = s.remove("error_rate");
        if (errorRateText != null || errorStatusText != null) {
            errorRate(errorRateText == null ? errorRate : parseDouble(errorRateText, "error_rate"),
                    errorStatusText == null ? errorStatus : parseInt(errorStatusText, "error_status"));
        }
        String retryAfter = s.remove("retry_after_seconds");
        String rateLimit = s.remove("rate_limit_next");
        if (rateLimit != null || retryAfter != null) {
            rateLimitNext(rateLimit == null ? rateLimitRemaining.get() : parseInt(rateLimit, "rate_limit_next"),
                    retryAfter == null ? retryAfterSeconds : parseInt(retryAfter, "retry_after_seconds"));
        }
        String chunk = s.remove("trickle_chunk_bytes");
        String delay = s.remove("trickle_delay_ms");
        if (chunk != null || delay != null) {
            trickle(chunk == null ? (trickleChunkBytes == 0 ? 16 : trickleChunkBytes) : parseInt(chunk, "trickle_chunk_bytes"),
                    delay == null ? trickleDelayMillis : parseInt(delay, "trickle_delay_ms"));
        }
        for (Map.Entry<String, String> e : s.entrySet()) {
            switch (e.getKey()) {
                case "latency_ms" -> latency(parseInt(e.getValue(), "latency_ms"));
                case "user_write_latency_ms" -> userWriteLatency(parseInt(e.getValue(), "user_write_latency_ms"));
                case "outage" -> outage(Outage.parse(e.getValue()));
                case "rate_limit_ms" -> rateLimitFor(parseInt(e.getValue(), "rate_limit_ms"), retryAfterSeconds);
                case "truncate_next" -> truncateNext(parseInt(e.getValue(), "truncate_next"));
                case "member_shape" -> idOnlyMembers(switch (e.getValue().trim().toLowerCase(Locale.ROOT)) {
                    case "ids" -> true;
                    case "users" -> false;
                    default -> throw ApiError.badRequest("member_shape must be ids or users");
                });
                default -> throw ApiError.badRequest("Unknown fault setting '" + e.getKey() + "'");
            }
        }
    }

    Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("latency_ms", latencyMillis);
        out.put("user_write_latency_ms", userWriteLatencyMillis);
        out.put("member_shape", idOnlyMembers ? "ids" : "users");
        out.put("error_rate", errorRate);
        out.put("error_status", errorStatus);
        out.put("rate_limit_next", rateLimitRemaining.get());
        out.put("retry_after_seconds", retryAfterSeconds);
        long left = rateLimitUntilNanos == 0 ? 0 : Math.max(0, (rateLimitUntilNanos - System.nanoTime()) / 1_000_000);
        out.put("rate_limit_ms", left);
        out.put("outage", switch (outage) {
            case NONE -> "none";
            case STATUS_503 -> "503";
            case CLOSE_CONNECTION -> "close";
        });
        out.put("trickle_chunk_bytes", trickleChunkBytes);
        out.put("trickle_delay_ms", trickleDelayMillis);
        out.put("truncate_next", truncateRemaining.get());
        return out;
    }

    private static boolean takeOne(AtomicInteger counter) {
        return counter.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    private static long bounded(long value, long min, long max, String name) {
        if (value < min || value > max) {
            throw ApiError.badRequest(name + " must be within " + min + ".." + max);
        }
        return value;
    }

    private static int parseInt(String text, String name) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw ApiError.badRequest(name + " must be an integer");
        }
    }

    private static double parseDouble(String text, String name) {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw ApiError.badRequest(name + " must be a number");
        }
    }
}
