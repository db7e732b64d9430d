package com.claromentis.keycloak.benchmarks;

/**
 * What one import benchmark run measures, from {@code -Dbench.*} system properties. The defaults are the speed
 * issue's: 10,000 people with 20 groups of 500 and 5 roles of 1,000, 100 changed, 1,000 warm-up people, a scale run
 * of 100,000, on PostgreSQL. Group, role and changed counts follow a smaller {@code bench.users} unless given, so
 * {@code -Dbench.users=2000} alone is a valid quick run.
 *
 * @param database {@code postgres} (a fresh PostgreSQL with statement counting) or {@code dev-file} (Keycloak's H2)
 */
record ImportSettings(
        int users,
        int groups,
        int groupSize,
        int roles,
        int roleSize,
        int changed,
        int warmUpUsers,
        int scaleUsers,
        int syncTimeoutMinutes,
        String database) {

    ImportSettings {
        Knobs.require(users, 10, 200_000, "bench.users");
        Knobs.require(groups, 0, 1_000, "bench.groups");
        Knobs.require(roles, 0, 1_000, "bench.roles");
        // Members are laid out by stride over the user ids, which only stays duplicate-free while they fit.
        Knobs.require(groupSize, 0, groups == 0 ? 0 : users / groups, "bench.groupSize");
        Knobs.require(roleSize, 0, roles == 0 ? 0 : users / roles, "bench.roleSize");
        Knobs.require(changed, 1, users, "bench.changed");
        Knobs.require(warmUpUsers, 0, 50_000, "bench.warmUpUsers");
        Knobs.require(scaleUsers, 0, 1_000_000, "bench.scaleUsers");
        Knobs.require(syncTimeoutMinutes, 1, 240, "bench.syncTimeoutMinutes");
        Knobs.requireDatabase(database);
    }

    /** How many times the scale run's company is larger: its groups and roles grow by the same factor. */
    int scaleFactor() {
        return scaleUsers / users;
    }

    static ImportSettings fromSystemProperties() {
        int users = Integer.getInteger("bench.users", 10_000);
        int groups = Integer.getInteger("bench.groups", 20);
        int roles = Integer.getInteger("bench.roles", 5);
        return new ImportSettings(
                users,
                groups,
                Integer.getInteger("bench.groupSize", groups == 0 ? 0 : Math.min(500, users / groups)),
                roles,
                Integer.getInteger("bench.roleSize", roles == 0 ? 0 : Math.min(1_000, users / roles)),
                Integer.getInteger("bench.changed", Math.min(100, users)),
                Integer.getInteger("bench.warmUpUsers", Math.min(1_000, users)),
                Integer.getInteger("bench.scaleUsers", users * 10),
                Integer.getInteger("bench.syncTimeoutMinutes", 60),
                System.getProperty("bench.database", Knobs.POSTGRES));
    }
}
