package com.claromentis.keycloak.benchmarks;

/** What one sign-in benchmark run measures, from {@code -Dbench.*} system properties. */
record SignInSettings(int signIns, int signInBlock, int warmUpSignIns) {

    SignInSettings {
        Knobs.require(signIns, 1, 10_000, "bench.signIns");
        // Whole blocks only, so both sides get exactly signIns timed sign-ins.
        Knobs.require(signInBlock, 1, signIns, "bench.signInBlock");
        if (signIns % signInBlock != 0) {
            throw new IllegalArgumentException("bench.signIns (" + signIns + ") must be a multiple of bench.signInBlock ("
                    + signInBlock + ")");
        }
        Knobs.require(warmUpSignIns, 1, 1_000, "bench.warmUpSignIns");
    }

    static SignInSettings fromSystemProperties() {
        return new SignInSettings(
                Integer.getInteger("bench.signIns", 200),
                Integer.getInteger("bench.signInBlock", 20),
                Integer.getInteger("bench.warmUpSignIns", 20));
    }
}
