package com.claromentis.keycloak.benchmarks;

/**
 * The {@code -Dbench.*} knobs every benchmark reads, with bounds: a typo or an absurd value stops the run at once
 * instead of measuring something else for ten minutes.
 */
final class Knobs {

    private Knobs() {
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
