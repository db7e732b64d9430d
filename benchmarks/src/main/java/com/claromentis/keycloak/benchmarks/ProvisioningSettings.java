package com.claromentis.keycloak.benchmarks;

import com.claromentis.keycloak.testing.KeycloakServerOptions;

/**
 * What one provisioning benchmark run measures, from {@code -Dbench.*} system properties. The defaults are the
 * issue's benchmark: a backlog of 2,000 changes queued during an outage, 1,000 queued while Claromentis is up, and
 * 200 first sign-ins per mode (off, on, on with Claromentis down); then a backlog of 1,000 delivered from a People
 * API that answers 50 ms late, against a concurrent client with as many connections as the outbox has workers.
 *
 * @param latencyMillis  the People API's added latency for the far-away drain, 0 to leave that part out
 * @param warmUpChanges  an untimed backlog drained first, so the timed drain does not pay for the JIT compiling
 *                       the delivery path (the outage's failed attempts take other paths); 0 leaves it out
 * @param database       {@code postgres} (a fresh PostgreSQL, as in production; the default) or {@code dev-file}
 *                       (Keycloak's H2, as the figures before 2026-12-03 were taken)
 * @param outboxOptions {@code key=value;...} outbox SPI options for the Keycloak under test (e.g. {@code batch-size=50}),
 *                      empty for the product defaults the figures are meant to describe
 */
record ProvisioningSettings(
        int changes,
        int warmUpChanges,
        int liveChanges,
        int creators,
        int baselineUsers,
        int rawRuns,
        int signIns,
        int warmUpSignIns,
        int signInBlock,
        int drainTimeoutMinutes,
        int latencyMillis,
        int latencyChanges,
        String outboxOptions,
        String database) {

    private static final String OUTBOX_OPTION_PREFIX = "spi-events-listener--claromentis-provisioning--";

    ProvisioningSettings {
        Knobs.require(changes, 1, 50_000, "bench.changes");
        Knobs.require(warmUpChanges, 0, 50_000, "bench.warmUpChanges");
        Knobs.require(liveChanges, 0, 50_000, "bench.liveChanges");
        Knobs.require(creators, 1, 16, "bench.creators");
        Knobs.require(baselineUsers, 10, 50_000, "bench.baselineUsers");
        Knobs.require(rawRuns, 1, 21, "bench.rawRuns");
        Knobs.require(signIns, 1, 5_000, "bench.signIns");
        Knobs.require(warmUpSignIns, 0, 1_000, "bench.warmUpSignIns");
        // Whole blocks only, so every mode gets exactly signIns timed sign-ins.
        Knobs.require(signInBlock, 1, signIns, "bench.signInBlock");
        if (signIns % signInBlock != 0) {
            throw new IllegalArgumentException("bench.signIns (" + signIns + ") must be a multiple of bench.signInBlock ("
                    + signInBlock + ")");
        }
        Knobs.require(drainTimeoutMinutes, 1, 240, "bench.drainTimeoutMinutes");
        Knobs.require(latencyMillis, 0, 1_000, "bench.latencyMillis");
        Knobs.require(latencyChanges, 1, 50_000, "bench.latencyChanges");
        Knobs.requireDatabase(database);
    }

    static ProvisioningSettings fromSystemProperties() {
        return new ProvisioningSettings(
                Integer.getInteger("bench.changes", 5_000),
                Integer.getInteger("bench.warmUpChanges", 500),
                Integer.getInteger("bench.liveChanges", 1_000),
                Integer.getInteger("bench.creators", 4),
                Integer.getInteger("bench.baselineUsers", 1_000),
                Integer.getInteger("bench.rawRuns", 3),
                Integer.getInteger("bench.signIns", 200),
                Integer.getInteger("bench.warmUpSignIns", 10),
                Integer.getInteger("bench.signInBlock", 25),
                Integer.getInteger("bench.drainTimeoutMinutes", 20),
                Integer.getInteger("bench.latencyMillis", 50),
                Integer.getInteger("bench.latencyChanges", 1_000),
                System.getProperty("bench.outboxOptions", ""),
                System.getProperty("bench.database", Knobs.POSTGRES));
    }

    /** The Keycloak under test: product defaults plus any {@link #outboxOptions}. */
    KeycloakServerOptions.Builder serverOptions() {
        KeycloakServerOptions.Builder builder = KeycloakServerOptions.builder();
        for (String pair : outboxOptions.split(";")) {
            String trimmed = pair.trim();
            int eq = trimmed.indexOf('=');
            if (trimmed.isEmpty()) {
                continue;
            }
            if (eq <= 0) {
                throw new IllegalArgumentException("bench.outboxOptions: '" + trimmed + "' is not key=value");
            }
            builder.option(OUTBOX_OPTION_PREFIX + trimmed.substring(0, eq).trim(), trimmed.substring(eq + 1).trim());
        }
        return builder;
    }
}
