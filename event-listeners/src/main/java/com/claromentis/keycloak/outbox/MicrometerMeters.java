package com.claromentis.keycloak.outbox;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Micrometer side of {@link OutboxMetrics}, in a class of its own so nothing loads Micrometer's classes unless
 * they are present. Keycloak's Quarkus build adds its Prometheus registry to the global registry, as Keycloak's own
 * event metrics rely on. Counters carry one tag, {@code type} (the change type, seven values); gauges and the
 * latency histogram none: no realm, user or id ever becomes a tag.
 */
final class MicrometerMeters {

    private MicrometerMeters() {
    }

    static AutoCloseable register(OutboxMetrics metrics) {
        List<Meter> meters = new ArrayList<>();
        meters.addAll(counters("claromentis.outbox.queued", "Provisioning changes queued (committed) on this node",
                metrics.queuedCounters()));
        meters.addAll(counters("claromentis.outbox.delivered", "Provisioning changes this node delivered to Claromentis",
                metrics.deliveredCounters()));
        meters.addAll(counters("claromentis.outbox.retried", "Failed deliveries scheduled for another attempt",
                metrics.retriedCounters()));
        meters.addAll(counters("claromentis.outbox.dead", "Provisioning changes that became dead letters",
                metrics.deadCounters()));
        meters.add(Gauge.builder("claromentis.outbox.depth", metrics, OutboxMetrics::depth)
                .description("Provisioning changes waiting for delivery, all realms (the shared table: same on every node)")
                .register(Metrics.globalRegistry));
        meters.add(Gauge.builder("claromentis.outbox.oldest.age", metrics,
                        m -> m.oldestAgeSeconds(System.currentTimeMillis()))
                .description("How long the oldest waiting provisioning change has waited")
                .baseUnit("seconds")
                .register(Metrics.globalRegistry));
        Timer latency = Timer.builder("claromentis.outbox.delivery.latency")
                .description("From queueing a provisioning change to its delivery to Claromentis")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofHours(24))
                .register(Metrics.globalRegistry);
        meters.add(latency);
        metrics.latencyRecorder(millis -> latency.record(millis, TimeUnit.MILLISECONDS));
        return () -> {
            metrics.latencyRecorder(millis -> { });
            meters.forEach(Metrics.globalRegistry::remove);
        };
    }

    private static List<Meter> counters(String name, String description, Map<ChangeType, AtomicLong> values) {
        List<Meter> meters = new ArrayList<>();
        values.forEach((type, value) -> meters.add(FunctionCounter.builder(name, value, AtomicLong::doubleValue)
                .description(description)
                .tag("type", type.name().toLowerCase(Locale.ROOT))
                .register(Metrics.globalRegistry)));
        return meters;
    }
}
