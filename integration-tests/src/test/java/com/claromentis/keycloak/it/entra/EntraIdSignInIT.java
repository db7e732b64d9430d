package com.claromentis.keycloak.it.entra;

import com.claromentis.keycloak.testing.entra.EntraSimulator;
import com.claromentis.keycloak.testing.entra.EntraUser;

import com.claromentis.keycloak.testing.entra.EntraSimulator.AuthorizeRequest;
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
import org.keycloak.representations.idm.UserRepresentation;

import java.util.List;

import static com.claromentis.keycloak.it.entra.EntraFixtures.CONTOSO;
import static com.claromentis.keycloak.it.entra.EntraFixtures.CONTOSO_DOMAIN;
import static org.assertj.core.api.Assertions.assertThat;

@RealKeycloak
@DisplayName("Given a realm that signs in with Contoso's Entra tenant through an entra-id provider")
class EntraIdSignInIT {

    private static final String ALIAS = "contoso";

    private static EntraSimulator simulator;

    @BeforeAll
    static void bindRealmToContoso(TestRealm realm) {
        simulator = EntraFixtures.startSimulator();
        EntraFixtures.enableLoginEvents(realm);
        var created = EntraFixtures.createProvider(realm, EntraFixtures.entraProvider(ALIAS, CONTOSO, simulator));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    @AfterAll
    static void stopSimulator() {
        if (simulator != null) {
            simulator.close();
        }
    }

    private static UserRepresentation[] usersLinkedTo(TestRealm realm, String objectId) {
        return realm.admin().get(realm.adminPath() + "/users?idpAlias=" + ALIAS + "&idpUserId=" + objectId,
                UserRepresentation[].class);
    }

    @Nested
    @DisplayName("when a member of Contoso signs in through the browser")
    class Member {

        @Test
        @DisplayName("then they reach the application with their Entra name and email")
        void signsIn(TestRealm realm) {
            EntraUser alice = EntraFixtures.member(CONTOSO, CONTOSO_DOMAIN, "Alice");
            simulator.nextSignIn(alice);

            SignInResult result = BrokerLoginSession.of(realm).signIn(ALIAS);

            assertThat(result.succeeded()).as(result.describe()).isTrue();
            assertThat(result.idTokenClaims().path("email").asText()).isEqualTo(alice.email());
            assertThat(result.idTokenClaims().path("name").asText()).isEqualTo("Alice Tester");
        }

        @Test
        @DisplayName("then the administrator sees a user linked to the provider by the Entra object id")
        void isLinkedByObjectId(TestRealm realm) {
            EntraUser bob = EntraFixtures.member(CONTOSO, CONTOSO_DOMAIN, "Bob");
            simulator.nextSignIn(bob);

            SignInResult result = BrokerLoginSession.of(realm).signIn(ALIAS);

            assertThat(result.succeeded()).as(result.describe()).isTrue();
            UserRepresentation[] linked = usersLinkedTo(realm, bob.objectId());
            assertThat(linked).hasSize(1);
            assertThat(linked[0].getEmail()).isEqualTo(bob.email());
            JsonNode links = EntraFixtures.federatedIdentities(realm, linked[0].getId());
            assertThat(links).hasSize(1);
            assertThat(links.get(0).path("identityProvider").asText()).isEqualTo(ALIAS);
            assertThat(links.get(0).path("userId").asText()).isEqualTo(bob.objectId());
        }

        @Test
        @DisplayName("then signing in again finds the same user instead of creating another")
        void secondSignInReusesTheUser(TestRealm realm) {
            EntraUser carol = EntraFixtures.member(CONTOSO, CONTOSO_DOMAIN, "Carol");
            simulator.nextSignIn(carol);
            SignInResult first = BrokerLoginSession.of(realm).signIn(ALIAS);
            int usersAfterFirst = EntraFixtures.userCount(realm);
            simulator.nextSignIn(carol);

            SignInResult second = BrokerLoginSession.of(realm).signIn(ALIAS);

            assertThat(first.succeeded()).as(first.describe()).isTrue();
            assertThat(second.succeeded()).as(second.describe()).isTrue();
            assertThat(EntraFixtures.userCount(realm)).isEqualTo(usersAfterFirst);
            assertThat(second.idTokenClaims().path("sub").asText()).isEqualTo(first.idTokenClaims().path("sub").asText());
        }

        @Test
        @DisplayName("then Keycloak sent the browser to Contoso's own authorize endpoint with PKCE and a nonce")
        void usesTheTenantEndpoint(TestRealm realm) {
            simulator.nextSignIn(EntraFixtures.member(CONTOSO, CONTOSO_DOMAIN, "Dave"));

            SignInResult result = BrokerLoginSession.of(realm).signIn(ALIAS);

            assertThat(result.succeeded()).as(result.describe()).isTrue();
            List<AuthorizeRequest> requests = simulator.authorizeRequests();
            AuthorizeRequest last = requests.get(requests.size() - 1);
            assertThat(last.tenantSegment()).isEqualTo(CONTOSO);
            assertThat(last.params()).containsEntry("client_id", EntraFixtures.CLIENT_ID)
                    .containsEntry("code_challenge_method", "S256")
                    .containsKeys("nonce", "code_challenge", "state");
            assertThat(last.params().get("redirect_uri")).endsWith("/realms/" + realm.name() + "/broker/" + ALIAS + "/endpoint");
        }
    }

    /**
     * One refused sign-in: the page the user sees, no account, and the event an administrator can read.
     * Subclasses choose who signs in and what is done to the token.
     */
    abstract class RefusedSignIn extends RefusedCase {

        RefusedSignIn(HostileCase hostile) {
            super(hostile, () -> simulator);
        }

        private SignInResult attempt(TestRealm realm, EntraUser user) {
            simulator.nextSignIn(user, tamper());
            return BrokerLoginSession.of(realm).signIn(ALIAS);
        }

        @Test
        @DisplayName("then the theme's refusal page (403) tells them why, and they get no tokens")
        void showsThePage(TestRealm realm) {
            SignInResult result = attempt(realm, user());

            assertThat(result.succeeded()).isFalse();
            assertThat(result.status()).isEqualTo(403);
            assertThat(result.page()).contains("id=\"claromentis-refusal\"").doesNotContain("at org.keycloak");
            assertThat(EntraFixtures.visibleText(result.page())).contains(EntraFixtures.message(messageKey()));
        }

        @Test
        @DisplayName("then the page's reference code is the one in the login-error event")
        void referenceCodeIsInTheEvent(TestRealm realm) {
            SignInResult result = attempt(realm, user());

            String reference = EntraFixtures.referenceCode(result.page());
            List<JsonNode> events = EntraFixtures.eventsWithReason(realm, "IDENTITY_PROVIDER_LOGIN_ERROR", reason());
            assertThat(events).extracting(e -> e.path("details").path("claromentis_reference").asText()).contains(reference);
        }

        @Test
        @DisplayName("then no Keycloak user is created or linked")
        void createsNoUser(TestRealm realm) {
            EntraUser user = user();
            int before = EntraFixtures.userCount(realm);

            attempt(realm, user);

            assertThat(EntraFixtures.userCount(realm)).isEqualTo(before);
            assertThat(realm.findUser(user.username())).isEmpty();
            assertThat(usersLinkedTo(realm, user.objectId())).isEmpty();
        }

        @Test
        @DisplayName("then a login-error event names the provider and the reason")
        void recordsTheReason(TestRealm realm) {
            attempt(realm, user());

            List<JsonNode> events = EntraFixtures.eventsWithReason(realm, "IDENTITY_PROVIDER_LOGIN_ERROR", reason());
            assertThat(events).isNotEmpty();
            assertThat(events.get(0).path("error").asText()).isEqualTo("identity_provider_login_failure");
            assertThat(events.get(0).path("details").path("identity_provider").asText()).isEqualTo(ALIAS);
        }
    }

    @Nested
    @DisplayName("when a user of another organisation (Fabrikam) comes back with a Fabrikam token")
    class OtherTenant extends RefusedSignIn {
        OtherTenant() {
            super(HostileCase.OTHER_TENANT);
        }
    }

    @Nested
    @DisplayName("when someone signs in with a personal Microsoft account")
    class PersonalAccount extends RefusedSignIn {
        PersonalAccount() {
            super(HostileCase.PERSONAL_ACCOUNT);
        }
    }

    @Nested
    @DisplayName("when a B2B guest of Contoso signs in and guests are not allowed")
    class Guest extends RefusedSignIn {
        Guest() {
            super(HostileCase.GUEST);
        }
    }

    @Nested
    @DisplayName("when a Contoso ID token was issued for another application")
    class WrongAudience extends RefusedSignIn {
        WrongAudience() {
            super(HostileCase.WRONG_AUDIENCE);
        }
    }

    @Nested
    @DisplayName("when the ID token is signed with a key Contoso never published")
    class ForeignKey extends RefusedSignIn {
        ForeignKey() {
            super(HostileCase.FOREIGN_KEY);
        }
    }

    @Nested
    @DisplayName("when the ID token expired an hour ago")
    class Expired extends RefusedSignIn {
        Expired() {
            super(HostileCase.EXPIRED);
        }

        @Test
        @DisplayName("then the page keeps the apostrophe of \"this server's clock\" (theme texts go through MessageFormat)")
        void keepsTheApostrophe(TestRealm realm) {
            simulator.nextSignIn(user(), tamper());

            SignInResult result = BrokerLoginSession.of(realm).signIn(ALIAS);

            assertThat(EntraFixtures.visibleText(result.page())).contains("or this server's clock is wrong");
        }
    }

    @Nested
    @DisplayName("when the ID token's iat says it is only issued an hour from now")
    class IssuedInFuture extends RefusedSignIn {
        IssuedInFuture() {
            super(HostileCase.ISSUED_IN_FUTURE);
        }
    }

    @Nested
    @DisplayName("when the ID token is issued for our app and another one, without azp")
    class SeveralAudiences extends RefusedSignIn {
        SeveralAudiences() {
            super(HostileCase.SEVERAL_AUDIENCES);
        }
    }

    @Nested
    @DisplayName("when the ID token is a v1.0 token (ver 1.0, sts.windows.net issuer) of Contoso")
    class V1Token extends RefusedSignIn {
        V1Token() {
            super(HostileCase.V1_TOKEN);
        }
    }

    @Nested
    @DisplayName("when the token's header says it is an access token (typ at+jwt)")
    class AccessTokenTyp extends RefusedSignIn {
        AccessTokenTyp() {
            super(HostileCase.ACCESS_TOKEN_TYP);
        }
    }
}
