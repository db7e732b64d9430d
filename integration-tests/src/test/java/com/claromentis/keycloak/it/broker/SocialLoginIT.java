package com.claromentis.keycloak.it.broker;

import com.claromentis.keycloak.testing.entra.EntraSimulator;
import com.claromentis.keycloak.testing.entra.EntraUser;

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
import org.keycloak.representations.idm.FederatedIdentityRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@RealKeycloak
@DisplayName("Given a realm whose social provider uses the Claromentis first-login flow")
class SocialLoginIT {

    static final String FLOW = "claromentis first broker login";
    private static final String TENANT = "7f000001-0000-4000-8000-00000000a11c";
    private static final String SOCIAL = "google-like";
    private static final String ENTERPRISE = "company-oidc";

    private static EntraSimulator oidc;

    @BeforeAll
    static void setUp(TestRealm realm) {
        oidc = EntraSimulator.start(Map.of());
        realm.admin().post(realm.adminPath() + "/identity-provider/instances", provider(SOCIAL, "test-social", "Google"));
        realm.admin().post(realm.adminPath() + "/identity-provider/instances", provider(ENTERPRISE, "oidc", "Company sign-in"));
        RealmRepresentation representation = realm.representation();
        // The simulator's tokens carry a tenant: the enterprise OIDC provider is held to the realm's Entra tenant.
        representation.setAttributes(withTenant(representation.getAttributes(), TENANT));
        representation.setEventsEnabled(true);
        representation.setEnabledEventTypes(new ArrayList<>());
        realm.update(representation);
    }

    @AfterAll
    static void stop() {
        if (oidc != null) {
            oidc.close();
        }
    }

    @Nested
    @DisplayName("when the administrator opens the realm's authentication flows")
    class Flows {

        @Test
        @DisplayName("then the ready-made Claromentis first-login flow is there to select")
        void flowIsInstalled(TestRealm realm) {
            JsonNode flows = realm.admin().get(realm.adminPath() + "/authentication/flows");
            List<String> aliases = new ArrayList<>();
            flows.forEach(flow -> aliases.add(flow.path("alias").asText()));

            assertThat(aliases).contains(FLOW);
        }
    }

    @Nested
    @DisplayName("when someone without an account signs in with a social account")
    class SocialWithoutAccount {

        @Test
        @DisplayName("then they see that no account is linked and no user is created")
        void isRefusedWithoutAccount(TestRealm realm) {
            oidc.nextSignIn(EntraUser.member(TENANT, "0b1e0000-0000-4000-8000-000000000001", "stranger@gmail.example",
                    "Sally", "Stranger"));

            SignInResult result = BrokerLoginSession.of(realm).signIn(SOCIAL);

            assertThat(result.succeeded()).isFalse();
            assertThat(result.status()).isEqualTo(403);
            assertThat(result.page()).contains("No Claromentis account is linked to this Google sign-in. Ask your administrator");
            assertThat(realm.findUser("stranger@gmail.example")).isEmpty();
            assertThat(realm.admin().get(realm.adminPath() + "/users?email=stranger@gmail.example", UserRepresentation[].class)).isEmpty();
        }
    }

    @Nested
    @DisplayName("when a person with an existing account signs in with a social account of the same verified email")
    class SocialWithAccount {

        @Test
        @DisplayName("then, after proving the account is theirs, the social account is linked and no user is created")
        void linksToExistingAccount(TestRealm realm) {
            String id = realm.createUser("ann.lee", "Ann-Pass-1", Map.of());
            UserRepresentation ann = realm.admin().get(realm.adminPath() + "/users/" + id, UserRepresentation.class);
            int usersBefore = realm.admin().get(realm.adminPath() + "/users/count").asInt();
            oidc.nextSignIn(EntraUser.member(TENANT, "0b1e0000-0000-4000-8000-000000000002", ann.getEmail(), "Ann", "Lee"));

            SignInResult result = BrokerLoginSession.of(realm).signInLinkingWithPassword(SOCIAL, "Ann-Pass-1");

            assertThat(result.succeeded()).as(result.describe()).isTrue();
            assertThat(result.idTokenClaims().path("preferred_username").asText()).isEqualTo("ann.lee");
            FederatedIdentityRepresentation[] links = realm.admin().get(realm.adminPath() + "/users/" + id
                    + "/federated-identity", FederatedIdentityRepresentation[].class);
            assertThat(links).extracting(FederatedIdentityRepresentation::getIdentityProvider).containsExactly(SOCIAL);
            assertThat(realm.admin().get(realm.adminPath() + "/users/count").asInt()).isEqualTo(usersBefore);
        }
    }

    @Nested
    @DisplayName("when a new employee signs in through the company's enterprise provider")
    class Enterprise {

        @Test
        @DisplayName("then their account is created")
        void createsAccount(TestRealm realm) {
            oidc.nextSignIn(EntraUser.member(TENANT, "0b1e0000-0000-4000-8000-000000000003", "new.hire@company.example",
                    "Nora", "Hire"));

            SignInResult result = BrokerLoginSession.of(realm).signIn(ENTERPRISE);

            assertThat(result.succeeded()).as(result.describe()).isTrue();
            UserRepresentation user = realm.findUser("new.hire@company.example").orElseThrow();
            assertThat(user.getFirstName()).isEqualTo("Nora");
        }
    }

    private static IdentityProviderRepresentation provider(String alias, String type, String displayName) {
        return provider(oidc, TENANT, alias, type, displayName);
    }

    /** An OIDC-protocol provider of type {@code type} (e.g. oidc, test-social) aimed at the local OIDC server. */
    static IdentityProviderRepresentation provider(EntraSimulator oidc, String tenant, String alias, String type,
                                                   String displayName) {
        IdentityProviderRepresentation provider = new IdentityProviderRepresentation();
        provider.setAlias(alias);
        provider.setDisplayName(displayName);
        provider.setProviderId(type);
        provider.setEnabled(true);
        provider.setTrustEmail(true);
        provider.setFirstBrokerLoginFlowAlias(FLOW);
        String base = oidc.authority() + "/" + tenant;
        Map<String, String> config = new HashMap<>();
        config.put("authorizationUrl", base + "/oauth2/v2.0/authorize");
        config.put("tokenUrl", base + "/oauth2/v2.0/token");
        config.put("jwksUrl", base + "/discovery/v2.0/keys");
        config.put("issuer", oidc.issuer(tenant));
        config.put("useJwksUrl", "true");
        config.put("validateSignature", "true");
        config.put("pkceEnabled", "true");
        config.put("pkceMethod", "S256");
        config.put("clientId", "6d5c4b3a-2918-4706-a5b4-c3d2e1f0a9b8");
        config.put("clientSecret", "simulated-app-secret");
        config.put("clientAuthMethod", "client_secret_post");
        config.put("defaultScope", "openid profile email");
        config.put("syncMode", "IMPORT");
        provider.setConfig(config);
        return provider;
    }

    /** Realm attributes pinning the realm to {@code tenant}, as an administrator does for generic OIDC providers. */
    static Map<String, String> withTenant(Map<String, String> attributes, String tenant) {
        Map<String, String> pinned = attributes == null ? new HashMap<>() : new HashMap<>(attributes);
        pinned.put("claromentis.entra.tenant", tenant);
        return pinned;
    }
}
