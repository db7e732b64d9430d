package com.claromentis.keycloak.benchmarks;

/**
 * What one directory-sync benchmark run measures, from {@code -Dbench.*} system properties. The defaults are the
 * issue's benchmark: 10,000 OpenLDAP users (a 10-wide org chart, so 1,000 distinct managers), 20 groups of 500, 100
 * users changed for the changed-users sync, and 1,000 warm-up users synced untimed first.
 *
 * <p>{@code bench.database}: {@code postgres} (a fresh PostgreSQL, as in production and as the import and provisioning
 * benchmarks run; the default) or {@code dev-file} (Keycloak's H2, where a commit costs almost nothing).
 *
 * <p>The group size and the changed count follow a smaller {@code bench.directoryUsers} unless given, so
 * {@code -Dbench.directoryUsers=1000} alone is a valid quick run.
 */
record DirectorySyncSettings(
        int users,
        int groups,
        int groupSize,
        int changed,
        int warmUpUsers,
        int syncTimeoutMinutes,
        int drainTimeoutMinutes,
        String database) {

    DirectorySyncSettings {
        Knobs.require(users, 10, 200_000, "bench.directoryUsers");
        Knobs.require(groups, 0, 1_000, "bench.directoryGroups");
        // Members are laid out by stride over the users, which only stays duplicate-free while they fit.
        Knobs.require(groupSize, groups == 0 ? 0 : 1, groups == 0 ? 0 : users / groups, "bench.directoryGroupSize");
        Knobs.require(changed, 1, users, "bench.directoryChanged");
        Knobs.require(warmUpUsers, 0, 50_000, "bench.directoryWarmUpUsers");
        Knobs.require(syncTimeoutMinutes, 1, 240, "bench.syncTimeoutMinutes");
        Knobs.require(drainTimeoutMinutes, 1, 240, "bench.drainTimeoutMinutes");
        Knobs.requireDatabase(database);
    }

    static DirectorySyncSettings fromSystemProperties() {
        int users = Integer.getInteger("bench.directoryUsers", 10_000);
        int groups = Integer.getInteger("bench.directoryGroups", 20);
        return new DirectorySyncSettings(
                users,
                groups,
                Integer.getInteger("bench.directoryGroupSize", groups == 0 ? 0 : Math.min(500, users / groups)),
                Integer.getInteger("bench.directoryChanged", Math.min(100, users)),
                Integer.getInteger("bench.directoryWarmUpUsers", Math.min(1_000, users)),
                Integer.getInteger("bench.syncTimeoutMinutes", 60),
                Integer.getInteger("bench.drainTimeoutMinutes", 30),
                System.getProperty("bench.database", Knobs.POSTGRES));
    }
}
