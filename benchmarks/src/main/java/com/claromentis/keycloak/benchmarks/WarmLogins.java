package com.claromentis.keycloak.benchmarks;

import com.claromentis.keycloak.sandbox.SandboxServer;
import com.claromentis.keycloak.testing.SignInResult;
import com.claromentis.keycloak.testing.TestRealm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Repeated sign-ins of one imported user whose copy is fresh: the People API should hear nothing of them.
 */
final class WarmLogins {

    private static final String PASSWORD = "Bench-Pass-2026!";

    private WarmLogins() {
    }

    /** Sandbox requests during the timed sign-ins, and how long each took. */
    record Outcome(int logins, long peopleApiCalls, double firstMillis, List<Double> millis) {
        double callsPerLogin() {
            return (double) peopleApiCalls / logins;
        }

        double medianMillis() {
            return Stats.median(millis);
        }
    }

    static Outcome measure(TestRealm realm, SandboxServer sandbox, String username, int logins) {
        String userId = realm.findUser(username)
                .orElseThrow(() -> new IllegalStateException(username + " was not imported"))
                .getId();
        realm.admin().put(realm.adminPath() + "/users/" + userId + "/reset-password",
                Map.of("type", "password", "value", PASSWORD, "temporary", false));
        // The first sign-in pays for the theme, the client and the JIT; only what follows is measured.
        long start = System.nanoTime();
        signIn(realm, username);
        double firstMillis = (System.nanoTime() - start) / 1e6;

        long before = SandboxDirectory.totalRequests(sandbox);
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < logins; i++) {
            start = System.nanoTime();
            signIn(realm, username);
            millis.add((System.nanoTime() - start) / 1e6);
        }
        return new Outcome(logins, SandboxDirectory.totalRequests(sandbox) - before, firstMillis, millis);
    }

    /** A new client each time: a kept SSO cookie would skip the password check this is meant to exercise. */
    private static void signIn(TestRealm realm, String username) {
        SignInResult result = realm.loginClient().login(username, PASSWORD);
        if (!result.succeeded()) {
            throw new IllegalStateException("Sign-in of " + username + " failed: " + result.error());
        }
    }
}
