package com.claromentis.keycloak.it.broker;

import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.representations.idm.IdentityProviderMapperRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@RealKeycloak
@DisplayName("Given a realm whose administrator adds enterprise identity providers")
class EnterprisePresetIT {

    /** Any certificate: these providers are configured, never signed in through. */
    private static final String CERTIFICATE = "MIIBszCCAVmgAwIBAgIUQm9ndXNDZXJ0aWZpY2F0ZUZvclByZXNldElUMAoGCCqGSM49BAMC";
    private static final String OIDC_SECRET = "oidc-client-secret-never-shown";

    @Nested
    @DisplayName("when the ADFS preset is applied to a SAML provider through the admin REST API")
    class Rest {

        @Test
        @DisplayName("then a preview changes nothing, applying sets signatures, NameID and FORCE-syncing mappers, and applying again changes nothing")
        void appliesOnce(TestRealm realm) {
            saml(realm, "adfs-rest", true);

            JsonNode preview = realm.admin().get(SimpleSamlPhpProvider.presetPath(realm, "adfs-rest", "adfs"));
            assertThat(preview.path("applied").asBoolean()).isFalse();
            assertThat(mappers(realm, "adfs-rest")).isEmpty();

            JsonNode first = SimpleSamlPhpProvider.applyPreset(realm.admin(), realm, "adfs-rest", "adfs");
            assertThat(actions(first)).containsOnly("create").hasSize(10);
            Map<String, String> config = provider(realm, "adfs-rest").getConfig();
            assertThat(config).containsEntry("validateSignature", "true").containsEntry("wantAssertionsSigned", "true")
                    .containsEntry("principalType", "ATTRIBUTE").containsEntry("syncMode", "FORCE")
                    .containsEntry("principalAttribute", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name")
                    .containsEntry("nameIDPolicyFormat", "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified");
            List<IdentityProviderMapperRepresentation> mappers = mappers(realm, "adfs-rest");
            assertThat(mappers).hasSize(10).allSatisfy(m -> assertThat(m.getConfig()).containsEntry("syncMode", "FORCE"));
            assertThat(mappers).anySatisfy(m -> assertThat(m.getConfig())
                    .containsEntry("attribute.name", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress")
                    .containsEntry("user.attribute", "email"));
            assertThat(declaredAttributes(realm)).contains("jobTitle", "office", "department", "phone", "manager");

            JsonNode second = SimpleSamlPhpProvider.applyPreset(realm.admin(), realm, "adfs-rest", "adfs");
            assertThat(actions(second)).containsOnly("unchanged");
            assertThat(second.path("provider").path("action").asText()).isEqualTo("unchanged");
            assertThat(mappers(realm, "adfs-rest")).hasSize(10);
        }

        @Test
        @DisplayName("then an administrator edits a mapping like any other, and re-applying puts the vendor's claim back")
        void mappingsStayEditable(TestRealm realm) {
            saml(realm, "adfs-edit", true);
            SimpleSamlPhpProvider.applyPreset(realm.admin(), realm, "adfs-edit", "adfs");
            IdentityProviderMapperRepresentation title = mappers(realm, "adfs-edit").stream()
                    .filter(m -> "jobTitle".equals(m.getConfig().get("user.attribute"))).findFirst().orElseThrow();
            title.getConfig().put("attribute.name", "urn:example:title");
            realm.admin().put(realm.adminPath() + "/identity-provider/instances/adfs-edit/mappers/" + title.getId(), title);
            assertThat(mapper(realm, "adfs-edit", title.getId()).getConfig()).containsEntry("attribute.name", "urn:example:title");

            JsonNode again = SimpleSamlPhpProvider.applyPreset(realm.admin(), realm, "adfs-edit", "adfs");

            assertThat(actions(again)).containsOnlyOnce("update");
            assertThat(mapper(realm, "adfs-edit", title.getId()).getConfig()).containsEntry("attribute.name",
                    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/jobtitle");
        }

        @Test
        @DisplayName("then a SAML provider without the vendor's certificate is refused, with what to do, and left as it was")
        void refusedWithoutCertificate(TestRealm realm) {
            saml(realm, "no-cert", false);

            HttpResponse<String> answer = realm.admin().exchange("POST",
                    SimpleSamlPhpProvider.presetPath(realm, "no-cert", "okta"), null);

            assertThat(answer.statusCode()).isEqualTo(409);
            assertThat(answer.body()).contains("import the vendor's metadata first");
            assertThat(mappers(realm, "no-cert")).isEmpty();
            assertThat(provider(realm, "no-cert").getConfig()).doesNotContainEntry("syncMode", "FORCE");
        }

        @Test
        @DisplayName("then a provider whose own group grants Keycloak administration is refused")
        void refusedWhenParentGroupIsPrivileged(TestRealm realm) {
            saml(realm, "privileged", true);
            String group = realm.admin().post(realm.adminPath() + "/groups", SimpleSamlPhpSignInIT.group("privileged"));
            SimpleSamlPhpSignInIT.grant(realm, group, SimpleSamlPhpSignInIT.realmManagementRole(realm, "manage-users"));

            HttpResponse<String> answer = realm.admin().exchange("POST",
                    SimpleSamlPhpProvider.presetPath(realm, "privileged", "generic"), null);

            assertThat(answer.statusCode()).isEqualTo(409);
            assertThat(answer.body()).contains("grants Keycloak administration");
            assertThat(mappers(realm, "privileged")).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"nope", "ADFS ", "<script>", "../../adfs", "adfs\n"})
        @DisplayName("then an unknown vendor is refused with the list of vendors")
        void unknownVendor(String vendor, TestRealm realm) {
            String alias = "unknown-vendor-" + Integer.toHexString(vendor.hashCode());
            saml(realm, alias, true);

            HttpResponse<String> answer = realm.admin().exchange("POST", realm.adminPath()
                    + "/claromentis-enterprise-sign-in/" + alias + "/preset/" + URLEncoder.encode(vendor, StandardCharsets.UTF_8).replace("+", "%20"), null);

            assertThat(answer.statusCode()).as(answer.body()).isIn(400, 404);
            assertThat(answer.body()).doesNotContain("<script>");
            assertThat(mappers(realm, alias)).isEmpty();
        }

        @Test
        @DisplayName("then an unknown provider is not found")
        void unknownProvider(TestRealm realm) {
            HttpResponse<String> answer = realm.admin().exchange("POST", realm.adminPath()
                    + "/claromentis-enterprise-sign-in/" + URLEncoder.encode("nobody\nhere", StandardCharsets.UTF_8)
                    + "/preset/adfs", null);

            assertThat(answer.statusCode()).isEqualTo(404);
            assertThat(answer.body()).contains("No identity provider with that alias");
        }
    }

    @Nested
    @DisplayName("when a preset is applied to an OpenID Connect or a social provider")
    class OtherProtocols {

        @Test
        @DisplayName("then an OIDC provider gets claim importers syncing at every sign-in, and its secret is never shown")
        void oidc(TestRealm realm) {
            oidcProvider(realm, "okta-oidc", "oidc");

            JsonNode result = SimpleSamlPhpProvider.applyPreset(realm.admin(), realm, "okta-oidc", "okta");

            assertThat(result.toString()).doesNotContain(OIDC_SECRET);
            assertThat(realm.admin().get(SimpleSamlPhpProvider.presetPath(realm, "okta-oidc", "okta")).toString())
                    .doesNotContain(OIDC_SECRET);
            assertThat(mappers(realm, "okta-oidc")).filteredOn(m -> "oidc-user-attribute-idp-mapper".equals(m.getIdentityProviderMapper()))
                    .extracting(m -> m.getConfig().get("claim")).contains("title", "department", "office", "phone_number", "manager");
            assertThat(provider(realm, "okta-oidc").getConfig()).containsEntry("syncMode", "FORCE");
        }

        @Test
        @DisplayName("then Entra ID over OIDC is refused with the provider type to use")
        void entraOverOidc(TestRealm realm) {
            oidcProvider(realm, "entra-oidc", "oidc");

            HttpResponse<String> answer = realm.admin().exchange("POST",
                    SimpleSamlPhpProvider.presetPath(realm, "entra-oidc", "entra-saml"), null);

            assertThat(answer.statusCode()).isEqualTo(400);
            assertThat(answer.body()).contains("Microsoft Entra ID (Azure AD)");
        }

        @Test
        @DisplayName("then a social provider is refused")
        void social(TestRealm realm) {
            oidcProvider(realm, "github", "github");

            HttpResponse<String> answer = realm.admin().exchange("POST",
                    SimpleSamlPhpProvider.presetPath(realm, "github", "generic"), null);

            assertThat(answer.statusCode()).isEqualTo(400);
            assertThat(answer.body()).contains("vendor presets are for SAML 2.0").doesNotContain(OIDC_SECRET);
            assertThat(mappers(realm, "github")).isEmpty();
        }
    }

    @Nested
    @DisplayName("when the administrator adds a 'Claromentis vendor preset' mapper in the admin console")
    class Console {

        @Test
        @DisplayName("then saving it applies the vendor's preset and the mapper says what it did")
        void savingApplies(TestRealm realm) {
            saml(realm, "okta-console", true);

            String id = realm.admin().post(realm.adminPath() + "/identity-provider/instances/okta-console/mappers",
                    presetMapper("okta-console", "okta"));

            assertThat(mappers(realm, "okta-console")).filteredOn(m -> "saml-user-attribute-idp-mapper".equals(m.getIdentityProviderMapper()))
                    .extracting(m -> m.getConfig().get("attribute.name")).contains("email", "firstName", "lastName", "title");
            assertThat(mapper(realm, "okta-console", id).getConfig().get("result")).startsWith("Applied the okta preset: 10");
            assertThat(provider(realm, "okta-console").getConfig()).containsEntry("principalType", "SUBJECT")
                    .containsEntry("validateSignature", "true");

            IdentityProviderMapperRepresentation saved = mapper(realm, "okta-console", id);
            realm.admin().put(realm.adminPath() + "/identity-provider/instances/okta-console/mappers/" + id, saved);
            assertThat(mapper(realm, "okta-console", id).getConfig().get("result")).isEqualTo("Applied the okta preset: 0 mapper(s) created or updated");
        }

        @Test
        @DisplayName("then a preset that cannot be applied is saved with the reason, and nothing else changes")
        void refusalIsShown(TestRealm realm) {
            saml(realm, "console-no-cert", false);

            String id = realm.admin().post(realm.adminPath() + "/identity-provider/instances/console-no-cert/mappers",
                    presetMapper("console-no-cert", "adfs"));

            assertThat(mapper(realm, "console-no-cert", id).getConfig().get("result"))
                    .startsWith("Refused: ").contains("import the vendor's metadata first");
            assertThat(mappers(realm, "console-no-cert")).hasSize(1);
        }
    }

    private static IdentityProviderMapperRepresentation presetMapper(String alias, String vendor) {
        IdentityProviderMapperRepresentation mapper = new IdentityProviderMapperRepresentation();
        mapper.setName("vendor preset");
        mapper.setIdentityProviderAlias(alias);
        mapper.setIdentityProviderMapper("claromentis-vendor-preset");
        mapper.setConfig(new HashMap<>(Map.of("vendor", vendor, "syncMode", "INHERIT")));
        return mapper;
    }

    private static void saml(TestRealm realm, String alias, boolean withCertificate) {
        IdentityProviderRepresentation provider = new IdentityProviderRepresentation();
        provider.setAlias(alias);
        provider.setProviderId("saml");
        provider.setEnabled(true);
        Map<String, String> config = new HashMap<>();
        config.put("singleSignOnServiceUrl", "https://idp.corp.example/adfs/ls/");
        config.put("nameIDPolicyFormat", "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent");
        config.put("validateSignature", "false");
        if (withCertificate) {
            config.put("signingCertificate", CERTIFICATE);
        }
        provider.setConfig(config);
        realm.admin().post(realm.adminPath() + "/identity-provider/instances", provider);
    }

    private static void oidcProvider(TestRealm realm, String alias, String type) {
        IdentityProviderRepresentation provider = new IdentityProviderRepresentation();
        provider.setAlias(alias);
        provider.setProviderId(type);
        provider.setEnabled(true);
        Map<String, String> config = new HashMap<>();
        config.put("clientId", "keycloak");
        config.put("clientSecret", OIDC_SECRET);
        config.put("authorizationUrl", "https://idp.corp.example/oauth2/v1/authorize");
        config.put("tokenUrl", "https://idp.corp.example/oauth2/v1/token");
        // The tenant guard is for Microsoft tenants; this provider is another vendor's.
        config.put("claromentis.guard", "off");
        provider.setConfig(config);
        realm.admin().post(realm.adminPath() + "/identity-provider/instances", provider);
    }

    private static IdentityProviderRepresentation provider(TestRealm realm, String alias) {
        return realm.admin().get(realm.adminPath() + "/identity-provider/instances/" + alias, IdentityProviderRepresentation.class);
    }

    /** The provider's mappers, without the tenant guard and the preset mapper the bundle or a test added. */
    private static List<IdentityProviderMapperRepresentation> mappers(TestRealm realm, String alias) {
        IdentityProviderMapperRepresentation[] all = realm.admin().get(realm.adminPath() + "/identity-provider/instances/"
                + alias + "/mappers", IdentityProviderMapperRepresentation[].class);
        List<IdentityProviderMapperRepresentation> out = new ArrayList<>();
        for (IdentityProviderMapperRepresentation mapper : all) {
            if (!"entra-tenant-guard-mapper".equals(mapper.getIdentityProviderMapper())) {
                out.add(mapper);
            }
        }
        return out;
    }

    private static IdentityProviderMapperRepresentation mapper(TestRealm realm, String alias, String id) {
        return realm.admin().get(realm.adminPath() + "/identity-provider/instances/" + alias + "/mappers/" + id,
                IdentityProviderMapperRepresentation.class);
    }

    private static List<String> actions(JsonNode result) {
        List<String> actions = new ArrayList<>();
        result.path("mappers").forEach(m -> actions.add(m.path("action").asText()));
        return actions;
    }

    private static List<String> declaredAttributes(TestRealm realm) {
        List<String> names = new ArrayList<>();
        realm.admin().get(realm.adminPath() + "/users/profile").path("attributes").forEach(a -> names.add(a.path("name").asText()));
        return names;
    }
}
