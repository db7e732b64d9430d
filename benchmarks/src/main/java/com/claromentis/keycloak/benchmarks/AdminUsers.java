package com.claromentis.keycloak.benchmarks;

import com.claromentis.keycloak.testing.TestRealm;
import org.keycloak.representations.idm.UserRepresentation;

import java.time.Duration;

/**
 * Local users created through the admin REST API, a few requests at a time, as a bulk import script would: each
 * creation is one admin {@code USER CREATE} event, which the provisioning listener turns into one outbox row.
 *
 * <p>No password: hashing one costs more than everything else a creation does and has nothing to do with the outbox.
 */
final class AdminUsers {

    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    private AdminUsers() {
    }

    /** Creates {@code prefix.0} .. {@code prefix.(count-1)} on {@code threads} threads; returns the wall time in ns. */
    static long create(TestRealm realm, String prefix, int count, int threads) {
        return Parallel.forEach(count, threads, TIMEOUT, "Creating " + count + " " + prefix + " users",
                i -> realm.admin().post(realm.adminPath() + "/users", user(prefix + "." + i)));
    }

    private static UserRepresentation user(String username) {
        UserRepresentation user = new UserRepresentation();
        user.setUsername(username);
        user.setEnabled(true);
        user.setEmail(username + "@example.test");
        user.setEmailVerified(true);
        user.setFirstName("Queued");
        user.setLastName(username);
        return user;
    }
}
