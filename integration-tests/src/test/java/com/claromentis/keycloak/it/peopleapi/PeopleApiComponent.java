package com.claromentis.keycloak.it.peopleapi;

import com.claromentis.keycloak.sandbox.SandboxServer;
import com.claromentis.keycloak.testing.KeycloakAdminClient;
import com.claromentis.keycloak.testing.PeopleApiFederation;
import com.claromentis.keycloak.testing.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import org.keycloak.representations.idm.ComponentRepresentation;

import java.net.http.HttpResponse;
import java.util.Map;

/** The People API user storage provider as an administrator adds it in the admin console. */
final class PeopleApiComponent {

    static final String API_USER = "keycloak";
    static final String API_PASSWORD = "s3cret-api-password";

    private final PeopleApiFederation federation;

    private PeopleApiComponent(String baseUrl) {
        this.federation = PeopleApiFederation.basic(baseUrl, API_USER, API_PASSWORD);
    }

    static PeopleApiComponent against(SandboxServer sandbox) {
        return new PeopleApiComponent(sandbox.baseUrl());
    }

    PeopleApiComponent with(String key, String value) {
        federation.with(key, value);
        return this;
    }

    PeopleApiComponent named(String value) {
        federation.named(value);
        return this;
    }

    ComponentRepresentation representation(TestRealm realm) {
        return federation.representation(realm.representation().getId());
    }

    /** Saves it and returns its id; fails the test when the admin console would show an error. */
    String add(TestRealm realm) {
        return federation.add(realm.admin(), realm.name());
    }

    /** Saves it and returns the admin API's answer, for refusals. */
    HttpResponse<String> tryAdd(TestRealm realm) {
        return federation.tryAdd(realm.admin(), realm.name());
    }

    static JsonNode fullSync(TestRealm realm, String componentId) {
        return PeopleApiFederation.sync(realm.admin(), realm.name(), componentId, true);
    }

    static JsonNode changedSync(TestRealm realm, String componentId) {
        return PeopleApiFederation.sync(realm.admin(), realm.name(), componentId, false);
    }

    /** Changes one setting of a saved component, as the admin console's Save does (the masked secrets stay). */
    static void update(TestRealm realm, String componentId, String key, String value) {
        ComponentRepresentation component = realm.admin().get(realm.adminPath() + "/components/" + componentId,
                ComponentRepresentation.class);
        component.getConfig().putSingle(key, value);
        realm.admin().put(realm.adminPath() + "/components/" + componentId, component);
    }

    static void setPassword(KeycloakAdminClient admin, TestRealm realm, String userId, String password) {
        admin.put(realm.adminPath() + "/users/" + userId + "/reset-password",
                Map.of("type", "password", "value", password, "temporary", false));
    }
}
