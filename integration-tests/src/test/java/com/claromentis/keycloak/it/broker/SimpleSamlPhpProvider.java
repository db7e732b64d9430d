package com.claromentis.keycloak.it.broker;

import com.claromentis.keycloak.testing.KeycloakAdminClient;
import com.claromentis.keycloak.testing.TestRealm;
import com.claromentis.keycloak.testing.directory.SimpleSamlPhp;
import com.fasterxml.jackson.core.type.TypeReference;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.util.JsonSerialization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;

/**
 * Connects a test realm to the run's SimpleSAMLphp identity provider as an administrator would: the realm is made a
 * trusted service provider of SimpleSAMLphp, Keycloak imports the identity provider's metadata from its URL
 * ({@code identity-provider/import-config}), a {@code saml} provider is created from it, and a vendor preset is
 * applied through the bundle's admin REST call.
 */
public final class SimpleSamlPhpProvider {

    private SimpleSamlPhpProvider() {
    }

    /** The broker endpoint Keycloak receives the provider's answers on (the ACS URL a vendor is given). */
    public static String endpoint(TestRealm realm, String alias) {
        return realm.realmUrl() + "/broker/" + alias + "/endpoint";
    }

    /** Creates the provider {@code alias} from the metadata URL, with signature checks off as an import may leave them. */
    public static SimpleSamlPhp connect(TestRealm realm, String alias, String displayName) {
        SimpleSamlPhp idp = SimpleSamlPhp.shared();
        idp.serviceProvider(realm.realmUrl(), endpoint(realm, alias));
        HttpResponse<String> imported = realm.admin().exchange("POST", realm.adminPath() + "/identity-provider/import-config",
                Map.of("providerId", "saml", "fromUrl", idp.metadataUrl()));
        if (imported.statusCode() != 200) {
            throw new IllegalStateException("Keycloak could not import " + idp.metadataUrl() + ": " + imported.statusCode()
                    + " " + imported.body());
        }
        Map<String, String> config;
        try {
            config = new HashMap<>(JsonSerialization.mapper.readValue(imported.body(), new TypeReference<Map<String, String>>() { }));
        } catch (IOException e) {
            throw new UncheckedIOException("Unreadable import-config answer", e);
        }
        // The metadata offers only transient NameIDs, which Keycloak will not save with the NameID as username: an
        // administrator picks "unspecified" in the form, as here.
        config.put("nameIDPolicyFormat", "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified");
        // What the preset must switch on: without it Keycloak accepts an altered assertion.
        config.put("validateSignature", "false");
        config.put("wantAssertionsSigned", "false");
        IdentityProviderRepresentation provider = new IdentityProviderRepresentation();
        provider.setAlias(alias);
        provider.setDisplayName(displayName);
        provider.setProviderId("saml");
        provider.setEnabled(true);
        provider.setTrustEmail(true);
        provider.setConfig(config);
        realm.admin().post(realm.adminPath() + "/identity-provider/instances", provider);
        return idp;
    }

    /** Applies the vendor preset through the admin REST call, as an administrator would. */
    public static com.fasterxml.jackson.databind.JsonNode applyPreset(KeycloakAdminClient admin, TestRealm realm,
                                                                     String alias, String vendor) {
        return admin.exchangeJson("POST", presetPath(realm, alias, vendor));
    }

    public static String presetPath(TestRealm realm, String alias, String vendor) {
        return realm.adminPath() + "/claromentis-enterprise-sign-in/" + alias + "/preset/" + vendor;
    }
}
