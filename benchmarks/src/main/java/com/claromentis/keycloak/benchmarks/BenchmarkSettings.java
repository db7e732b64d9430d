package com.claromentis.keycloak.benchmarks;

/**
 * What one People API sync benchmark run measures, from {@code -Dbench.*} system properties so the launcher script
 * can pass them through unchanged. The defaults are the benchmark: 10,000 users, 20 groups of 500, 20 warm
 * sign-ins. Paths and stack sampling are common to every benchmark: see {@link BenchmarkRun}.
 */
record BenchmarkSettings(
        int users,
        int groups,
        int groupSize,
        int roles,
        int roleSize,
        int rawRuns,
        int logins,
        int syncTimeoutMinutes) {

    BenchmarkSettings {
        Knobs.require(users, 1, 200_000, "bench.users");
        Knobs.require(groups, 0, 1_000, "bench.groups");
        Knobs.require(roles, 0, 1_000, "bench.roles");
        Knobs.require(rawRuns, 1, 21, "bench.rawRuns");
        Knobs.require(logins, 1, 1_000, "bench.logins");
        Knobs.require(syncTimeoutMinutes, 1, 240, "bench.syncTimeoutMinutes");
        // Members are laid out by stride over the user ids, which only stays duplicate-free while they fit.
        Knobs.require(groupSize, 0, groups == 0 ? 0 : users / groups, "bench.groupSize");
        Knobs.require(roleSize, 0, roles == 0 ? 0 : users / roles, "bench.roleSize");
    }

    static BenchmarkSettings fromSystemProperties() {
        return new BenchmarkSettings(
                Integer.getInteger("bench.users", 10_000),
                Integer.getInteger("bench.groups", 20),
                Integer.getInteger("bench.groupSize", 500),
                Integer.getInteger("bench.roles", 5),
                Integer.getInteger("bench.roleSize", 1_000),
                Integer.getInteger("bench.rawRuns", 3),
                Integer.getInteger("bench.logins", 20),
                Integer.getInteger("bench.syncTimeoutMinutes", 60));
    }
}
