package com.claromentis.keycloak.outbox;

import org.jboss.logging.Logger;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts of this node's outbox work since start. Keycloak's {@code /metrics} shows them (as
 * {@code claromentis_outbox_queued_total} and so on) when metrics are enabled and Micrometer is on the class path;
 * the admin endpoint shows them always.
 */
final class OutboxMetrics implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(OutboxMetrics.class);

    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong dead = new AtomicLong();
    private final AutoCloseable registration;

    private OutboxMetrics(boolean publish) {
        this.registration = publish ? MicrometerMeters.register(this) : () -> { };
    }

    /** Publishes to Micrometer's global registry when the class is there; otherwise counts locally only. */
    static OutboxMetrics create() {
        return new OutboxMetrics(micrometerPresent());
    }

    void queued(long count) { queued.addAndGet(count); }
    void delivered() { delivered.incrementAndGet(); }
    void retried() { retried.incrementAndGet(); }
    void dead() { dead.incrementAndGet(); }

    AtomicLong queuedCounter() { return queued; }
    AtomicLong deliveredCounter() { return delivered; }
    AtomicLong retriedCounter() { return retried; }
    AtomicLong deadCounter() { return dead; }

    Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("queued", queued.get());
        out.put("delivered", delivered.get());
        out.put("retried", retried.get());
        out.put("dead", dead.get());
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

    private static boolean micrometerPresent() {
        try {
            Class.forName("io.micrometer.core.instrument.Metrics", false, OutboxMetrics.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            LOG.debugf("Micrometer is not available (%s); outbox counters are not published", e.toString());
            return false;
        }
    }
}
