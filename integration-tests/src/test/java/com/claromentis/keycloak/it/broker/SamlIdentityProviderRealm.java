package com.claromentis.keycloak.it.broker;

import com.claromentis.keycloak.testing.KeycloakAdminClient;
import com.claromentis.keycloak.testing.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.IdentityProviderMapperRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.ProtocolMapperRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A second Keycloak realm acting as a SAML 2.0 identity provider, standing in for ADFS, Okta, Duo or OneLogin;
 * {@link #connect} adds the matching {@code saml} provider to the realm under test.
 */
final class SamlIdentityProviderRealm implements AutoCloseable {

    private final KeycloakAdminClient admin;
    private final String name;
    private final String baseUrl;

    private SamlIdentityProviderRealm(KeycloakAdminClient admin, String name, String baseUrl) {
        this.admin = admin;
        this.name = name;
        this.baseUrl = baseUrl;
    }

    /** Creates the identity-provider realm with an SP client for {@code broker}'s provider {@code alias}. */
    static SamlIdentityProviderRealm create(TestRealm broker, String alias) {
        String name = "saml-idp-" + UUID.randomUUID().toString().substring(0, 6);
        String baseUrl = broker.server().baseUrl();
        RealmRepresentation realm = new RealmRepresentation();
        realm.setRealm(name);
        realm.setEnabled(true);
        ClientRepresentation sp = new ClientRepresentation();
        sp.setClientId(broker.realmUrl());
        sp.setProtocol("saml");
        sp.setEnabled(true);
        String endpoint = broker.realmUrl() + "/broker/" + alias + "/endpoint";
        sp.setRedirectUris(List.of(endpoint + "*"));
        Map<String, String> attributes = new HashMap<>();
        attributes.put("saml.client.signature", "false");
        attributes.put("saml.server.signature", "true");
        // The vendor presets want the assertion itself signed, as ADFS, Okta and OneLogin sign it.
        attributes.put("saml.assertion.signature", "true");
        attributes.put("saml.authnstatement", "true");
        attributes.put("saml_force_name_id_format", "true");
        attributes.put("saml_name_id_format", "username");
        attributes.put("saml_assertion_consumer_url_post", endpoint);
        sp.setAttributes(attributes);
        // Okta's attribute statements: short names for the profile fields and a "groups" statement.
        sp.setProtocolMappers(List.of(property("email", "email"), property("firstName", "firstName"),
                property("lastName", "lastName"), attribute("jobTitle", "title"), attribute("office", "office"),
                attribute("department", "department"), groups("groups")));
        realm.setClients(List.of(sp));
        broker.admin().createRealm(realm);
        // People of the identity provider carry a job title and an office, which its user profile does not declare.
        JsonNode profile = broker.admin().get("/admin/realms/" + name + "/users/profile");
        ((com.fasterxml.jackson.databind.node.ObjectNode) profile).put("unmanagedAttributePolicy", "ENABLED");
        broker.admin().put("/admin/realms/" + name + "/users/profile", profile);
        return new SamlIdentityProviderRealm(broker.admin(), name, baseUrl);
    }

    /** A person in the identity provider's directory. */
    void addPerson(String username, String password, String firstName, String lastName, String email) {
        addPerson(username, password, firstName, lastName, email, Map.of(), List.of());
    }

    /** A person with profile attributes (e.g. {@code jobTitle}) and membership of groups the identity provider creates. */
    void addPerson(String username, String password, String firstName, String lastName, String email,
                   Map<String, List<String>> attributes, List<String> groups) {
        for (String group : groups) {
            admin.exchange("POST", "/admin/realms/" + name + "/groups", Map.of("name", group));
        }
        Map<String, Object> user = new HashMap<>();
        user.put("attributes", attributes);
        user.put("groups", groups.stream().map(group -> "/" + group).toList());
        user.put("username", username);
        user.put("enabled", true);
        user.put("firstName", firstName);
        user.put("lastName", lastName);
        user.put("email", email);
        user.put("emailVerified", true);
        user.put("credentials", List.of(Map.of("type", "password", "value", password, "temporary", false)));
        admin.post("/admin/realms/" + name + "/users", user);
    }

    /** Adds the {@code saml} identity provider, trusting this realm's signing certificate, to the broker realm. */
    void connect(TestRealm broker, String alias, String firstLoginFlow) {
        IdentityProviderRepresentation provider = new IdentityProviderRepresentation();
        provider.setAlias(alias);
        provider.setDisplayName("Company SAML");
        provider.setProviderId("saml");
        provider.setEnabled(true);
        provider.setTrustEmail(true);
        provider.setFirstBrokerLoginFlowAlias(firstLoginFlow);
        Map<String, String> config = new HashMap<>();
        config.put("singleSignOnServiceUrl", baseUrl + "/realms/" + name + "/protocol/saml");
        config.put("nameIDPolicyFormat", "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified");
        config.put("principalType", "SUBJECT");
        config.put("postBindingResponse", "true");
        config.put("postBindingAuthnRequest", "false");
        config.put("wantAuthnRequestsSigned", "false");
        config.put("validateSignature", "true");
        config.put("signingCertificate", signingCertificate());
        config.put("syncMode", "IMPORT");
        provider.setConfig(config);
        broker.admin().post(broker.adminPath() + "/identity-provider/instances", provider);
        for (String attribute : List.of("email", "firstName", "lastName")) {
            IdentityProviderMapperRepresentation mapper = new IdentityProviderMapperRepresentation();
            mapper.setName(attribute);
            mapper.setIdentityProviderAlias(alias);
            mapper.setIdentityProviderMapper("saml-user-attribute-idp-mapper");
            mapper.setConfig(Map.of("attribute.name", attribute, "user.attribute", attribute, "syncMode", "INHERIT"));
            broker.admin().post(broker.adminPath() + "/identity-provider/instances/" + alias + "/mappers", mapper);
        }
    }

    private String signingCertificate() {
        JsonNode keys = admin.get("/admin/realms/" + name + "/keys").path("keys");
        List<String> certificates = new ArrayList<>();
        keys.forEach(key -> {
            if ("RS256".equals(key.path("algorithm").asText()) && key.hasNonNull("certificate")) {
                certificates.add(key.path("certificate").asText());
            }
        });
        if (certificates.isEmpty()) {
            throw new IllegalStateException("The SAML identity-provider realm has no RS256 certificate");
        }
        return certificates.get(0);
    }

    private static ProtocolMapperRepresentation attribute(String userAttribute, String attributeName) {
        ProtocolMapperRepresentation mapper = new ProtocolMapperRepresentation();
        mapper.setName(attributeName);
        mapper.setProtocol("saml");
        mapper.setProtocolMapper("saml-user-attribute-mapper");
        mapper.setConfig(Map.of("user.attribute", userAttribute, "attribute.name", attributeName,
                "attribute.nameformat", "Basic"));
        return mapper;
    }

    private static ProtocolMapperRepresentation groups(String attributeName) {
        ProtocolMapperRepresentation mapper = new ProtocolMapperRepresentation();
        mapper.setName(attributeName);
        mapper.setProtocol("saml");
        mapper.setProtocolMapper("saml-group-membership-mapper");
        mapper.setConfig(Map.of("attribute.name", attributeName, "attribute.nameformat", "Basic",
                "full.path", "false", "single", "false"));
        return mapper;
    }

    private static ProtocolMapperRepresentation property(String property, String attributeName) {
        ProtocolMapperRepresentation mapper = new ProtocolMapperRepresentation();
        mapper.setName(property);
        mapper.setProtocol("saml");
        mapper.setProtocolMapper("saml-user-property-mapper");
        mapper.setConfig(Map.of("user.attribute", property, "attribute.name", attributeName,
                "attribute.nameformat", "Basic"));
        return mapper;
    }

    @Override
    public void close() {
        admin.deleteRealm(name);
    }
}
