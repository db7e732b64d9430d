package com.claromentis.keycloak.entra;

import com.claromentis.keycloak.tenant.EntraTenants;
import static com.claromentis.keycloak.entra.TestTokens.CLIENT_ID;
import static com.claromentis.keycloak.entra.TestTokens.NOW;
import static com.claromentis.keycloak.entra.TestTokens.OTHER_TENANT;
import static com.claromentis.keycloak.entra.TestTokens.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.models.IdentityProviderModel;

@DisplayName("Entra claim rules (EntraTenantRules), as the entra-id provider and the tenant guard apply them")
class EntraTenantRulesTest {

    private static final EntraTokenValidator PROVIDER = TestTokens.validator(false);

    private static EntraVerdict provider(String token) {
        return PROVIDER.validate(token, TestTokens.tenantKeys(), NOW);
    }

    /** The guard mapper's and authenticator's path: a generic oidc provider, the token read from the request. */
    private static Optional<EntraRefusal> guard(String token) {
        IdentityProviderModel oidc = new IdentityProviderModel();
        oidc.setAlias("ms-oidc");
        oidc.setProviderId("oidc");
        oidc.setConfig(new HashMap<>(Map.of("authorizationUrl", "https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize")));
        return EntraTenantGuard.check(oidc, new HashMap<>(), () -> token, Optional.of(TENANT), false);
    }

    private static String v2Issuer(String tenant) {
        return "https://login.microsoftonline.com/" + tenant + "/v2.0";
    }

    @Nested
    @DisplayName("Given an ID token of our tenant whose iat")
    class IssuedAt {

        @Test
        @DisplayName("when it lies beyond the clock skew in the future, then it is refused as issued_in_future")
        void futureIsRefused() {
            EntraVerdict verdict = provider(TestTokens.signed(c -> c.issueTime(new Date((NOW + 31) * 1000))));

            assertThat(verdict.refusal()).isEqualTo(EntraRefusal.ISSUED_IN_FUTURE);
            assertThat(verdict.refusal().messageKey()).isEqualTo("entraTokenExpired");
        }

        @Test
        @DisplayName("when it lies ahead by no more than the clock skew, then it is accepted")
        void withinSkewIsAccepted() {
            assertThat(provider(TestTokens.signed(c -> c.issueTime(new Date((NOW + 30) * 1000)))).isAccepted()).isTrue();
        }

        @Test
        @DisplayName("when it is missing (OIDC Core requires it), then it is refused as missing_issued_at")
        void missingIsRefused() {
            assertThat(provider(TestTokens.signed(c -> c.issueTime(null))).refusal()).isEqualTo(EntraRefusal.MISSING_ISSUED_AT);
        }

        @Test
        @DisplayName("when it is not a number, then it is refused as malformed rather than failing the server")
        void notANumberIsMalformed() {
            assertThat(provider(TestTokens.signed(c -> c.claim("iat", "tomorrow"))).refusal()).isEqualTo(EntraRefusal.MALFORMED_TOKEN);
        }
    }

    @Nested
    @DisplayName("Given an ID token whose aud lists our client and another app (OIDC Core 3.1.3.7)")
    class SeveralAudiences {

        private String token(Consumer<JWTClaimsSet.Builder> azp) {
            return TestTokens.signed(c -> azp.accept(c.audience(List.of(CLIENT_ID, "api://another-app"))));
        }

        @Test
        @DisplayName("when it has no azp, then it is refused as missing_authorized_party")
        void withoutAzpIsRefused() {
            assertThat(provider(token(c -> { })).refusal()).isEqualTo(EntraRefusal.MISSING_AUTHORIZED_PARTY);
        }

        @Test
        @DisplayName("when azp names our client, then it is accepted")
        void azpOfOurClientIsAccepted() {
            assertThat(provider(token(c -> c.claim("azp", CLIENT_ID))).isAccepted()).isTrue();
        }

        @Test
        @DisplayName("when azp names the other app, then it is refused as wrong_authorized_party")
        void azpOfAnotherAppIsRefused() {
            assertThat(provider(token(c -> c.claim("azp", "api://another-app"))).refusal())
                    .isEqualTo(EntraRefusal.WRONG_AUTHORIZED_PARTY);
        }

        @Test
        @DisplayName("when the list holds only our client, then no azp is needed")
        void singleAudienceNeedsNoAzp() {
            assertThat(provider(TestTokens.signed(c -> c.audience(List.of(CLIENT_ID)))).isAccepted()).isTrue();
        }
    }

    @Nested
    @DisplayName("Given a token that is not a v2.0 ID token")
    class Version {

        @ParameterizedTest(name = "{0}")
        @MethodSource("com.claromentis.keycloak.entra.EntraTenantRulesTest#v1Tokens")
        @DisplayName("when it is a v1.0 token, then it is refused as v1_token before any other claim is read")
        void v1IsRefused(String name, Consumer<JWTClaimsSet.Builder> v1) {
            assertThat(provider(TestTokens.signed(v1)).refusal()).as(name).isEqualTo(EntraRefusal.V1_TOKEN);
        }

        @ParameterizedTest
        @ValueSource(strings = {"3.0", "2", "2.0 ", ""})
        @DisplayName("when ver is anything but \"2.0\", then it is refused as unsupported_token_version")
        void otherVersionsAreRefused(String ver) {
            assertThat(provider(TestTokens.signed(c -> c.claim("ver", ver))).refusal()).isEqualTo(EntraRefusal.UNSUPPORTED_TOKEN_VERSION);
        }

        @Test
        @DisplayName("when ver is the number 2 instead of the string, then it is refused as unsupported_token_version")
        void numericVersionIsRefused() {
            assertThat(provider(TestTokens.signed(c -> c.claim("ver", 2))).refusal()).isEqualTo(EntraRefusal.UNSUPPORTED_TOKEN_VERSION);
        }
    }

    static Stream<Arguments> v1Tokens() {
        return Stream.of(
                Arguments.of("ver 1.0 and the sts.windows.net issuer", (Consumer<JWTClaimsSet.Builder>) c -> c.claim("ver", "1.0")
                        .issuer("https://sts.windows.net/" + TENANT + "/")),
                Arguments.of("ver 1.0 with a v2.0 issuer", (Consumer<JWTClaimsSet.Builder>) c -> c.claim("ver", "1.0")),
                Arguments.of("sts.windows.net issuer, no ver", (Consumer<JWTClaimsSet.Builder>) c -> c.claim("ver", null)
                        .issuer("https://sts.windows.net/" + TENANT + "/")),
                Arguments.of("sts.windows.net issuer without the trailing slash", (Consumer<JWTClaimsSet.Builder>) c -> c
                        .issuer("https://sts.windows.net/" + TENANT)),
                Arguments.of("China's v1.0 STS", (Consumer<JWTClaimsSet.Builder>) c -> c.issuer("https://sts.chinacloudapi.cn/" + TENANT + "/")),
                Arguments.of("v1.0 token of another tenant", (Consumer<JWTClaimsSet.Builder>) c -> c.claim("ver", "1.0")
                        .claim("tid", OTHER_TENANT).issuer("https://sts.windows.net/" + OTHER_TENANT + "/")));
    }

    @Nested
    @DisplayName("Given the JOSE header typ of a token signed by our tenant")
    class TypeHeader {

        @ParameterizedTest
        @ValueSource(strings = {"JWT", "jwt", "application/jwt"})
        @DisplayName("when it says JWT, as Entra ID tokens do, then the token is accepted")
        void jwtIsAccepted(String typ) {
            assertThat(provider(TestTokens.signedWithType(typ, c -> { })).isAccepted()).isTrue();
        }

        @Test
        @DisplayName("when it is absent, then the token is accepted (typ is optional in RFC 7519)")
        void absentIsAccepted() {
            assertThat(provider(TestTokens.signed(c -> { })).isAccepted()).isTrue();
        }

        @ParameterizedTest
        @ValueSource(strings = {"at+jwt", "application/at+jwt", "logout+jwt", "JWS", "JWT\r\n2026-01-01 INFO forged line"})
        @DisplayName("when it names another kind of token, then it is refused as unexpected_typ")
        void otherKindsAreRefused(String typ) {
            assertThat(provider(TestTokens.signedWithType(typ, c -> { })).refusal()).isEqualTo(EntraRefusal.UNEXPECTED_TYP);
        }
    }

    @Nested
    @DisplayName("Given the same tenant claims reach the entra-id provider and the tenant guard")
    class OneRuleForBoth {

        @ParameterizedTest(name = "{0}")
        @MethodSource("com.claromentis.keycloak.entra.EntraTenantRulesTest#tenantCases")
        @DisplayName("when they are checked, then both refuse them with the same reason")
        void bothRefuseAlike(String name, Consumer<JWTClaimsSet.Builder> tweak, EntraRefusal expected) {
            String token = TestTokens.signed(tweak);

            assertThat(provider(token).refusal()).as("entra-id: " + name).isEqualTo(expected);
            assertThat(guard(token)).as("guard: " + name).contains(expected);
        }

        @Test
        @DisplayName("when a member's token passes the provider, then it passes the guard")
        void memberPassesBoth() {
            String token = TestTokens.signed(c -> c.claim("acct", 0));

            assertThat(provider(token).isAccepted()).isTrue();
            assertThat(guard(token)).isEmpty();
        }
    }

    static Stream<Arguments> tenantCases() {
        return Stream.of(
                tenantCase("iss missing", c -> c.issuer(null), EntraRefusal.MISSING_ISSUER),
                tenantCase("a guest whose token has no iss", c -> c.issuer(null).claim("idp", "https://sts.windows.net/" + OTHER_TENANT + "/"),
                        EntraRefusal.MISSING_ISSUER),
                tenantCase("iss is the {tenantid} template", c -> c.issuer(v2Issuer("{tenantid}")), EntraRefusal.ISSUER_TEMPLATE),
                tenantCase("iss is the {tenant} template", c -> c.issuer(v2Issuer("{tenant}")), EntraRefusal.ISSUER_TEMPLATE),
                tenantCase("iss of another tenant", c -> c.issuer(v2Issuer(OTHER_TENANT)), EntraRefusal.ISSUER_MISMATCH),
                tenantCase("iss on a host that is no Microsoft authority", c -> c.issuer("https://proxy.example/" + TENANT + "/v2.0"),
                        EntraRefusal.ISSUER_MISMATCH),
                tenantCase("tid of another tenant", c -> c.claim("tid", OTHER_TENANT).issuer(v2Issuer(OTHER_TENANT)),
                        EntraRefusal.TENANT_MISMATCH),
                tenantCase("tid missing", c -> c.claim("tid", null), EntraRefusal.MISSING_TENANT),
                tenantCase("personal account", c -> c.claim("tid", EntraTenants.PERSONAL_ACCOUNT_TENANT)
                        .issuer(v2Issuer(EntraTenants.PERSONAL_ACCOUNT_TENANT)), EntraRefusal.PERSONAL_ACCOUNT),
                tenantCase("guest by idp", c -> c.claim("idp", "https://sts.windows.net/" + OTHER_TENANT + "/"), EntraRefusal.GUEST_USER),
                tenantCase("guest by acct 1", c -> c.claim("acct", 1), EntraRefusal.GUEST_USER),
                tenantCase("acct that is not a number", c -> c.claim("acct", "0"), EntraRefusal.GUEST_USER));
    }

    private static Arguments tenantCase(String name, Consumer<JWTClaimsSet.Builder> tweak, EntraRefusal expected) {
        return Arguments.of(name, tweak, expected);
    }

    @Nested
    @DisplayName("Given the guard reads a token another provider has validated")
    class GuardOnly {

        @Test
        @DisplayName("when it is a Microsoft Graph access token (v1.0, sts.windows.net) of the realm's tenant, then it passes:"
                + " the built-in microsoft provider holds no other token")
        void graphAccessTokenPasses() {
            String graph = TestTokens.signed(c -> c.claim("ver", "1.0").audience("https://graph.microsoft.com")
                    .issuer("https://sts.windows.net/" + TENANT + "/"));

            assertThat(guard(graph)).isEmpty();
        }

        @Test
        @DisplayName("when its v2.0 issuer is on a loopback test authority, then it passes, as the entra-id provider allows")
        void loopbackAuthorityPasses() {
            assertThat(guard(TestTokens.signed(c -> c.issuer("http://127.0.0.1:8089/" + TENANT + "/v2.0")))).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"https://sts.windows.net/%s/extra/", "https://sts.windows.net:444/%s/", "http://sts.windows.net/%s/",
                "https://login.microsoftonline.com/%s/v2.0?x=1", "https://login.microsoftonline.com/%s/v2.0/",
                "https://login.microsoftonline.com.evil.example/%s/v2.0", "https://user@login.microsoftonline.com/%s/v2.0"})
        @DisplayName("when its issuer only looks like an Entra issuer of the tenant, then it is refused as issuer_mismatch")
        void lookAlikeIssuersAreRefused(String template) {
            assertThat(guard(TestTokens.signed(c -> c.issuer(template.formatted(TENANT))))).contains(EntraRefusal.ISSUER_MISMATCH);
        }
    }
}
