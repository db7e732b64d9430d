package com.claromentis.keycloak.entra;

import com.claromentis.keycloak.tenant.EntraAuthority;
import com.claromentis.keycloak.tenant.EntraTenants;
import static com.claromentis.keycloak.entra.TestTokens.CLIENT_ID;
import static com.claromentis.keycloak.entra.TestTokens.ISSUER;
import static com.claromentis.keycloak.entra.TestTokens.NOW;
import static com.claromentis.keycloak.entra.TestTokens.OID;
import static com.claromentis.keycloak.entra.TestTokens.OTHER_TENANT;
import static com.claromentis.keycloak.entra.TestTokens.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Date;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EntraTokenValidatorTest {

    private static final EntraTokenValidator MEMBERS_ONLY = TestTokens.validator(false);
    private static final EntraTokenValidator GUESTS_ALLOWED = TestTokens.validator(true);

    private static final String PERSONAL = EntraTenants.PERSONAL_ACCOUNT_TENANT;

    static Stream<Arguments> hostileTokens() {
        return Stream.of(
                hostile("token of another tenant, signed by our tenant's key",
                        () -> TestTokens.signed(c -> c.claim("tid", OTHER_TENANT)
                                .issuer("https://login.microsoftonline.com/" + OTHER_TENANT + "/v2.0")),
                        EntraRefusal.TENANT_MISMATCH),
                hostile("personal Microsoft account",
                        () -> TestTokens.signed(c -> c.claim("tid", PERSONAL)
                                .issuer("https://login.microsoftonline.com/" + PERSONAL + "/v2.0")),
                        EntraRefusal.PERSONAL_ACCOUNT),
                hostile("B2B guest from another directory",
                        () -> TestTokens.signed(c -> c.claim("idp", "https://sts.windows.net/" + OTHER_TENANT + "/")),
                        EntraRefusal.GUEST_USER),
                hostile("personal account invited as guest",
                        () -> TestTokens.signed(c -> c.claim("idp", "https://sts.windows.net/" + PERSONAL + "/")),
                        EntraRefusal.GUEST_USER),
                hostile("iss of another tenant with our tid",
                        () -> TestTokens.signed(c -> c.issuer("https://login.microsoftonline.com/" + OTHER_TENANT + "/v2.0")),
                        EntraRefusal.ISSUER_MISMATCH),
                hostile("iss is the multi-tenant {tenantid} template",
                        () -> TestTokens.signed(c -> c.issuer("https://login.microsoftonline.com/{tenantid}/v2.0")),
                        EntraRefusal.ISSUER_TEMPLATE),
                hostile("tid missing", () -> TestTokens.signed(c -> c.claim("tid", null)), EntraRefusal.MISSING_TENANT),
                hostile("oid missing", () -> TestTokens.signed(c -> c.claim("oid", null)), EntraRefusal.MISSING_OBJECT_ID),
                hostile("iss missing", () -> TestTokens.signed(c -> c.issuer(null)), EntraRefusal.MISSING_ISSUER),
                hostile("alg none", TestTokens::unsigned, EntraRefusal.UNSIGNED_TOKEN),
                hostile("alg none with a real signature appended",
                        () -> {
                            String real = TestTokens.signed(c -> { });
                            return TestTokens.b64("{\"alg\":\"none\"}") + real.substring(real.indexOf('.'));
                        },
                        EntraRefusal.UNSIGNED_TOKEN),
                hostile("alg NoNe in mixed case (not a JOSE algorithm, refused while parsing)",
                        () -> TestTokens.b64("{\"alg\":\"NoNe\"}") + "." + TestTokens.b64("{\"tid\":\"" + TENANT + "\"}") + ".",
                        EntraRefusal.MALFORMED_TOKEN),
                hostile("HS256 (public key used as HMAC secret)", TestTokens::hmacSigned, EntraRefusal.UNSUPPORTED_ALGORITHM),
                hostile("signed with an attacker's key", () -> TestTokens.signedWith(TestTokens.OTHER_KEY, c -> { }),
                        EntraRefusal.BAD_SIGNATURE),
                hostile("payload swapped after signing",
                        () -> {
                            String[] parts = TestTokens.signed(c -> { }).split("\\.");
                            String otherPayload = TestTokens.signed(c -> c.claim("tid", OTHER_TENANT)).split("\\.")[1];
                            return parts[0] + "." + otherPayload + "." + parts[2];
                        },
                        EntraRefusal.BAD_SIGNATURE),
                hostile("signature stripped",
                        () -> {
                            String real = TestTokens.signed(c -> { });
                            return real.substring(0, real.lastIndexOf('.') + 1);
                        },
                        EntraRefusal.BAD_SIGNATURE),
                hostile("expired beyond the clock skew",
                        () -> TestTokens.signed(c -> c.expirationTime(new Date((NOW - 31) * 1000))), EntraRefusal.EXPIRED),
                hostile("not yet valid beyond the clock skew",
                        () -> TestTokens.signed(c -> c.notBeforeTime(new Date((NOW + 31) * 1000))), EntraRefusal.NOT_YET_VALID),
                hostile("no exp", () -> TestTokens.signed(c -> c.expirationTime(null)), EntraRefusal.MISSING_EXPIRY),
                hostile("audience is another app", () -> TestTokens.signed(c -> c.audience("00000003-0000-0000-c000-000000000000")),
                        EntraRefusal.WRONG_AUDIENCE),
                hostile("several audiences, none ours",
                        () -> TestTokens.signed(c -> c.audience(List.of("api://other", "https://graph.microsoft.com"))),
                        EntraRefusal.WRONG_AUDIENCE),
                hostile("azp is another client", () -> TestTokens.signed(c -> c.claim("azp", "some-other-client")),
                        EntraRefusal.WRONG_AUTHORIZED_PARTY),
                hostile("oid not a GUID", () -> TestTokens.signed(c -> c.claim("oid", "alan@contoso.com")),
                        EntraRefusal.INVALID_OBJECT_ID),
                hostile("oid is a number", () -> TestTokens.signed(c -> c.claim("oid", 42)), EntraRefusal.INVALID_OBJECT_ID),
                hostile("tid padded with whitespace", () -> TestTokens.signed(c -> c.claim("tid", " " + TENANT + " ")),
                        EntraRefusal.INVALID_TENANT_CLAIM),
                hostile("tid in upper case", () -> TestTokens.signed(c -> c.claim("tid", TENANT.toUpperCase())),
                        EntraRefusal.INVALID_TENANT_CLAIM),
                hostile("tid as an array holding our tenant", () -> TestTokens.signed(c -> c.claim("tid", List.of(TENANT))),
                        EntraRefusal.INVALID_TENANT_CLAIM),
                hostile("tid with a trailing newline", () -> TestTokens.signed(c -> c.claim("tid", TENANT + "\n")),
                        EntraRefusal.INVALID_TENANT_CLAIM),
                hostile("issuer on another authority host",
                        () -> TestTokens.signed(c -> c.issuer("https://login.microsoftonline.us/" + TENANT + "/v2.0")),
                        EntraRefusal.ISSUER_MISMATCH),
                hostile("issuer on a look-alike host",
                        () -> TestTokens.signed(c -> c.issuer("https://login.microsoftonline.com.evil.com/" + TENANT + "/v2.0")),
                        EntraRefusal.ISSUER_MISMATCH),
                hostile("http issuer", () -> TestTokens.signed(c -> c.issuer("http://login.microsoftonline.com/" + TENANT + "/v2.0")),
                        EntraRefusal.ISSUER_MISMATCH),
                hostile("v1 issuer of our tenant", () -> TestTokens.signed(c -> c.issuer("https://sts.windows.net/" + TENANT + "/")),
                        EntraRefusal.V1_TOKEN),
                hostile("issuer with a trailing slash", () -> TestTokens.signed(c -> c.issuer(ISSUER + "/")),
                        EntraRefusal.ISSUER_MISMATCH),
                hostile("iss is an array", () -> TestTokens.rawSigned("{\"alg\":\"RS256\"}",
                                "{\"iss\":[\"" + ISSUER + "\"],\"tid\":\"" + TENANT + "\",\"aud\":\"" + CLIENT_ID + "\",\"exp\":" + (NOW + 60) + "}"),
                        EntraRefusal.MALFORMED_TOKEN),
                hostile("empty token", () -> "", EntraRefusal.MALFORMED_TOKEN),
                hostile("null token", () -> null, EntraRefusal.MALFORMED_TOKEN),
                hostile("non-JWT garbage", () -> "not a token at all", EntraRefusal.MALFORMED_TOKEN),
                hostile("garbage in three parts", () -> "%%%.$$$.***", EntraRefusal.MALFORMED_TOKEN),
                hostile("JWE-shaped five parts", () -> "a.b.c.d.e", EntraRefusal.MALFORMED_TOKEN),
                hostile("payload is not JSON", () -> TestTokens.rawSigned("{\"alg\":\"RS256\"}", "tid=" + TENANT),
                        EntraRefusal.MALFORMED_TOKEN),
                hostile("huge claim", () -> TestTokens.signed(c -> c.claim("groups", "x".repeat(40_000))),
                        EntraRefusal.TOKEN_TOO_LARGE));
    }

    private static Arguments hostile(String name, Supplier<String> token, EntraRefusal expected) {
        return Arguments.of(name, token, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileTokens")
    void refusesHostileToken(String name, Supplier<String> token, EntraRefusal expected) {
        EntraVerdict verdict = MEMBERS_ONLY.validate(token.get(), TestTokens.tenantKeys(), NOW);

        assertThat(verdict.isAccepted()).as(name).isFalse();
        assertThat(verdict.refusal()).as(name).isEqualTo(expected);
    }

    @Test
    void hostileTableIsLargeEnough() {
        assertThat(hostileTokens().count()).isGreaterThanOrEqualTo(20);
    }

    @Test
    void acceptsMember() {
        EntraVerdict verdict = MEMBERS_ONLY.validate(TestTokens.signed(c -> { }), TestTokens.tenantKeys(), NOW);

        assertThat(verdict.isAccepted()).isTrue();
        assertThat(verdict.objectId()).isEqualTo(OID);
    }

    @Test
    void acceptsMemberWhoseIdpEqualsIssuer() {
        EntraVerdict verdict = MEMBERS_ONLY.validate(TestTokens.signed(c -> c.claim("idp", ISSUER)), TestTokens.tenantKeys(), NOW);

        assertThat(verdict.isAccepted()).isTrue();
    }

    @Test
    void acceptsGuestWhenGuestsAllowed() {
        String guest = TestTokens.signed(c -> c.claim("idp", "https://sts.windows.net/" + OTHER_TENANT + "/"));

        assertThat(GUESTS_ALLOWED.validate(guest, TestTokens.tenantKeys(), NOW).isAccepted()).isTrue();
    }

    @Test
    void guestsAllowedStillRefusesOtherTenantsAndPersonalAccounts() {
        String personal = TestTokens.signed(c -> c.claim("tid", PERSONAL)
                .issuer("https://login.microsoftonline.com/" + PERSONAL + "/v2.0"));

        assertThat(GUESTS_ALLOWED.validate(personal, TestTokens.tenantKeys(), NOW).refusal())
                .isEqualTo(EntraRefusal.PERSONAL_ACCOUNT);
    }

    @Test
    void acceptsTokenExpiredWithinClockSkew() {
        String token = TestTokens.signed(c -> c.expirationTime(new Date((NOW - 29) * 1000)));

        assertThat(MEMBERS_ONLY.validate(token, TestTokens.tenantKeys(), NOW).isAccepted()).isTrue();
    }

    @Test
    void acceptsAudienceListContainingOurClientWhenAzpNamesUs() {
        String token = TestTokens.signed(c -> c.audience(List.of("api://other", CLIENT_ID)).claim("azp", CLIENT_ID));

        assertThat(MEMBERS_ONLY.validate(token, TestTokens.tenantKeys(), NOW).isAccepted()).isTrue();
    }

    @Test
    void acceptsLocalTestAuthority() {
        EntraAuthority authority = EntraAuthority.parse("http://127.0.0.1:8089/");
        String localIssuer = authority.issuer(TENANT);
        EntraTokenValidator local = new EntraTokenValidator(new EntraTenantRules(authority, TENANT, CLIENT_ID, false, 0));

        assertThat(local.validate(TestTokens.signed(c -> c.issuer(localIssuer)), TestTokens.tenantKeys(), NOW).isAccepted()).isTrue();
    }

    @Test
    void signatureIsCheckedBeforeClaims() {
        String forged = TestTokens.signedWith(TestTokens.OTHER_KEY, c -> c.claim("tid", EntraTenants.PERSONAL_ACCOUNT_TENANT));

        assertThat(MEMBERS_ONLY.validate(forged, TestTokens.tenantKeys(), NOW).refusal()).isEqualTo(EntraRefusal.BAD_SIGNATURE);
    }
}
