package com.claromentis.keycloak.it.peopleapi;

import com.claromentis.keycloak.sandbox.SandboxServer;
import com.claromentis.keycloak.testing.KeycloakAdminClient;
import com.claromentis.keycloak.testing.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.representations.idm.ComponentRepresentation;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/** The People API user storage provider as an administrator adds it in the admin console. */
final class PeopleApiComponent {

    static final String API_USER = "keycloak";
    static final String API_PASSWORD = "s3cret-api-password";

    private final Map<String, String> config = new LinkedHashMap<>();
    private String name = "claromentis";

    private PeopleApiComponent(String baseUrl) {
        config.put("baseUrl", baseUrl);
        config.put("authType", "basic");
        config.put("apiUsername", API_USER);
        config.put("apiPassword", API_PASSWORD);
        config.put("enabled", "true");
        config.put("importEnabled", "true");
        config.put("cachePolicy", "DEFAULT");
    }

    static PeopleApiComponent against(SandboxServer sandbox) {
        return new PeopleApiComponent(sandbox.baseUrl());
    }

    PeopleApiComponent with(String key, String value) {
        config.put(key, value);
        return this;
    }

    PeopleApiComponent named(String value) {
        this.name = value;
        return this;
    }

    ComponentRepresentation representation(TestRealm realm) {
        ComponentRepresentation component = new ComponentRepresentation();
        component.setName(name);
        component.setProviderId("claromentis-people-api");
        component.setProviderType("org.keycloak.storage.UserStorageProvider");
        component.setParentId(realm.representation().getId());
        MultivaluedHashMap<String, String> values = new MultivaluedHashMap<>();
        config.forEach(values::putSingle);
        component.setConfig(values);
        return component;
    }

    /** Saves it and returns its id; fails the test when the admin console would show an error. */
    String add(TestRealm realm) {
        return realm.addComponent(representation(realm));
    }

    /** Saves it and returns the admin API's answer, for refusals. */
    HttpResponse<String> tryAdd(TestRealm realm) {
        return realm.admin().exchange("POST", realm.adminPath() + "/components", representation(realm));
    }

    static JsonNode fullSync(TestRealm realm, String componentId) {
        return realm.admin().exchangeJson("POST", realm.adminPath() + "/user-storage/" + componentId + "/sync?action=triggerFullSync");
    }

    static JsonNode changedSync(TestRealm realm, String componentId) {
        return realm.admin().exchangeJson("POST", realm.adminPath() + "/user-storage/" + componentId + "/sync?action=triggerChangedUsersSync");
    }

    static void setPassword(KeycloakAdminClient admin, TestRealm realm, String userId, String password) {
        admin.put(realm.adminPath() + "/users/" + userId + "/reset-password",
                Map.of("type", "password", "value", password, "temporary", false));
    }
}
