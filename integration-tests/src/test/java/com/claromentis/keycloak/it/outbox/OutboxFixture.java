package com.claromentis.keycloak.it.outbox;

import com.claromentis.keycloak.sandbox.SandboxConfig;
import com.claromentis.keycloak.sandbox.SandboxServer;
import com.claromentis.keycloak.sandbox.SandboxUser;
import com.claromentis.keycloak.testing.PeopleApiFederation;
import com.claromentis.keycloak.testing.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.awaitility.Awaitility.await;

/**
 * A test realm set up for provisioning as an administrator would: a People API sandbox, the realm's
 * {@code claromentis-people-api} component pointing at it (disabled: connection settings only, no HR import), and
 * the {@code claromentis-provisioning} event listener switched on.
 */
public final class OutboxFixture implements AutoCloseable {

    static final String API_USER = "keycloak";
    static final String API_PASSWORD = "outbox-api-password";
    static final String OUTBOX = "/claromentis-outbox";

    public final SandboxServer sandbox;
    final TestRealm realm;

    private OutboxFixture(SandboxServer sandbox, TestRealm realm) {
        this.sandbox = sandbox;
        this.realm = realm;
    }

    public static OutboxFixture provisioning(TestRealm realm) {
        SandboxServer sandbox;
        try {
            sandbox = SandboxServer.start(SandboxConfig.builder().basicCredentials(API_USER, API_PASSWORD).build());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the People API sandbox", e);
        }
        // Stopped with the realm, after the test class: no @AfterAll needed.
        OutboxFixture fixture = realm.closeWith(new OutboxFixture(sandbox, realm));
        fixture.addConnection(false);
        fixture.listener(true);
        return fixture;
    }

    /** Adds the realm's People API component; {@code enabled=false} keeps it a connection only. */
    String addConnection(boolean enabled) {
        return PeopleApiFederation.basic(sandbox.baseUrl(), API_USER, API_PASSWORD)
                .named(enabled ? "claromentis-hr" : "claromentis")
                .with("enabled", Boolean.toString(enabled))
                .add(realm.admin(), realm.name());
    }

    /** Switches the {@code claromentis-provisioning} event listener on or off for the realm. */
    void listener(boolean on) {
        RealmRepresentation representation = realm.representation();
        List<String> listeners = new ArrayList<>(representation.getEventsListeners() == null
                ? List.of() : representation.getEventsListeners());
        listeners.remove("claromentis-provisioning");
        if (on) {
            listeners.add("claromentis-provisioning");
        }
        RealmRepresentation update = new RealmRepresentation();
        update.setRealm(realm.name());
        update.setEventsListeners(listeners);
        realm.update(update);
    }

    String createUser(String username) {
        return realm.createUser(username, "Outbox-Pass-1!", Map.of());
    }

    UserRepresentation user(String id) {
        return realm.admin().get(realm.adminPath() + "/users/" + id, UserRepresentation.class);
    }

    void updateUser(String id, java.util.function.Consumer<UserRepresentation> change) {
        UserRepresentation user = user(id);
        change.accept(user);
        realm.admin().put(realm.adminPath() + "/users/" + id, user);
    }

    public Optional<SandboxUser> inClaromentis(String username) {
        return sandbox.findUserByUsername(username);
    }

    /** The Claromentis user of that username, failing the test with a readable message when there is none. */
    public SandboxUser requireInClaromentis(String username) {
        return inClaromentis(username).orElseThrow(() -> new AssertionError(username + " is not in Claromentis"));
    }

    /** The members of the Claromentis group of that name (none when there is no such group). */
    public java.util.Set<Long> groupMembers(String name) {
        return sandbox.groups().stream().filter(group -> group.name().equals(name)).findFirst()
                .map(com.claromentis.keycloak.sandbox.SandboxGroup::members).orElse(java.util.Set.of());
    }

    /** The members of the Claromentis role of that name (none when there is no such role). */
    public java.util.Set<Long> roleMembers(String name) {
        return sandbox.roles().stream().filter(role -> role.name().equals(name)).findFirst()
                .map(com.claromentis.keycloak.sandbox.SandboxGroup::members).orElse(java.util.Set.of());
    }

    public JsonNode summary() {
        return realm.admin().get(realm.adminPath() + OUTBOX);
    }

    JsonNode deadLetters() {
        return realm.admin().get(realm.adminPath() + OUTBOX + "/dead-letters");
    }

    public long requests(String endpoint) {
        return sandbox.requestCount(endpoint);
    }

    /** Waits until nothing is pending for the realm (delivered or dead). */
    public void awaitDrained(Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(250))
                .until(() -> summary().path("pending").asLong() == 0);
    }

    @Override
    public void close() {
        sandbox.close();
    }
}
