package com.claromentis.keycloak.benchmarks;

/**
 * The {@code -Dbench.*} knobs every benchmark reads, with bounds: a typo or an absurd value stops the run at once
 * instead of measuring something else for ten minutes.
 */
final class Knobs {

    /** {@code bench.database}: a fresh PostgreSQL started for the run, as in production. */
    static final String POSTGRES = "postgres";
    /** {@code bench.database}: Keycloak's own H2 file database, as in development. */
    static final String DEV_FILE = "dev-file";

    private Knobs() {
    }

    static void requireDatabase(String value) {
        if (!POSTGRES.equals(value) && !DEV_FILE.equals(value)) {
            throw new IllegalArgumentException("bench.database must be " + POSTGRES + " or " + DEV_FILE + ", not " + value);
        }
    }

    static int integer(String name, int fallback, int min, int max) {
        int value = Integer.getInteger(name, fallback);
        require(value, min, max, name);
        return value;
    }

    static void require(int value, int min, int max, String name) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", was " + value);
        }
    }
}
