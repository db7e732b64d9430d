package com.claromentis.keycloak.entra;

import com.claromentis.keycloak.tenant.EntraTenants;
import static com.claromentis.keycloak.entra.TestTokens.OTHER_TENANT;
import static com.claromentis.keycloak.entra.TestTokens.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.keycloak.broker.oidc.AbstractOAuth2IdentityProvider;
import org.keycloak.broker.oidc.OIDCIdentityProvider;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.representations.JsonWebToken;

class EntraTenantGuardTest {

    private static final Optional<String> REALM_TENANT = Optional.of(TENANT);

    private static IdentityProviderModel idp(String providerId, Map<String, String> config) {
        IdentityProviderModel model = new IdentityProviderModel();
        model.setAlias(providerId + "-alias");
        model.setProviderId(providerId);
        model.setConfig(new HashMap<>(config));
        return model;
    }

    private static Map<String, Object> validatedIdToken(String tid, String issuer) {
        JsonWebToken token = new JsonWebToken().issuer(issuer);
        if (tid != null) {
            token.setOtherClaims("tid", tid);
        }
        Map<String, Object> data = new HashMap<>();
        data.put(OIDCIdentityProvider.VALIDATED_ID_TOKEN, token);
        return data;
    }

    private static String accessToken(String tid) {
        return TestTokens.signed(c -> c.claim("tid", tid).issuer("https://sts.windows.net/" + tid + "/"));
    }

    private static Map<String, Object> federatedAccessToken(String tid) {
        Map<String, Object> data = new HashMap<>();
        data.put(AbstractOAuth2IdentityProvider.FEDERATED_ACCESS_TOKEN, accessToken(tid));
        return data;
    }

    private static String v2Issuer(String tid) {
        return "https://login.microsoftonline.com/" + tid + "/v2.0";
    }

    @Test
    void microsoftSocialProviderFromRealmTenantPasses() {
        assertThat(EntraTenantGuard.check(idp("microsoft", Map.of()), federatedAccessToken(TENANT), () -> null, REALM_TENANT))
                .isEmpty();
    }

    @Test
    void microsoftSocialProviderFromAnotherTenantIsRefused() {
        assertThat(EntraTenantGuard.check(idp("microsoft", Map.of()), federatedAccessToken(OTHER_TENANT), () -> null, REALM_TENANT))
                .contains(EntraRefusal.TENANT_MISMATCH);
    }

    @Test
    void microsoftSocialProviderWithPersonalAccountIsRefused() {
        assertThat(EntraTenantGuard.check(idp("microsoft", Map.of()),
                federatedAccessToken(EntraTenants.PERSONAL_ACCOUNT_TENANT), () -> null, REALM_TENANT))
                .contains(EntraRefusal.PERSONAL_ACCOUNT);
    }

    @Test
    void tokenExchangeSubjectTokenIsUsedWhenContextHasNoToken() {
        assertThat(EntraTenantGuard.check(idp("microsoft", Map.of()), new HashMap<>(), () -> accessToken(OTHER_TENANT), REALM_TENANT))
                .contains(EntraRefusal.TENANT_MISMATCH);
    }

    @Test
    void microsoftSignInWithoutAnyTokenIsRefused() {
        assertThat(EntraTenantGuard.check(idp("microsoft", Map.of()), new HashMap<>(), () -> null, REALM_TENANT))
                .contains(EntraRefusal.MISSING_TENANT);
    }

    @Test
    void opaqueMicrosoftAccessTokenIsRefused() {
        Map<String, Object> data = new HashMap<>();
        data.put(AbstractOAuth2IdentityProvider.FEDERATED_ACCESS_TOKEN, "EwBwA8l6BAAU-opaque");

        assertThat(EntraTenantGuard.check(idp("microsoft", Map.of()), data, () -> null, REALM_TENANT))
                .contains(EntraRefusal.MISSING_TENANT);
    }

    @Test
    void genericOidcAtMicrosoftCommonEndpointFromAnotherTenantIsRefused() {
        IdentityProviderModel oidc = idp("oidc", Map.of("authorizationUrl", "https://login.microsoftonline.com/common/oauth2/v2.0/authorize"));

        assertThat(EntraTenantGuard.check(oidc, validatedIdToken(OTHER_TENANT, v2Issuer(OTHER_TENANT)), () -> null, REALM_TENANT))
                .contains(EntraRefusal.TENANT_MISMATCH);
    }

    @Test
    void genericOidcOnSovereignCloudIsRecognised() {
        IdentityProviderModel oidc = idp("oidc", Map.of("tokenUrl", "https://login.microsoftonline.us/x/oauth2/v2.0/token"));

        assertThat(EntraTenantGuard.check(oidc, new HashMap<>(), () -> null, REALM_TENANT)).contains(EntraRefusal.MISSING_TENANT);
    }

    @Test
    void genericOidcElsewhereButWithEntraClaimsIsTreatedAsMicrosoft() {
        IdentityProviderModel proxy = idp("oidc", Map.of("authorizationUrl", "https://proxy.example/authorize"));

        assertThat(EntraTenantGuard.check(proxy, validatedIdToken(OTHER_TENANT, "https://proxy.example"), () -> null, REALM_TENANT))
                .contains(EntraRefusal.TENANT_MISMATCH);
    }

    @Test
    void nonMicrosoftProviderPasses() {
        IdentityProviderModel google = idp("oidc", Map.of("authorizationUrl", "https://accounts.google.com/o/oauth2/v2/auth"));

        assertThat(EntraTenantGuard.check(google, validatedIdToken(null, "https://accounts.google.com"), () -> null, REALM_TENANT))
                .isEmpty();
    }

    @Test
    void lookAlikeHostIsNotMistakenForNonMicrosoftButClaimsStillCount() {
        IdentityProviderModel lookAlike = idp("oidc", Map.of("authorizationUrl", "https://login.microsoftonline.com.evil.example/x"));

        assertThat(EntraTenantGuard.isMicrosoft(lookAlike, Optional.empty())).isFalse();
        assertThat(EntraTenantGuard.check(lookAlike, validatedIdToken(OTHER_TENANT, v2Issuer(OTHER_TENANT)), () -> null, REALM_TENANT))
                .contains(EntraRefusal.TENANT_MISMATCH);
    }

    @Test
    void realmWithoutTenantRefusesMicrosoftSignIns() {
        assertThat(EntraTenantGuard.check(idp("microsoft", Map.of()), federatedAccessToken(TENANT), () -> null, Optional.empty()))
                .contains(EntraRefusal.REALM_TENANT_UNKNOWN);
    }

    @Test
    void issuerOfAnotherTenantThanTidIsRefused() {
        assertThat(EntraTenantGuard.check(idp("oidc", Map.of()), validatedIdToken(TENANT, v2Issuer(OTHER_TENANT)), () -> null, REALM_TENANT))
                .contains(EntraRefusal.ISSUER_MISMATCH);
    }

    @Test
    void issuerTemplateIsRefused() {
        assertThat(EntraTenantGuard.check(idp("oidc", Map.of()), validatedIdToken(TENANT, v2Issuer("{tenantid}")), () -> null, REALM_TENANT))
                .contains(EntraRefusal.ISSUER_TEMPLATE);
    }

    @Test
    void tidCaseTrickIsRefused() {
        assertThat(EntraTenantGuard.check(idp("oidc", Map.of()), validatedIdToken(TENANT.toUpperCase(), v2Issuer(TENANT)), () -> null, REALM_TENANT))
                .contains(EntraRefusal.INVALID_TENANT_CLAIM);
    }

    @Test
    void entraIdProviderOfRealmTenantPasses() {
        assertThat(EntraTenantGuard.check(idp(EntraIdIdentityProviderFactory.PROVIDER_ID, Map.of()),
                validatedIdToken(TENANT, v2Issuer(TENANT)), () -> null, REALM_TENANT)).isEmpty();
    }

    @Test
    void guestOfTheRealmTenantIsRefusedUnlessGuestsAreAllowed() {
        IdentityProviderModel oidc = idp("oidc", Map.of("authorizationUrl", "https://login.microsoftonline.com/common/oauth2/v2.0/authorize"));
        Map<String, Object> guest = validatedIdToken(TENANT, v2Issuer(TENANT));
        ((JsonWebToken) guest.get(OIDCIdentityProvider.VALIDATED_ID_TOKEN)).setOtherClaims("idp", v2Issuer(OTHER_TENANT));

        assertThat(EntraTenantGuard.check(oidc, guest, () -> null, REALM_TENANT)).contains(EntraRefusal.GUEST_USER);
        assertThat(EntraTenantGuard.check(oidc, guest, () -> null, REALM_TENANT, true)).isEmpty();
    }

    @Test
    void memberWhoseIdpEqualsTheIssuerIsNoGuest() {
        IdentityProviderModel oidc = idp("oidc", Map.of("authorizationUrl", "https://login.microsoftonline.com/common/oauth2/v2.0/authorize"));
        Map<String, Object> member = validatedIdToken(TENANT, v2Issuer(TENANT));
        ((JsonWebToken) member.get(OIDCIdentityProvider.VALIDATED_ID_TOKEN)).setOtherClaims("idp", v2Issuer(TENANT));

        assertThat(EntraTenantGuard.check(oidc, member, () -> null, REALM_TENANT)).isEmpty();
    }
}
