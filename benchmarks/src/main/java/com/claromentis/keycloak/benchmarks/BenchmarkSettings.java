package com.claromentis.keycloak.benchmarks;

import java.nio.file.Path;

/**
 * What one benchmark run measures, from {@code -Dbench.*} system properties so the launcher script can pass them
 * through unchanged. The defaults are the benchmark: 10,000 users, 20 groups of 500, 20 warm sign-ins.
 */
record BenchmarkSettings(
        Path artifacts,
        Path workDir,
        Path resultsDir,
        int users,
        int groups,
        int groupSize,
        int roles,
        int roleSize,
        int rawRuns,
        int logins,
        int stackSamples,
        int syncTimeoutMinutes) {

    BenchmarkSettings {
        require(users, 1, 200_000, "bench.users");
        require(groups, 0, 1_000, "bench.groups");
        require(roles, 0, 1_000, "bench.roles");
        require(rawRuns, 1, 21, "bench.rawRuns");
        require(logins, 1, 1_000, "bench.logins");
        require(stackSamples, 0, 200, "bench.stackSamples");
        require(syncTimeoutMinutes, 1, 240, "bench.syncTimeoutMinutes");
        // Members are laid out by stride over the user ids, which only stays duplicate-free while they fit.
        require(groupSize, 0, groups == 0 ? 0 : users / groups, "bench.groupSize");
        require(roleSize, 0, roles == 0 ? 0 : users / roles, "bench.roleSize");
    }

    static BenchmarkSettings fromSystemProperties() {
        return new BenchmarkSettings(
                Path.of(System.getProperty("bench.properties", "benchmarks/target/benchmark.properties")),
                Path.of(System.getProperty("bench.work.dir", "benchmarks/target/work")),
                Path.of(System.getProperty("bench.results.dir", "benchmarks/target")),
                Integer.getInteger("bench.users", 10_000),
                Integer.getInteger("bench.groups", 20),
                Integer.getInteger("bench.groupSize", 500),
                Integer.getInteger("bench.roles", 5),
                Integer.getInteger("bench.roleSize", 1_000),
                Integer.getInteger("bench.rawRuns", 3),
                Integer.getInteger("bench.logins", 20),
                Integer.getInteger("bench.stackSamples", 0),
                Integer.getInteger("bench.syncTimeoutMinutes", 60));
    }

    private static void require(int value, int min, int max, String name) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", was " + value);
        }
    }
}
