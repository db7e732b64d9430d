package com.claromentis.keycloak.it.broker;

import com.claromentis.keycloak.testing.entra.EntraSimulator;
import com.claromentis.keycloak.testing.entra.EntraUser;

import com.claromentis.keycloak.it.outbox.OutboxFixture;
import com.claromentis.keycloak.sandbox.SandboxUser;
import com.claromentis.keycloak.testing.BrokerLoginSession;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.SignInResult;
import com.claromentis.keycloak.testing.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.IdentityProviderMapperRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@RealKeycloak
@DisplayName("Given a realm whose identity providers were created through the admin API with Keycloak's defaults")
class SignInGuaranteesIT {

    private static final String COMPANY_TENANT = "7f000001-0000-4000-8000-00000000c33e";
    private static final String OTHER_TENANT = "7f000001-0000-4000-8000-00000000d44f";
    private static final String SOCIAL = "google";
    private static final String ENTRA_OIDC = "entra-oidc";
    private static final String OPTED_OUT = "social-opted-out";
    private static final String MARKED_ENTERPRISE = "workspace";
    private static final String EVIL_NAME = "evil-name";
    private static final String KEYCLOAK_FLOW = "keycloak-flow";
    private static final String EVIL_DISPLAY_NAME = "<b id=\"x\">Evil</b>";
    private static final Duration DELIVERY = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static EntraSimulator oidc;
    private static OutboxFixture outbox;

    @BeforeAll
    static void setUp(TestRealm realm) {
        oidc = EntraSimulator.start(Map.of());
        outbox = OutboxFixture.provisioning(realm);
        RealmRepresentation representation = realm.representation();
        representation.setAttributes(SocialLoginIT.withTenant(representation.getAttributes(), COMPANY_TENANT));
        representation.setEventsEnabled(true);
        representation.setEnabledEventTypes(new ArrayList<>());
        realm.update(representation);

        create(realm, withDefaults(SOCIAL, "test-social", "Google", Map.of()));
        create(realm, multiTenantOidc(ENTRA_OIDC));
        create(realm, withDefaults(OPTED_OUT, "test-social", "Partner social", Map.of("claromentis.guard", "off")));
        create(realm, withDefaults(MARKED_ENTERPRISE, "test-social", "Company Workspace", Map.of("claromentis.kind", "enterprise")));
        create(realm, withDefaults(EVIL_NAME, "test-social", EVIL_DISPLAY_NAME, Map.of()));
        IdentityProviderRepresentation keycloakFlow = withDefaults(KEYCLOAK_FLOW, "test-social", "Chosen flow", Map.of());
        keycloakFlow.setFirstBrokerLoginFlowAlias("first broker login");
        create(realm, keycloakFlow);
    }

    @AfterAll
    static void stop() {
        if (oidc != null) {
            oidc.close();
        }
    }

    @Nested
    @DisplayName("when a stranger signs in through a Google-type provider for which no flow was chosen")
    class SocialByDefault {

        @Test
        @DisplayName("then they see that no account is linked and no Keycloak account is created")
        void noAccount(TestRealm realm) {
            EntraUser stranger = person(COMPANY_TENANT, "stranger");

            SignInResult result = signIn(realm, SOCIAL, stranger);

            assertThat(result.succeeded()).isFalse();
            assertThat(result.status()).isEqualTo(403);
            assertThat(result.page()).contains("No Claromentis account is linked to this Google sign-in.");
            assertThat(realm.findUser(stranger.username())).isEmpty();
        }

        @Test
        @DisplayName("then the realm's first broker login flow is the Claromentis flow")
        void realmBinding(TestRealm realm) {
            assertThat(realm.representation().getFirstBrokerLoginFlow()).isEqualTo(SocialLoginIT.FLOW);
        }
    }

    @Nested
    @DisplayName("when a provider was saved with Keycloak's own first broker login flow, which has no social guard")
    class FlowWithoutGuard {

        @Test
        @DisplayName("then it is moved onto the Claromentis flow and a stranger gets no account")
        void movedOntoClaromentisFlow(TestRealm realm) {
            IdentityProviderRepresentation stored = realm.admin().get(realm.adminPath()
                    + "/identity-provider/instances/" + KEYCLOAK_FLOW, IdentityProviderRepresentation.class);
            assertThat(stored.getFirstBrokerLoginFlowAlias()).isEqualTo(SocialLoginIT.FLOW);

            EntraUser stranger = person(COMPANY_TENANT, "chooser");
            SignInResult result = signIn(realm, KEYCLOAK_FLOW, stranger);

            assertThat(result.succeeded()).isFalse();
            assertThat(realm.findUser(stranger.username())).isEmpty();
        }
    }

    @Nested
    @DisplayName("when a generic OIDC provider on Entra's multi-tenant endpoints was created with defaults")
    class EntraTenantByDefault {

        @Test
        @DisplayName("then a token from another tenant is refused and no account is created")
        void otherTenantRefused(TestRealm realm) {
            EntraUser outsider = person(OTHER_TENANT, "outsider");

            SignInResult result = signIn(realm, ENTRA_OIDC, outsider);

            assertThat(result.succeeded()).isFalse();
            assertThat(realm.findUser(outsider.username())).isEmpty();
            List<String> reasons = new ArrayList<>();
            realm.events("IDENTITY_PROVIDER_LOGIN_ERROR").forEach(e -> reasons.add(e.path("details").path("reason").asText()));
            assertThat(reasons).contains("tenant_mismatch");
        }

        @Test
        @DisplayName("then a member of the realm's tenant signs in")
        void companyTenantSignsIn(TestRealm realm) {
            EntraUser member = person(COMPANY_TENANT, "member");

            SignInResult result = signIn(realm, ENTRA_OIDC, member);

            assertThat(result.succeeded()).as(result.describe()).isTrue();
        }

        @Test
        @DisplayName("then an administrator who deletes the tenant guard mapper finds it attached again")
        void guardReattached(TestRealm realm) {
            String mappers = realm.adminPath() + "/identity-provider/instances/" + ENTRA_OIDC + "/mappers";
            IdentityProviderMapperRepresentation guard = tenantGuard(realm, mappers);
            realm.admin().delete(mappers + "/" + guard.getId());

            assertThat(tenantGuard(realm, mappers)).isNotNull();
        }
    }

    @Nested
    @DisplayName("when a provider is opted out with claromentis.guard=off")
    class OptedOut {

        @Test
        @DisplayName("then a social sign-in creates an account, and the summary says the provider is opted out")
        void createsAccount(TestRealm realm) {
            EntraUser partner = person(COMPANY_TENANT, "partner");

            SignInResult result = signIn(realm, OPTED_OUT, partner);

            assertThat(result.succeeded()).as(result.describe()).isTrue();
            assertThat(realm.findUser(partner.username())).isPresent();
            JsonNode summary = summaryOf(realm, OPTED_OUT);
            assertThat(summary.path("status").asText()).isEqualTo("opted-out");
            assertThat(summary.path("optedOutBy").asText()).isEqualTo("claromentis.guard=off");
        }
    }

    @Nested
    @DisplayName("when a Google-type provider is marked claromentis.kind=enterprise")
    class MarkedEnterprise {

        @Test
        @DisplayName("then a new employee's first sign-in creates their account and provisions them into Claromentis")
        void allowedAndProvisioned(TestRealm realm) {
            EntraUser employee = person(COMPANY_TENANT, "employee");

            SignInResult result = signIn(realm, MARKED_ENTERPRISE, employee);

            assertThat(result.succeeded()).as(result.describe()).isTrue();
            SandboxUser provisioned = await().atMost(DELIVERY)
                    .until(() -> outbox.inClaromentis(employee.username()), u -> u.isPresent()).orElseThrow();
            assertThat(provisioned.email()).isEqualTo(employee.username());
            JsonNode summary = summaryOf(realm, MARKED_ENTERPRISE);
            assertThat(summary.path("kind").asText()).isEqualTo("enterprise");
            assertThat(summary.path("kindReason").asText()).contains("claromentis.kind=enterprise");
        }
    }

    @Nested
    @DisplayName("when a social sign-in is refused through a provider whose display name is markup")
    class DisplayNameAsText {

        @Test
        @DisplayName("then the page shows the name as the characters typed and contains no such element")
        void shownAsText(TestRealm realm) {
            SignInResult result = signIn(realm, EVIL_NAME, person(COMPANY_TENANT, "victim"));

            assertThat(result.status()).isEqualTo(403);
            assertThat(result.page()).doesNotContainPattern("<b\\b[^>]*>\\s*Evil").doesNotContain("id=\"x\"");
            assertThat(visibleText(result.page()))
                    .contains("No Claromentis account is linked to this " + EVIL_DISPLAY_NAME + " sign-in.");
        }
    }

    @Nested
    @DisplayName("when an administrator reads the sign-in summary")
    class Summary {

        @Test
        @DisplayName("then each provider is listed with its kind and why, its first login flow, and whether it is guarded")
        void listsProviders(TestRealm realm) {
            JsonNode all = realm.admin().get(realm.adminPath() + "/claromentis-sign-in");
            assertThat(all.path("realmFirstLoginFlow").asText()).isEqualTo(SocialLoginIT.FLOW);

            JsonNode social = summaryOf(realm, SOCIAL);
            assertThat(social.path("kind").asText()).isEqualTo("social");
            assertThat(social.path("kindReason").asText()).contains("test-social").contains("social provider");
            assertThat(social.path("firstLoginFlow").asText()).isEqualTo(SocialLoginIT.FLOW);
            assertThat(social.path("firstLoginFlowFrom").asText()).isEqualTo("realm");
            assertThat(social.path("status").asText()).isEqualTo("guarded");

            JsonNode entra = summaryOf(realm, ENTRA_OIDC);
            assertThat(entra.path("kind").asText()).isEqualTo("enterprise");
            assertThat(entra.path("tenantGuard").asText()).isEqualTo("attached");
            assertThat(entra.path("status").asText()).isEqualTo("guarded");
        }

        @Test
        @DisplayName("then a realm administrator who may view users but not identity providers is refused")
        void needsViewIdentityProviders(TestRealm realm) throws IOException, InterruptedException {
            String userId = realm.createUser("user.viewer", "User-Viewer-1", Map.of());
            String realmManagement = realm.admin().get(realm.adminPath() + "/clients?clientId=realm-management")
                    .get(0).path("id").asText();
            RoleRepresentation viewUsers = realm.admin().get(realm.adminPath() + "/clients/" + realmManagement
                    + "/roles/view-users", RoleRepresentation.class);
            realm.admin().post(realm.adminPath() + "/users/" + userId + "/role-mappings/clients/" + realmManagement,
                    List.of(viewUsers));
            String token = realm.loginClient().login("user.viewer", "User-Viewer-1").tokens().path("access_token").asText();
            HttpResponse<String> users = HTTP.send(HttpRequest.newBuilder(
                            URI.create(realm.admin().baseUrl() + realm.adminPath() + "/users/count"))
                    .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(users.statusCode()).as("the token is an admin API token").isEqualTo(200);

            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(
                            URI.create(realm.admin().baseUrl() + realm.adminPath() + "/claromentis-sign-in"))
                    .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());

            assertThat(answer.statusCode()).isEqualTo(403);
        }
    }

    private static IdentityProviderMapperRepresentation tenantGuard(TestRealm realm, String mappers) {
        for (IdentityProviderMapperRepresentation mapper
                : realm.admin().get(mappers, IdentityProviderMapperRepresentation[].class)) {
            if ("entra-tenant-guard-mapper".equals(mapper.getIdentityProviderMapper())) {
                return mapper;
            }
        }
        return null;
    }

    private static JsonNode summaryOf(TestRealm realm, String alias) {
        for (JsonNode provider : realm.admin().get(realm.adminPath() + "/claromentis-sign-in").path("providers")) {
            if (alias.equals(provider.path("alias").asText())) {
                return provider;
            }
        }
        throw new AssertionError("No provider " + alias + " in the sign-in summary");
    }

    private static SignInResult signIn(TestRealm realm, String alias, EntraUser user) {
        oidc.nextSignIn(user);
        return BrokerLoginSession.of(realm).signIn(alias);
    }

    private static EntraUser person(String tenant, String name) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        return EntraUser.member(tenant, UUID.randomUUID().toString(), name + "." + suffix + "@example.test", "Sam", "Tester");
    }

    private static void create(TestRealm realm, IdentityProviderRepresentation provider) {
        HttpResponse<String> created = realm.admin().exchange("POST", realm.adminPath() + "/identity-provider/instances", provider);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    /** A provider as the admin API creates it when no first login flow is chosen. */
    private static IdentityProviderRepresentation withDefaults(String alias, String type, String displayName,
                                                               Map<String, String> settings) {
        IdentityProviderRepresentation provider = SocialLoginIT.provider(oidc, COMPANY_TENANT, alias, type, displayName);
        provider.setFirstBrokerLoginFlowAlias(null);
        provider.getConfig().putAll(settings);
        return provider;
    }

    /** A generic OIDC provider on the multi-tenant endpoints, as "Azure AD with OIDC" guides set it up. */
    private static IdentityProviderRepresentation multiTenantOidc(String alias) {
        IdentityProviderRepresentation provider = withDefaults(alias, "oidc", "Microsoft", Map.of());
        String base = oidc.authority() + "/organizations";
        Map<String, String> config = new HashMap<>(provider.getConfig());
        config.put("authorizationUrl", base + "/oauth2/v2.0/authorize");
        config.put("tokenUrl", base + "/oauth2/v2.0/token");
        config.put("jwksUrl", base + "/discovery/v2.0/keys");
        config.remove("issuer");
        provider.setConfig(config);
        return provider;
    }

    /** The characters a reader sees: tags dropped, the entities FreeMarker and the sanitizer write decoded. */
    private static String visibleText(String html) {
        return html.replaceAll("<[^>]*>", "")
                .replace("&#34;", "\"").replace("&quot;", "\"").replace("&#61;", "=").replace("&#39;", "'")
                .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }
}
