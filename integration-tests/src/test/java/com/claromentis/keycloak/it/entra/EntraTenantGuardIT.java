package com.claromentis.keycloak.it.entra;

import com.claromentis.keycloak.testing.entra.EntraSimulator;
import com.claromentis.keycloak.testing.entra.EntraUser;

import com.claromentis.keycloak.testing.entra.EntraSimulator.Tamper;
import com.claromentis.keycloak.testing.BrokerLoginSession;
import com.claromentis.keycloak.testing.SignInResult;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import java.net.http.HttpResponse;
import java.util.List;

import static com.claromentis.keycloak.it.entra.EntraFixtures.CONTOSO;
import static com.claromentis.keycloak.it.entra.EntraFixtures.CONTOSO_DOMAIN;
import static com.claromentis.keycloak.it.entra.EntraFixtures.FABRIKAM;
import static com.claromentis.keycloak.it.entra.EntraFixtures.FABRIKAM_DOMAIN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keycloak's own providers aimed at Microsoft. The built-in {@code microsoft} provider has its endpoints hard-coded
 * to login.microsoftonline.com and graph.microsoft.com (26.7 offers no override), which this machine cannot reach,
 * so the guard is exercised on generic {@code oidc} providers pointed at the simulator's multi-tenant
 * {@code organizations} endpoints, where any work account of any tenant can sign in unless something checks tid.
 */
@RealKeycloak
@DisplayName("Given a realm pinned to Contoso whose generic OIDC providers talk to Microsoft's multi-tenant endpoints")
class EntraTenantGuardIT {

    private static final String GUARDED = "ms-guarded";
    private static final String UNGUARDED = "ms-unguarded";
    private static final String POST_LOGIN = "ms-post-login";
    private static final String GUARD_FLOW = "entra post login";
    private static final String FIRST_LOGIN = "ms-first-login";
    private static final String FIRST_LOGIN_FLOW = "entra first broker login";

    private static EntraSimulator simulator;

    @BeforeAll
    static void configure(TestRealm realm) {
        simulator = EntraFixtures.startSimulator();
        EntraFixtures.enableLoginEvents(realm);
        EntraFixtures.pinRealmTenant(realm, CONTOSO);
        create(realm, EntraFixtures.multiTenantOidcProvider(GUARDED, simulator));
        EntraFixtures.attachTenantGuard(realm, GUARDED);
        // The control and the authenticator-only setups opt out of the tenant guard every OIDC provider now gets.
        IdentityProviderRepresentation unguarded = EntraFixtures.multiTenantOidcProvider(UNGUARDED, simulator);
        unguarded.getConfig().put("claromentis.guard", "off");
        create(realm, unguarded);
        EntraFixtures.createTenantGuardFlow(realm, GUARD_FLOW);
        IdentityProviderRepresentation postLogin = EntraFixtures.multiTenantOidcProvider(POST_LOGIN, simulator);
        postLogin.setPostBrokerLoginFlowAlias(GUARD_FLOW);
        postLogin.getConfig().put("claromentis.guard", "off");
        create(realm, postLogin);
        EntraFixtures.createFirstLoginFlowWithTenantGuard(realm, FIRST_LOGIN_FLOW);
        IdentityProviderRepresentation firstLogin = EntraFixtures.multiTenantOidcProvider(FIRST_LOGIN, simulator);
        firstLogin.setFirstBrokerLoginFlowAlias(FIRST_LOGIN_FLOW);
        firstLogin.setPostBrokerLoginFlowAlias(GUARD_FLOW);
        firstLogin.getConfig().put("claromentis.guard", "off");
        create(realm, firstLogin);
    }

    private static void create(TestRealm realm, IdentityProviderRepresentation provider) {
        HttpResponse<String> created = EntraFixtures.createProvider(realm, provider);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    @AfterAll
    static void stopSimulator() {
        if (simulator != null) {
            simulator.close();
        }
    }

    private static SignInResult signIn(TestRealm realm, String alias, EntraUser user) {
        return signIn(realm, alias, user, Tamper.NONE);
    }

    private static SignInResult signIn(TestRealm realm, String alias, EntraUser user, Tamper tamper) {
        simulator.nextSignIn(user, tamper);
        return BrokerLoginSession.of(realm).signIn(alias);
    }

    private static void assertNoAccount(TestRealm realm, EntraUser user, int usersBefore) {
        assertThat(EntraFixtures.userCount(realm)).isEqualTo(usersBefore);
        assertThat(realm.findUser(user.username())).isEmpty();
    }

    @Nested
    @DisplayName("when the provider has the Entra tenant guard mapper")
    class GuardMapper {

        @Test
        @DisplayName("then a Contoso member signs in and is linked to the provider")
        void contosoMemberSignsIn(TestRealm realm) {
            EntraUser erin = EntraFixtures.member(CONTOSO, CONTOSO_DOMAIN, "Erin");

            SignInResult result = signIn(realm, GUARDED, erin);

            assertThat(result.succeeded()).as(result.describe()).isTrue();
            UserRepresentation user = realm.findUser(erin.username()).orElseThrow();
            assertThat(EntraFixtures.federatedIdentities(realm, user.getId()).get(0).path("identityProvider").asText())
                    .isEqualTo(GUARDED);
        }

        @Test
        @DisplayName("then a Fabrikam user sees the wrong-organisation page and gets no account")
        void fabrikamUserIsRefused(TestRealm realm) {
            EntraUser mallory = EntraFixtures.member(FABRIKAM, FABRIKAM_DOMAIN, "Mallory");
            int before = EntraFixtures.userCount(realm);

            SignInResult result = signIn(realm, GUARDED, mallory);

            assertThat(result.succeeded()).isFalse();
            assertThat(result.status()).isEqualTo(403);
            assertThat(EntraFixtures.visibleText(result.page())).contains(EntraFixtures.message("entraTenantMismatch"));
            assertNoAccount(realm, mallory, before);
            List<JsonNode> events = EntraFixtures.eventsWithReason(realm, "IDENTITY_PROVIDER_LOGIN_ERROR", "tenant_mismatch");
            assertThat(events).isNotEmpty();
            assertThat(events.get(0).path("details").path("identity_provider").asText()).isEqualTo(GUARDED);
            assertThat(events.get(0).path("clientId").asText()).isEqualTo(TestRealm.TEST_CLIENT);
        }

        @Test
        @DisplayName("then a personal Microsoft account sees the personal-account page and gets no account")
        void personalAccountIsRefused(TestRealm realm) {
            EntraUser pat = EntraFixtures.personalAccount("Pat");
            int before = EntraFixtures.userCount(realm);

            SignInResult result = signIn(realm, GUARDED, pat);

            assertThat(result.succeeded()).isFalse();
            assertThat(EntraFixtures.visibleText(result.page())).contains(EntraFixtures.message("entraPersonalAccountRefused"));
            assertNoAccount(realm, pat, before);
        }

        @Test
        @DisplayName("then a guest invited into Contoso from another directory sees the guest page and gets no account")
        void guestIsRefused(TestRealm realm) {
            EntraUser guest = EntraFixtures.guestInContoso(simulator, "Gus");
            int before = EntraFixtures.userCount(realm);

            SignInResult result = signIn(realm, GUARDED, guest);

            assertThat(result.succeeded()).isFalse();
            assertThat(EntraFixtures.visibleText(result.page())).contains(EntraFixtures.message("entraGuestRefused"));
            assertNoAccount(realm, guest, before);
        }

        @Test
        @DisplayName("then a guest whose token has no iss is refused for the missing issuer, not let in unchecked")
        void guestWithoutIssuerIsRefused(TestRealm realm) {
            // The provider validates no issuer (the multi-tenant issuer is a template), so only the guard sees it.
            EntraUser guest = EntraFixtures.guestInContoso(simulator, "Nemo");
            int before = EntraFixtures.userCount(realm);

            SignInResult result = signIn(realm, GUARDED, guest, Tamper.NO_ISSUER);

            assertThat(result.succeeded()).isFalse();
            assertThat(EntraFixtures.visibleText(result.page())).contains(EntraFixtures.message("entraInvalidToken"));
            assertNoAccount(realm, guest, before);
            List<JsonNode> events = EntraFixtures.eventsWithReason(realm, "IDENTITY_PROVIDER_LOGIN_ERROR", "missing_issuer");
            assertThat(events).isNotEmpty();
            assertThat(events.get(0).path("details").path("identity_provider").asText()).isEqualTo(GUARDED);
        }

        @Test
        @DisplayName("then a Contoso member whose token has no iss is refused too: the tenant is not proven by tid alone")
        void memberWithoutIssuerIsRefused(TestRealm realm) {
            EntraUser ned = EntraFixtures.member(CONTOSO, CONTOSO_DOMAIN, "Ned");
            int before = EntraFixtures.userCount(realm);

            SignInResult result = signIn(realm, GUARDED, ned, Tamper.NO_ISSUER);

            assertThat(result.succeeded()).isFalse();
            assertThat(EntraFixtures.visibleText(result.page())).contains(EntraFixtures.message("entraInvalidToken"));
            assertNoAccount(realm, ned, before);
        }
    }

    @Nested
    @DisplayName("when the same kind of provider has no guard (control)")
    class NoGuard {

        @Test
        @DisplayName("then a Fabrikam user gets in: the refusals above come from the guard, not from the setup")
        void fabrikamUserGetsIn(TestRealm realm) {
            SignInResult result = signIn(realm, UNGUARDED, EntraFixtures.member(FABRIKAM, FABRIKAM_DOMAIN, "Trudy"));

            assertThat(result.succeeded()).as(result.describe()).isTrue();
        }
    }

    @Nested
    @DisplayName("when only the provider's post login flow holds the Entra tenant guard authenticator")
    class PostLoginFlowOnly {

        @Test
        @DisplayName("then a Contoso member signs in")
        void contosoMemberSignsIn(TestRealm realm) {
            SignInResult result = signIn(realm, POST_LOGIN, EntraFixtures.member(CONTOSO, CONTOSO_DOMAIN, "Frank"));

            assertThat(result.succeeded()).as(result.describe()).isTrue();
        }

        @Test
        @DisplayName("then a Fabrikam user sees the wrong-organisation page, but Keycloak has already made the account")
        void fabrikamUserIsRefusedTooLate(TestRealm realm) {
            EntraUser oscar = EntraFixtures.member(FABRIKAM, FABRIKAM_DOMAIN, "Oscar");

            SignInResult result = signIn(realm, POST_LOGIN, oscar);

            assertThat(result.succeeded()).isFalse();
            assertThat(EntraFixtures.visibleText(result.page())).contains(EntraFixtures.message("entraTenantMismatch"));
            // Post login flows run after the first broker login flow created and linked the user; this is why the
            // README asks for the guard in the first login flow as well (next class) or, better, the mapper.
            assertThat(realm.findUser(oscar.username())).isPresent();
        }
    }

    @Nested
    @DisplayName("when the guard authenticator is first in the provider's first login flow and in its post login flow")
    class FirstAndPostLoginFlow {

        @Test
        @DisplayName("then a Contoso member signs in, and signs in again")
        void contosoMemberSignsIn(TestRealm realm) {
            EntraUser grace = EntraFixtures.member(CONTOSO, CONTOSO_DOMAIN, "Grace");

            SignInResult first = signIn(realm, FIRST_LOGIN, grace);
            SignInResult again = signIn(realm, FIRST_LOGIN, grace);

            assertThat(first.succeeded()).as(first.describe()).isTrue();
            assertThat(again.succeeded()).as(again.describe()).isTrue();
        }

        @Test
        @DisplayName("then a Fabrikam user sees the wrong-organisation page and gets no account")
        void fabrikamUserIsRefused(TestRealm realm) {
            EntraUser peggy = EntraFixtures.member(FABRIKAM, FABRIKAM_DOMAIN, "Peggy");
            int before = EntraFixtures.userCount(realm);

            SignInResult result = signIn(realm, FIRST_LOGIN, peggy);

            assertThat(result.succeeded()).isFalse();
            assertThat(EntraFixtures.visibleText(result.page())).contains(EntraFixtures.message("entraTenantMismatch"));
            assertNoAccount(realm, peggy, before);
            assertThat(EntraFixtures.eventsWithReason(realm, "IDENTITY_PROVIDER_FIRST_LOGIN_ERROR", "tenant_mismatch")
                    .stream().map(e -> e.path("details").path("identity_provider").asText()))
                    .contains(FIRST_LOGIN);
        }
    }
}
