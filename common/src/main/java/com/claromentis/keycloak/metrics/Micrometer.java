package com.claromentis.keycloak.metrics;

import org.jboss.logging.Logger;

/** Whether Micrometer is on the class path, as it is in Keycloak's distribution; checked without loading it. */
public final class Micrometer {

    private static final Logger LOG = Logger.getLogger(Micrometer.class);
    private static final boolean PRESENT = detect();

    private Micrometer() {
    }

    public static boolean present() {
        return PRESENT;
    }

    private static boolean detect() {
        try {
            Class.forName("io.micrometer.core.instrument.Metrics", false, Micrometer.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            LOG.debugf("Micrometer is not available (%s); the bundle's counters are not published", e.toString());
            return false;
        }
    }
}
