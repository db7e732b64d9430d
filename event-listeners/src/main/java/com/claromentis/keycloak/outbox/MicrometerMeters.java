package com.claromentis.keycloak.outbox;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Metrics;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Micrometer side of {@link OutboxMetrics}, in a class of its own so nothing loads Micrometer's classes unless
 * they are present. Keycloak's Quarkus build adds its Prometheus registry to the global registry, as Keycloak's own
 * event metrics rely on.
 */
final class MicrometerMeters {

    private MicrometerMeters() {
    }

    static AutoCloseable register(OutboxMetrics metrics) {
        List<Meter> meters = List.of(
                counter("claromentis.outbox.queued", "Provisioning changes queued (committed) on this node",
                        metrics.queuedCounter()),
                counter("claromentis.outbox.delivered", "Provisioning changes delivered to Claromentis",
                        metrics.deliveredCounter()),
                counter("claromentis.outbox.retried", "Failed deliveries scheduled for another attempt",
                        metrics.retriedCounter()),
                counter("claromentis.outbox.dead", "Provisioning changes that became dead letters",
                        metrics.deadCounter()));
        return () -> meters.forEach(Metrics.globalRegistry::remove);
    }

    private static Meter counter(String name, String description, AtomicLong value) {
        return FunctionCounter.builder(name, value, AtomicLong::doubleValue)
                .description(description)
                .register(Metrics.globalRegistry);
    }
}
