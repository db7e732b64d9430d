package com.claromentis.keycloak.it.entra;

import com.claromentis.keycloak.testing.entra.EntraSimulator;
import com.claromentis.keycloak.testing.entra.EntraUser;

import com.claromentis.keycloak.testing.entra.EntraSimulator.Tamper;
import com.claromentis.keycloak.testing.BrokerLoginSession;
import com.claromentis.keycloak.testing.KeycloakAdminClient;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.SignInResult;
import com.claromentis.keycloak.testing.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.keycloak.jose.jws.JWSInput;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.util.JsonSerialization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.claromentis.keycloak.it.entra.EntraFixtures.CONTOSO;
import static com.claromentis.keycloak.it.entra.EntraFixtures.CONTOSO_DOMAIN;
import static com.claromentis.keycloak.it.entra.EntraFixtures.FABRIKAM;
import static com.claromentis.keycloak.it.entra.EntraFixtures.FABRIKAM_DOMAIN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * External-to-internal token exchange (RFC 8693) with a Microsoft token: the path of CVE-2026-18215, where Keycloak's
 * {@code microsoft} provider let tokens of any tenant in. A confidential client of the realm hands Keycloak an ID
 * token Entra issued to our app registration and asks for a Keycloak token for the same person.
 *
 * <p>In Keycloak 26.7 this exchange exists only in the preview {@code token-exchange} (v1) feature, and a client may
 * use it only when fine-grained admin permissions v1 ({@code admin-fine-grained-authz:v1}) grant it the provider's
 * {@code token-exchange} permission. Both features are server-wide, so they are switched on for the whole suite in
 * {@code src/test/resources/claromentis-it/keycloak.conf}; this class grants the permission in its own realm.
 *
 * <p>Through {@code entra-id} the subject token is held to every rule of a browser sign-in. Through a generic
 * {@code oidc} provider the {@code entra-tenant-guard-mapper} holds it to the tenant only: Keycloak's v1 exchange
 * checks the signature but ignores the audience of external tokens, and the guard does not look at {@code aud}, so a
 * Contoso token issued to another app is accepted there (use {@code entra-id}).
 */
@RealKeycloak
@DisplayName("Given a realm bound to Contoso whose confidential client may exchange Microsoft tokens")
class EntraTokenExchangeIT {

    private static final String ENTRA = "contoso";
    private static final String GUARDED_OIDC = "ms-oidc-guarded";
    private static final String UNGUARDED_OIDC = "ms-oidc-unguarded";
    private static final String EXCHANGER = "intranet-backend";
    private static final String EXCHANGER_SECRET = "intranet-backend-secret";

    private static final String TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
    private static final String ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";
    private static final String JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt";
    private static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static EntraSimulator simulator;

    @BeforeAll
    static void configure(TestRealm realm) {
        simulator = EntraFixtures.startSimulator();
        EntraFixtures.enableLoginEvents(realm);
        create(realm, EntraFixtures.entraProvider(ENTRA, CONTOSO, simulator));
        // A generic OIDC provider on Microsoft's multi-tenant endpoints, as in EntraTenantGuardIT. Entra ID tokens
        // carry no typ claim, which Keycloak's exchange refuses unless the check is off; admins following Microsoft
        // guides for exchange turn it off, and without the guard any tenant would then get in.
        IdentityProviderRepresentation oidc = EntraFixtures.multiTenantOidcProvider(GUARDED_OIDC, simulator);
        oidc.getConfig().put("disableTypeClaimCheck", "true");
        create(realm, oidc);
        EntraFixtures.attachTenantGuard(realm, GUARDED_OIDC);
        IdentityProviderRepresentation unguarded = EntraFixtures.multiTenantOidcProvider(UNGUARDED_OIDC, simulator);
        unguarded.getConfig().put("disableTypeClaimCheck", "true");
        // The control opts out of the tenant guard every OIDC provider now gets by default.
        unguarded.getConfig().put("claromentis.guard", "off");
        create(realm, unguarded);
        String exchanger = createConfidentialClient(realm);
        grantTokenExchange(realm, exchanger, ENTRA, GUARDED_OIDC, UNGUARDED_OIDC);
    }

    @AfterAll
    static void stopSimulator() {
        if (simulator != null) {
            simulator.close();
        }
    }

    private static void create(TestRealm realm, IdentityProviderRepresentation provider) {
        HttpResponse<String> created = EntraFixtures.createProvider(realm, provider);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    private static String createConfidentialClient(TestRealm realm) {
        ClientRepresentation client = new ClientRepresentation();
        client.setClientId(EXCHANGER);
        client.setEnabled(true);
        client.setPublicClient(false);
        client.setSecret(EXCHANGER_SECRET);
        client.setClientAuthenticatorType("client-secret");
        client.setStandardFlowEnabled(false);
        client.setDirectAccessGrantsEnabled(false);
        return realm.admin().post(realm.adminPath() + "/clients", client);
    }

    /**
     * What an administrator does in the console (identity provider → Permissions → on, then the token-exchange
     * permission → a client policy naming the exchanging client), over the admin REST API of fine-grained admin
     * permissions v1: the permission lives in the realm-management client's authorization settings.
     */
    private static void grantTokenExchange(TestRealm realm, String clientUuid, String... aliases) {
        KeycloakAdminClient admin = realm.admin();
        String realmManagement = admin.get(realm.adminPath() + "/clients?clientId=realm-management").get(0).path("id").asText();
        String authz = realm.adminPath() + "/clients/" + realmManagement + "/authz/resource-server";
        for (String alias : aliases) {
            HttpResponse<String> enabled = admin.exchange("PUT",
                    realm.adminPath() + "/identity-provider/instances/" + alias + "/management/permissions", Map.of("enabled", true));
            assertThat(enabled.statusCode()).as(enabled.body()).isEqualTo(200);
            String permissionId = json(enabled.body()).path("scopePermissions").path("token-exchange").asText();
            assertThat(permissionId).as("token-exchange permission of " + alias + ": " + enabled.body()).isNotBlank();

            Map<String, Object> policy = new LinkedHashMap<>();
            policy.put("name", EXCHANGER + " may exchange " + alias + " tokens");
            policy.put("type", "client");
            policy.put("logic", "POSITIVE");
            policy.put("decisionStrategy", "UNANIMOUS");
            policy.put("clients", List.of(clientUuid));
            HttpResponse<String> createdPolicy = admin.exchange("POST", authz + "/policy/client", policy);
            assertThat(createdPolicy.statusCode()).as(createdPolicy.body()).isEqualTo(201);
            String policyId = json(createdPolicy.body()).path("id").asText();

            ObjectNode permission = (ObjectNode) admin.get(authz + "/permission/scope/" + permissionId);
            permission.putArray("policies").add(policyId);
            HttpResponse<String> updated = admin.exchange("PUT", authz + "/permission/scope/" + permissionId, permission);
            assertThat(updated.statusCode()).as(updated.body()).isIn(200, 201, 204);
        }
    }

    private static JsonNode json(String body) {
        try {
            return JsonSerialization.mapper.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("Not JSON: " + body, e);
        }
    }

    /** The token-exchange request a backend sends; {@code subjectTokenType} may be null to leave it out. */
    private static HttpResponse<String> exchange(TestRealm realm, String subjectIssuer, String subjectToken,
                                                 String subjectTokenType) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", TOKEN_EXCHANGE_GRANT);
        form.put("client_id", EXCHANGER);
        form.put("client_secret", EXCHANGER_SECRET);
        form.put("subject_token", subjectToken);
        if (subjectIssuer != null) {
            form.put("subject_issuer", subjectIssuer);
        }
        if (subjectTokenType != null) {
            form.put("subject_token_type", subjectTokenType);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(realm.realmUrl() + "/protocol/openid-connect/token"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(com.claromentis.keycloak.testing.Browser.encode(form)))
                .build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("Token exchange request failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    private static HttpResponse<String> exchangeIdToken(TestRealm realm, String alias, EntraUser user, Tamper tamper) {
        return exchange(realm, alias, simulator.idToken(user, EntraFixtures.CLIENT_ID, tamper), ID_TOKEN_TYPE);
    }

    private static AccessToken accessTokenOf(HttpResponse<String> response) {
        try {
            return new JWSInput(json(response.body()).path("access_token").asText()).readJsonContent(AccessToken.class);
        } catch (Exception e) {
            throw new AssertionError("No readable access token in " + response.body(), e);
        }
    }

    private static UserRepresentation[] usersLinkedTo(TestRealm realm, String alias, String idpUserId) {
        return realm.admin().get(realm.adminPath() + "/users?idpAlias=" + alias + "&idpUserId=" + idpUserId,
                UserRepresentation[].class);
    }

    private static void assertRefused(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode body = json(response.body());
        assertThat(body.path("error").asText()).isNotBlank();
        assertThat(body.has("access_token")).isFalse();
    }

    @Nested
    @DisplayName("when a Contoso member's ID token is exchanged through the entra-id provider")
    class AcceptedMember {

        @Test
        @DisplayName("then the client gets a Keycloak token for a user linked to the provider by the Entra object id")
        void mapsToTheUserKeyedByObjectId(TestRealm realm) {
            EntraUser alice = EntraFixtures.member(CONTOSO, CONTOSO_DOMAIN, "Alice");

            HttpResponse<String> response = exchangeIdToken(realm, ENTRA, alice, Tamper.NONE);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            UserRepresentation[] linked = usersLinkedTo(realm, ENTRA, alice.objectId());
            assertThat(linked).hasSize(1);
            assertThat(linked[0].getEmail()).isEqualTo(alice.email());
            assertThat(accessTokenOf(response).getSubject()).isEqualTo(linked[0].getId());
            JsonNode links = EntraFixtures.federatedIdentities(realm, linked[0].getId());
            assertThat(links).hasSize(1);
            assertThat(links.get(0).path("identityProvider").asText()).isEqualTo(ENTRA);
            assertThat(links.get(0).path("userId").asText()).isEqualTo(alice.objectId());
        }

        @Test
        @DisplayName("then exchanging again, also as a JWT, reaches the same user instead of creating another")
        void secondExchangeReusesTheUser(TestRealm realm) {
            EntraUser bob = EntraFixtures.member(CONTOSO, CONTOSO_DOMAIN, "Bob");
            HttpResponse<String> first = exchangeIdToken(realm, ENTRA, bob, Tamper.NONE);
            int usersAfterFirst = EntraFixtures.userCount(realm);

            HttpResponse<String> second = exchange(realm, ENTRA,
                    simulator.idToken(bob, EntraFixtures.CLIENT_ID, Tamper.NONE), JWT_TOKEN_TYPE);

            assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
            assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
            assertThat(EntraFixtures.userCount(realm)).isEqualTo(usersAfterFirst);
            assertThat(accessTokenOf(second).getSubject()).isEqualTo(accessTokenOf(first).getSubject());
        }

        @Test
        @DisplayName("then a member who signed in through the browser is the same Keycloak user in the exchange")
        void sameUserAsBrowserSignIn(TestRealm realm) {
            EntraUser carol = EntraFixtures.member(CONTOSO, CONTOSO_DOMAIN, "Carol");
            simulator.nextSignIn(carol);
            SignInResult browser = BrokerLoginSession.of(realm).signIn(ENTRA);
            assertThat(browser.succeeded()).as(browser.describe()).isTrue();
            int usersAfterSignIn = EntraFixtures.userCount(realm);

            HttpResponse<String> response = exchangeIdToken(realm, ENTRA, carol, Tamper.NONE);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(EntraFixtures.userCount(realm)).isEqualTo(usersAfterSignIn);
            assertThat(accessTokenOf(response).getSubject()).isEqualTo(usersLinkedTo(realm, ENTRA, carol.objectId())[0].getId());
        }
    }

    /**
     * One refused exchange through {@code entra-id}: a 400 with an OAuth error and no token, no user, and a
     * TOKEN_EXCHANGE_ERROR event carrying the reason. Subclasses choose who and what is done to the token.
     */
    abstract class RefusedExchange extends RefusedCase {

        RefusedExchange(HostileCase hostile) {
            super(hostile, () -> simulator);
        }

        String tokenType() {
            return ID_TOKEN_TYPE;
        }

        private HttpResponse<String> attempt(TestRealm realm, EntraUser user) {
            return exchange(realm, ENTRA, simulator.idToken(user, EntraFixtures.CLIENT_ID, tamper()), tokenType());
        }

        @Test
        @DisplayName("then Keycloak answers 400 invalid_token and issues no token")
        void isRefused(TestRealm realm) {
            HttpResponse<String> response = attempt(realm, user());

            assertRefused(response);
            assertThat(json(response.body()).path("error").asText()).isEqualTo("invalid_token");
            assertThat(json(response.body()).path("error_description").asText()).contains(reason());
        }

        @Test
        @DisplayName("then no Keycloak user is created or linked")
        void createsNoUser(TestRealm realm) {
            EntraUser user = user();
            int before = EntraFixtures.userCount(realm);

            attempt(realm, user);

            assertThat(EntraFixtures.userCount(realm)).isEqualTo(before);
            assertThat(realm.findUser(user.username())).isEmpty();
            assertThat(usersLinkedTo(realm, ENTRA, user.objectId())).isEmpty();
        }

        @Test
        @DisplayName("then a token-exchange error event names the provider, the client and the reason")
        void recordsTheReason(TestRealm realm) {
            attempt(realm, user());

            List<JsonNode> events = EntraFixtures.eventsWithReason(realm, "TOKEN_EXCHANGE_ERROR", reason());
            assertThat(events).isNotEmpty();
            assertThat(events.get(0).path("error").asText()).isEqualTo("invalid_token");
            assertThat(events.get(0).path("details").path("identity_provider").asText()).isEqualTo(ENTRA);
            assertThat(events.get(0).path("clientId").asText()).isEqualTo(EXCHANGER);
        }
    }

    @Nested
    @DisplayName("when a Fabrikam user's token is exchanged through the Contoso provider (CVE-2026-18215)")
    class OtherTenant extends RefusedExchange {
        OtherTenant() {
            super(HostileCase.OTHER_TENANT);
        }
    }

    @Nested
    @DisplayName("when a personal Microsoft account's token is exchanged")
    class PersonalAccount extends RefusedExchange {
        PersonalAccount() {
            super(HostileCase.PERSONAL_ACCOUNT);
        }
    }

    @Nested
    @DisplayName("when a B2B guest's token is exchanged and guests are not allowed")
    class Guest extends RefusedExchange {
        Guest() {
            super(HostileCase.GUEST);
        }
    }

    @Nested
    @DisplayName("when a Contoso token issued for another application is exchanged")
    class WrongAudience extends RefusedExchange {
        WrongAudience() {
            super(HostileCase.WRONG_AUDIENCE);
        }
    }

    @Nested
    @DisplayName("when a token signed with a key Contoso never published is exchanged")
    class ForeignKey extends RefusedExchange {
        ForeignKey() {
            super(HostileCase.FOREIGN_KEY);
        }
    }

    @Nested
    @DisplayName("when an expired Contoso token is exchanged")
    class Expired extends RefusedExchange {
        Expired() {
            super(HostileCase.EXPIRED);
        }
    }

    @Nested
    @DisplayName("when a Contoso token whose iat is an hour in the future is exchanged")
    class IssuedInFuture extends RefusedExchange {
        IssuedInFuture() {
            super(HostileCase.ISSUED_IN_FUTURE);
        }
    }

    @Nested
    @DisplayName("when a Contoso token issued for our app and another one, without azp, is exchanged")
    class SeveralAudiences extends RefusedExchange {
        SeveralAudiences() {
            super(HostileCase.SEVERAL_AUDIENCES);
        }
    }

    @Nested
    @DisplayName("when a Contoso v1.0 token (ver 1.0, sts.windows.net issuer) is exchanged")
    class V1Token extends RefusedExchange {
        V1Token() {
            super(HostileCase.V1_TOKEN);
        }
    }

    @Nested
    @DisplayName("when a Contoso token whose header says it is an access token (typ at+jwt) is exchanged")
    class AccessTokenTyp extends RefusedExchange {
        AccessTokenTyp() {
            super(HostileCase.ACCESS_TOKEN_TYP);
        }
    }

    @Nested
    @DisplayName("when a Contoso token is presented as an opaque access token (tenant unverifiable)")
    class AccessTokenType extends RefusedExchange {
        AccessTokenType() {
            super(null);
        }

        @Override
        EntraUser user() {
            return EntraFixtures.member(CONTOSO, CONTOSO_DOMAIN, "Opaque");
        }

        @Override
        String tokenType() {
            return ACCESS_TOKEN_TYPE;
        }

        @Override
        String reason() {
            return "unsupported_token_type";
        }
    }

    @Nested
    @DisplayName("when the token is exchanged through a generic oidc provider carrying the Entra tenant guard mapper")
    class GuardMapperOnGenericOidc {

        @Test
        @DisplayName("then a Contoso member's token is accepted and linked to that provider")
        void contosoMemberIsAccepted(TestRealm realm) {
            EntraUser erin = EntraFixtures.member(CONTOSO, CONTOSO_DOMAIN, "Erin");

            HttpResponse<String> response = exchangeIdToken(realm, GUARDED_OIDC, erin, Tamper.NONE);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            UserRepresentation user = realm.findUser(erin.username()).orElseThrow();
            assertThat(accessTokenOf(response).getSubject()).isEqualTo(user.getId());
            assertThat(EntraFixtures.federatedIdentities(realm, user.getId()).get(0).path("identityProvider").asText())
                    .isEqualTo(GUARDED_OIDC);
        }

        @Test
        @DisplayName("then a Fabrikam token is refused with 400, no account, and an event with the reason")
        void fabrikamTokenIsRefused(TestRealm realm) {
            assertGuardRefuses(realm, EntraFixtures.member(FABRIKAM, FABRIKAM_DOMAIN, "Trudy"), "tenant_mismatch");
        }

        @Test
        @DisplayName("then a personal account's token is refused with 400, no account, and an event with the reason")
        void personalAccountIsRefused(TestRealm realm) {
            assertGuardRefuses(realm, EntraFixtures.personalAccount("Pia"), "personal_account");
        }

        @Test
        @DisplayName("then a token signed with a foreign key is refused by Keycloak's own signature check, no account")
        void foreignSignatureIsRefused(TestRealm realm) {
            EntraUser forger = EntraFixtures.member(CONTOSO, CONTOSO_DOMAIN, "Forgery");
            int before = EntraFixtures.userCount(realm);

            HttpResponse<String> response = exchangeIdToken(realm, GUARDED_OIDC, forger, Tamper.FOREIGN_KEY);

            assertRefused(response);
            assertThat(EntraFixtures.userCount(realm)).isEqualTo(before);
            assertThat(realm.findUser(forger.username())).isEmpty();
            assertThat(EntraFixtures.eventsWithReason(realm, "TOKEN_EXCHANGE_ERROR", "token validation failure")).isNotEmpty();
        }

        @Test
        @DisplayName("then the same Fabrikam token gets in through an unguarded provider (control): the refusal is the guard's")
        void unguardedProviderLetsFabrikamIn(TestRealm realm) {
            EntraUser victor = EntraFixtures.member(FABRIKAM, FABRIKAM_DOMAIN, "Victor");

            HttpResponse<String> response = exchangeIdToken(realm, UNGUARDED_OIDC, victor, Tamper.NONE);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(realm.findUser(victor.username())).isPresent();
        }

        private void assertGuardRefuses(TestRealm realm, EntraUser user, String reason) {
            int before = EntraFixtures.userCount(realm);

            HttpResponse<String> response = exchangeIdToken(realm, GUARDED_OIDC, user, Tamper.NONE);

            assertRefused(response);
            assertThat(json(response.body()).path("error").asText()).isEqualTo("invalid_token");
            assertThat(EntraFixtures.userCount(realm)).isEqualTo(before);
            assertThat(realm.findUser(user.username())).isEmpty();
            List<JsonNode> events = EntraFixtures.eventsWithReason(realm, "TOKEN_EXCHANGE_ERROR", reason);
            assertThat(events).isNotEmpty();
            assertThat(events.get(0).path("details").path("identity_provider").asText()).isEqualTo(GUARDED_OIDC);
        }
    }
}
