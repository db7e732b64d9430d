package com.claromentis.keycloak.peopleapi;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Waits between retries; injectable so tests record delays instead of sleeping. */
@FunctionalInterface
public interface Sleeper {

    void sleep(Duration duration) throws InterruptedException;

    static Sleeper system() {
        return d -> TimeUnit.NANOSECONDS.sleep(d.toNanos());
    }
}
