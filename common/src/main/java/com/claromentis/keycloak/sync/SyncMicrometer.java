package com.claromentis.keycloak.sync;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Metrics;

import java.util.concurrent.atomic.AtomicLong;

/** The Micrometer side of {@link SyncMetrics}, in a class of its own so nothing loads Micrometer unless present. */
final class SyncMicrometer {

    private SyncMicrometer() {
    }

    static void register(String name, String description, String[] tags, AtomicLong value) {
        FunctionCounter.builder(name, value, AtomicLong::doubleValue)
                .description(description)
                .tags(tags)
                .register(Metrics.globalRegistry);
    }
}
