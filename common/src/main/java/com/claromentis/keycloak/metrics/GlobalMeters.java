package com.claromentis.keycloak.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Metrics;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Registers the bundle's counters in Micrometer's global registry, which Keycloak's Quarkus build feeds into its
 * Prometheus registry (as Keycloak's own event metrics rely on). A class of its own, so nothing loads Micrometer's
 * classes unless {@link Micrometer#present()}. The values are kept in our own atomics: the counts stay readable (admin
 * API, tests) without Micrometer, and nothing on a request's path touches Micrometer.
 */
public final class GlobalMeters {

    private GlobalMeters() {
    }

    /** A counter reading {@code value}; {@code tags} alternate key and value. */
    public static void counter(String name, String description, String[] tags, AtomicLong value) {
        FunctionCounter.builder(name, value, AtomicLong::doubleValue)
                .description(description)
                .tags(tags)
                .register(Metrics.globalRegistry);
    }

    /** A timer (count and total time, no histogram) reading {@code count} and {@code totalNanos}. */
    public static void timer(String name, String description, String[] tags, AtomicLong count, AtomicLong totalNanos) {
        FunctionTimer.builder(name, count, AtomicLong::get, c -> totalNanos.doubleValue(), TimeUnit.NANOSECONDS)
                .description(description)
                .tags(tags)
                .register(Metrics.globalRegistry);
    }
}
