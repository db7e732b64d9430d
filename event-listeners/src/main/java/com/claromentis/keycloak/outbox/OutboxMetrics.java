package com.claromentis.keycloak.outbox;

import com.claromentis.keycloak.metrics.Micrometer;
import org.jboss.logging.Logger;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Counts of this node's outbox work since start, per change type, and the outbox's depth and oldest waiting change
 * (the same on every node: read from the shared table). Keycloak's {@code /metrics} shows them when metrics are
 * enabled and Micrometer is on the class path (see {@link MicrometerMeters}); the admin endpoint shows the totals
 * always. The only tag is the change type, a closed set, so the number of series stays fixed.
 */
final class OutboxMetrics implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(OutboxMetrics.class);

    private final Map<ChangeType, AtomicLong> queued = perType();
    private final Map<ChangeType, AtomicLong> delivered = perType();
    private final Map<ChangeType, AtomicLong> retried = perType();
    private final Map<ChangeType, AtomicLong> dead = perType();
    /** Pending changes of every realm, as last counted; -1 until the worker first counted. */
    private final AtomicLong depth = new AtomicLong(-1);
    /** Age (ms) of the oldest pending change as last counted; 0 when none. */
    private final AtomicLong oldestQueuedAt = new AtomicLong();
    private final AutoCloseable registration;
    private volatile LongConsumer latency = millis -> { };

    private OutboxMetrics(boolean publish) {
        this.registration = publish ? MicrometerMeters.register(this) : () -> { };
    }

    /** Publishes to Micrometer's global registry when the class is there; otherwise counts locally only. */
    static OutboxMetrics create() {
        return new OutboxMetrics(Micrometer.present());
    }

    void queued(Map<ChangeType, Integer> counts) {
        counts.forEach((type, count) -> queued.get(type).addAndGet(count));
    }

    /** @param latencyMillis from (re)queueing to delivery */
    void delivered(ChangeType type, long latencyMillis) {
        delivered.get(type).incrementAndGet();
        latency.accept(Math.max(0, latencyMillis));
    }

    void retried(ChangeType type) { retried.get(type).incrementAndGet(); }

    void dead(ChangeType type) { dead.get(type).incrementAndGet(); }

    /** What the worker last counted in the table: pending rows, and when the oldest was (re)queued (0: none). */
    void backlog(long pending, long oldestQueuedAtMillis) {
        depth.set(pending);
        oldestQueuedAt.set(oldestQueuedAtMillis);
    }

    Map<ChangeType, AtomicLong> queuedCounters() { return queued; }
    Map<ChangeType, AtomicLong> deliveredCounters() { return delivered; }
    Map<ChangeType, AtomicLong> retriedCounters() { return retried; }
    Map<ChangeType, AtomicLong> deadCounters() { return dead; }

    /** Pending changes of every realm; NaN before the first count, so a gauge never shows a made-up 0. */
    double depth() {
        long value = depth.get();
        return value < 0 ? Double.NaN : value;
    }

    /** Seconds the oldest pending change has waited, 0 when nothing waits. */
    double oldestAgeSeconds(long nowMillis) {
        long queuedAt = oldestQueuedAt.get();
        return queuedAt <= 0 ? 0 : Math.max(0, nowMillis - queuedAt) / 1000.0;
    }

    void latencyRecorder(LongConsumer recorder) {
        this.latency = recorder;
    }

    Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("queued", total(queued));
        out.put("delivered", total(delivered));
        out.put("retried", total(retried));
        out.put("dead", total(dead));
        return out;
    }

    @Override
    public void close() {
        try {
            registration.close();
        } catch (Exception e) {
            LOG.warnf("Could not remove the outbox meters: %s", e.getMessage());
        }
    }

    private static long total(Map<ChangeType, AtomicLong> counters) {
        return counters.values().stream().mapToLong(AtomicLong::get).sum();
    }

    private static Map<ChangeType, AtomicLong> perType() {
        Map<ChangeType, AtomicLong> map = new EnumMap<>(ChangeType.class);
        for (ChangeType type : ChangeType.values()) {
            map.put(type, new AtomicLong());
        }
        return map;
    }
}
