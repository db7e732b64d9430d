package com.claromentis.keycloak.tenant;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import org.keycloak.http.simple.SimpleHttp;
import org.keycloak.http.simple.SimpleHttpResponse;
import org.keycloak.models.KeycloakSession;

/** Reads a tenant's discovery document through Keycloak's HTTP client, so proxy and truststore settings apply. */
public final class DiscoveryTenantLookup implements TenantLookup {

    private final KeycloakSession session;

    public DiscoveryTenantLookup(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public String issuerOf(String discoveryDocumentUrl) throws IOException {
        try (SimpleHttpResponse response = SimpleHttp.create(session).doGet(discoveryDocumentUrl)
                .header("Accept", "application/json").asResponse()) {
            if (response.getStatus() != 200) {
                throw new IOException("discovery document answered HTTP " + response.getStatus());
            }
            JsonNode issuer = response.asJson().get("issuer");
            return issuer == null || !issuer.isTextual() ? null : issuer.asText();
        }
    }
}
