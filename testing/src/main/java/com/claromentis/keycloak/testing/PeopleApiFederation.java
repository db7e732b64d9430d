package com.claromentis.keycloak.testing;

import com.fasterxml.jackson.databind.JsonNode;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.representations.idm.ComponentRepresentation;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bundle's {@code claromentis-people-api} user storage provider, configured through the admin REST API the way an
 * administrator fills in the admin console; shared by the integration tests, the demo and the benchmarks.
 */
public final class PeopleApiFederation {

    public static final String PROVIDER_ID = "claromentis-people-api";

    private final Map<String, String> config = new LinkedHashMap<>();
    private String name = "claromentis";

    private PeopleApiFederation(String baseUrl, String username, String password) {
        config.put("baseUrl", baseUrl);
        config.put("authType", "basic");
        config.put("apiUsername", username);
        config.put("apiPassword", password);
        config.put("enabled", "true");
        config.put("importEnabled", "true");
        config.put("cachePolicy", "DEFAULT");
    }

    /** HTTP Basic against the People API at {@code baseUrl} (the site root). */
    public static PeopleApiFederation basic(String baseUrl, String username, String password) {
        return new PeopleApiFederation(baseUrl, username, password);
    }

    public PeopleApiFederation with(String key, String value) {
        config.put(key, value);
        return this;
    }

    public PeopleApiFederation named(String value) {
        this.name = value;
        return this;
    }

    public ComponentRepresentation representation(String realmId) {
        ComponentRepresentation component = new ComponentRepresentation();
        component.setName(name);
        component.setProviderId(PROVIDER_ID);
        component.setProviderType("org.keycloak.storage.UserStorageProvider");
        component.setParentId(realmId);
        MultivaluedHashMap<String, String> values = new MultivaluedHashMap<>();
        config.forEach(values::putSingle);
        component.setConfig(values);
        return component;
    }

    /** Saves it and returns its id; throws with the admin console's error when the save is refused. */
    public String add(KeycloakAdminClient admin, String realm) {
        return admin.post("/admin/realms/" + realm + "/components", representation(realmId(admin, realm)));
    }

    /** Saves it and returns the admin API's answer, for refusals. */
    public HttpResponse<String> tryAdd(KeycloakAdminClient admin, String realm) {
        return admin.exchange("POST", "/admin/realms/" + realm + "/components", representation(realmId(admin, realm)));
    }

    /** "Synchronize all users" (full) or "Synchronize changed users", returning Keycloak's summary. */
    public static JsonNode sync(KeycloakAdminClient admin, String realm, String componentId, boolean full) {
        return admin.exchangeJson("POST", "/admin/realms/" + realm + "/user-storage/" + componentId + "/sync?action="
                + (full ? "triggerFullSync" : "triggerChangedUsersSync"));
    }

    private static String realmId(KeycloakAdminClient admin, String realm) {
        return admin.get("/admin/realms/" + realm).path("id").asText();
    }
}
