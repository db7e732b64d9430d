package com.claromentis.keycloak.benchmarks;

import com.claromentis.keycloak.sandbox.SandboxServer;
import com.claromentis.keycloak.testing.KeycloakServer;
import com.claromentis.keycloak.testing.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import org.keycloak.representations.idm.RealmRepresentation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A realm set up for provisioning as an administrator would (event-listeners/README.md): a disabled
 * {@code claromentis-people-api} component as the connection to the sandbox, and the {@code claromentis-provisioning}
 * event listener on or off. Also reads the realm's outbox summary, which is how the benchmark sees delivery progress.
 */
final class ProvisioningRealm {

    static final String LISTENER = "claromentis-provisioning";
    private static final String OUTBOX = "/claromentis-outbox";
    private static final Duration POLL = Duration.ofMillis(200);

    private final TestRealm realm;

    private ProvisioningRealm(TestRealm realm) {
        this.realm = realm;
    }

    /** A new realm {@code name} with the connection; the listener only when {@code provisioning}. */
    static ProvisioningRealm create(KeycloakServer keycloak, SandboxServer sandbox, String name, boolean provisioning) {
        TestRealm realm = TestRealm.create(keycloak, name);
        // Disabled: a connection only, so no HR import competes with what is measured.
        realm.addComponent(SandboxDirectory.component(realm, sandbox, "claromentis", false));
        ProvisioningRealm created = new ProvisioningRealm(realm);
        if (provisioning) {
            created.listenerOn();
        }
        return created;
    }

    TestRealm realm() {
        return realm;
    }

    String name() {
        return realm.name();
    }

    /** {@code enabled}, {@code pending}, {@code dead} and this node's counters, as the admin endpoint gives them. */
    JsonNode summary() {
        return realm.admin().get(realm.adminPath() + OUTBOX);
    }

    long pending() {
        return summary().path("pending").asLong();
    }

    /** The server-wide counter {@code name} (queued, delivered, retried, dead) of this Keycloak node. */
    long nodeCounter(String name) {
        return summary().path("node").path(name).asLong();
    }

    /** Waits, polling the summary, until nothing is pending (delivered or dead); fails after {@code timeout}. */
    void awaitDrained(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pending() > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Realm " + name() + " still has " + pending()
                        + " pending provisioning changes after " + timeout + ": " + summary());
            }
            pause(POLL);
        }
    }

    private void listenerOn() {
        switchOn(realm);
    }

    /** Adds the provisioning listener to {@code realm}'s event listeners and checks that provisioning is on. */
    static void switchOn(TestRealm realm) {
        RealmRepresentation current = realm.representation();
        List<String> listeners = new ArrayList<>(current.getEventsListeners() == null
                ? List.of() : current.getEventsListeners());
        listeners.add(LISTENER);
        RealmRepresentation update = new RealmRepresentation();
        update.setRealm(realm.name());
        update.setEventsListeners(listeners);
        realm.update(update);
        JsonNode summary = realm.admin().get(realm.adminPath() + OUTBOX);
        if (!summary.path("enabled").asBoolean()) {
            throw new IllegalStateException("Provisioning did not switch on in realm " + realm.name() + ": " + summary);
        }
    }

    static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting", e);
        }
    }
}
