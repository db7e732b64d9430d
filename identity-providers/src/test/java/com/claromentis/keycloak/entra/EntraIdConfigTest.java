package com.claromentis.keycloak.entra;

import com.claromentis.keycloak.tenant.TenantLookup;
import com.claromentis.keycloak.tenant.EntraTenants;
import static com.claromentis.keycloak.entra.TestTokens.CLIENT_ID;
import static com.claromentis.keycloak.entra.TestTokens.OTHER_TENANT;
import static com.claromentis.keycloak.entra.TestTokens.TENANT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.models.IdentityProviderModel;

class EntraIdConfigTest {

    private final List<String> lookedUp = new ArrayList<>();

    private final TenantLookup contosoOnly = url -> {
        lookedUp.add(url);
        if (url.equals("https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration")) {
            return "https://login.microsoftonline.com/" + TENANT + "/v2.0";
        }
        throw new IOException("HTTP 400");
    };

    private static EntraIdConfig config(String tenant, String authority) {
        EntraIdConfig config = new EntraIdConfig();
        config.setAlias("entra");
        config.setProviderId(EntraIdIdentityProviderFactory.PROVIDER_ID);
        config.setConfig(new HashMap<>());
        config.setClientId(CLIENT_ID);
        config.setClientSecret("${vault.entra_secret}");
        config.setTenant(tenant);
        if (authority != null) {
            config.setAuthorityHost(authority);
        }
        return config;
    }

    private static IdentityProviderModel provider(String alias, String providerId, Map<String, String> config) {
        IdentityProviderModel model = new IdentityProviderModel();
        model.setAlias(alias);
        model.setProviderId(providerId);
        model.setConfig(new HashMap<>(config));
        return model;
    }

    @Test
    void guidTenantDerivesTheTenantsOwnEndpoints() {
        EntraIdConfig config = config(TENANT, null);

        config.prepareForSave(contosoOnly, Stream.empty());

        String base = "https://login.microsoftonline.com/" + TENANT;
        assertThat(config.getAuthorizationUrl()).isEqualTo(base + "/oauth2/v2.0/authorize");
        assertThat(config.getTokenUrl()).isEqualTo(base + "/oauth2/v2.0/token");
        assertThat(config.getJwksUrl()).isEqualTo(base + "/discovery/v2.0/keys");
        assertThat(config.getIssuer()).isEqualTo(base + "/v2.0");
        assertThat(config.isValidateSignature()).isTrue();
        assertThat(config.isUseJwksUrl()).isTrue();
        assertThat(config.isPkceEnabled()).isTrue();
        assertThat(config.getDefaultScope()).contains("openid");
        assertThat(config.getAllowedClockSkew()).isEqualTo(EntraIdConfig.DEFAULT_CLOCK_SKEW_SECONDS);
        assertThat(config.isGuestUsersAllowed()).isFalse();
        assertThat(lookedUp).isEmpty();
    }

    @Test
    void vaultReferenceForSecretIsKeptAsIs() {
        EntraIdConfig config = config(TENANT, null);

        config.prepareForSave(contosoOnly, Stream.empty());

        assertThat(config.getClientSecret()).isEqualTo("${vault.entra_secret}");
    }

    @Test
    void adminEnteredEndpointsAreOverwritten() {
        EntraIdConfig config = config(TENANT, null);
        config.setAuthorizationUrl("https://login.microsoftonline.com/common/oauth2/v2.0/authorize");
        config.setIssuer("https://login.microsoftonline.com/{tenantid}/v2.0");
        config.setUserInfoUrl("https://evil.example/userinfo");

        config.prepareForSave(contosoOnly, Stream.empty());

        assertThat(config.getAuthorizationUrl()).contains(TENANT);
        assertThat(config.getIssuer()).isEqualTo("https://login.microsoftonline.com/" + TENANT + "/v2.0");
        assertThat(config.getUserInfoUrl()).isNull();
    }

    @Test
    void upperCaseGuidIsNormalised() {
        EntraIdConfig config = config("  " + TENANT.toUpperCase() + " ", null);

        config.prepareForSave(contosoOnly, Stream.empty());

        assertThat(config.getTenant()).isEqualTo(TENANT);
    }

    @Test
    void verifiedDomainResolvesToTenantGuid() {
        EntraIdConfig config = config("Contoso.onmicrosoft.com", null);

        config.prepareForSave(contosoOnly, Stream.empty());

        assertThat(config.getTenant()).isEqualTo(TENANT);
        assertThat(config.getIssuer()).isEqualTo("https://login.microsoftonline.com/" + TENANT + "/v2.0");
    }

    @Test
    void unknownDomainIsRefused() {
        EntraIdConfig config = config("unknown.example", null);

        assertThatThrownBy(() -> config.prepareForSave(contosoOnly, Stream.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Could not resolve domain 'unknown.example'");
    }

    @Test
    void domainResolvingToPersonalTenantIsRefused() {
        EntraIdConfig config = config("outlook.com", null);

        assertThatThrownBy(() -> config.prepareForSave(
                url -> "https://login.microsoftonline.com/" + EntraTenants.PERSONAL_ACCOUNT_TENANT + "/v2.0", Stream.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("personal Microsoft accounts");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "https://login.microsoftonline.com/{tenantid}/v2.0",
            "https://evil.example/" + "72f988bf-86f1-41af-91ab-2d7cd011db47" + "/v2.0",
            "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0/extra",
            "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47",
            ""})
    void domainWhoseDiscoveryIssuerIsNotASingleTenantIsRefused(String issuer) {
        EntraIdConfig config = config("contoso.com", null);

        assertThatThrownBy(() -> config.prepareForSave(url -> issuer, Stream.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("did not resolve to a single tenant");
    }

    @ParameterizedTest
    @ValueSource(strings = {"common", "organizations", "consumers", "COMMON", " Organizations ",
            "9188040d-6c67-4c5b-b112-36a304b66dad", "9188040D-6C67-4C5B-B112-36A304B66DAD"})
    void multiTenantAndPersonalTenantsAreRefusedWithAReason(String tenant) {
        EntraIdConfig config = config(tenant, null);

        assertThatThrownBy(() -> config.prepareForSave(contosoOnly, Stream.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is refused because")
                .hasMessageContaining("exactly one organisation");
        assertThat(lookedUp).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "not a tenant", "72f988bf-86f1-41af-91ab", "../common", "contoso", "contoso.com/evil",
            "{tenantid}", "72f988bf86f141af91ab2d7cd011db47"})
    void malformedTenantsAreRefused(String tenant) {
        EntraIdConfig config = config(tenant, null);

        assertThatThrownBy(() -> config.prepareForSave(contosoOnly, Stream.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Tenant");
        assertThat(lookedUp).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"login.microsoftonline.com", "LOGIN.MicrosoftOnline.com", "https://login.microsoftonline.com",
            "https://login.microsoftonline.com/", "login.microsoftonline.us", "login.partner.microsoftonline.cn",
            "http://127.0.0.1:8089/", "http://localhost:8089", "http://[::1]:8089", "https://127.0.0.1:8443"})
    void acceptedAuthorityHosts(String authority) {
        EntraIdConfig config = config(TENANT, authority);

        config.prepareForSave(contosoOnly, Stream.empty());

        assertThat(config.getIssuer()).endsWith("/" + TENANT + "/v2.0");
        assertThat(config.getIssuer()).doesNotContain("//" + TENANT);
    }

    @Test
    void localAuthorityKeepsHttpAndPortForTests() {
        EntraIdConfig config = config(TENANT, "http://127.0.0.1:8089/");

        config.prepareForSave(contosoOnly, Stream.empty());

        assertThat(config.getIssuer()).isEqualTo("http://127.0.0.1:8089/" + TENANT + "/v2.0");
        assertThat(config.getTokenUrl()).isEqualTo("http://127.0.0.1:8089/" + TENANT + "/oauth2/v2.0/token");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "evil.com/login.microsoftonline.com",
            "login.microsoftonline.com.evil.com",
            "user:pass@login.microsoftonline.com",
            "https://user@login.microsoftonline.com",
            "evil.com#@login.microsoftonline.com",
            "login.microsoftonline.com@evil.com",
            "login.microsoftonline.com\\@evil.com",
            "http://login.microsoftonline.com",
            "http://10.0.0.1:8080",
            "http://127.0.0.1.nip.io",
            "ftp://login.microsoftonline.com",
            "javascript:alert(1)",
            "https://login.microsoftonline.com/common",
            "https://login.microsoftonline.com/?x=1",
            "login.microsoftonline.com.",
            "login.microsoftonline.com:443/x",
            "login microsoftonline com",
            "https://",
            "evil.example"})
    void hostileAuthorityHostsAreRefused(String authority) {
        EntraIdConfig config = config(TENANT, authority);

        assertThatThrownBy(() -> config.prepareForSave(contosoOnly, Stream.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Authority host");
    }

    @Test
    void secondEntraProviderWithAnotherTenantIsRefused() {
        EntraIdConfig config = config(TENANT, null);
        IdentityProviderModel existing = provider("entra-other", EntraIdIdentityProviderFactory.PROVIDER_ID, Map.of("tenant", OTHER_TENANT));

        assertThatThrownBy(() -> config.prepareForSave(contosoOnly, Stream.of(existing)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only one Entra tenant")
                .hasMessageContaining("entra-other");
    }

    @Test
    void secondEntraProviderWithTheSameTenantIsAllowed() {
        EntraIdConfig config = config(TENANT, null);
        IdentityProviderModel existing = provider("entra-staff", EntraIdIdentityProviderFactory.PROVIDER_ID, Map.of("tenant", TENANT));

        config.prepareForSave(contosoOnly, Stream.of(existing));

        assertThat(config.getTenant()).isEqualTo(TENANT);
    }

    @Test
    void updatingTheOnlyProviderToAnotherTenantIsAllowed() {
        EntraIdConfig config = config(OTHER_TENANT, null);
        IdentityProviderModel storedSelf = provider("entra", EntraIdIdentityProviderFactory.PROVIDER_ID, Map.of("tenant", TENANT));

        config.prepareForSave(contosoOnly, Stream.of(storedSelf));

        assertThat(config.getTenant()).isEqualTo(OTHER_TENANT);
    }

    @Test
    void otherProviderTypesDoNotCountForTheRealmRule() {
        EntraIdConfig config = config(TENANT, null);
        IdentityProviderModel oidc = provider("oidc", "oidc", Map.of("tenant", OTHER_TENANT));

        config.prepareForSave(contosoOnly, Stream.of(oidc));

        assertThat(config.getTenant()).isEqualTo(TENANT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "301", "abc", "1e3", "99999999999"})
    void clockSkewOutsideRangeIsRefused(String skew) {
        EntraIdConfig config = config(TENANT, null);
        config.getConfig().put(EntraIdConfig.CLOCK_SKEW, skew);

        assertThatThrownBy(() -> config.prepareForSave(contosoOnly, Stream.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clock skew");
    }

    @Test
    void clientIdIsRequired() {
        EntraIdConfig config = config(TENANT, null);
        config.setClientId(" ");

        assertThatThrownBy(() -> config.prepareForSave(contosoOnly, Stream.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Client ID");
    }

    @Test
    void signatureValidationCannotBeSwitchedOff() {
        EntraIdConfig config = config(TENANT, null);
        config.getConfig().put("validateSignature", "false");
        config.getConfig().put("disableUserInfo", "false");

        assertThat(config.isValidateSignature()).isTrue();
        assertThat(config.isDisableUserInfoService()).isTrue();
        assertThat(config.isJWTAuthorizationGrantEnabled()).isFalse();
    }

    @Test
    void rulesRefuseProviderStoredWithoutValidTenant() {
        EntraIdConfig config = config("common", null);

        assertThatThrownBy(config::newTenantRules).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void configPropertiesAreDeclaredOnce() {
        assertThat(EntraIdConfig.CONFIG_PROPERTIES).extracting("name")
                .containsExactly(EntraIdConfig.TENANT, EntraIdConfig.AUTHORITY_HOST, EntraIdConfig.ALLOW_GUEST_USERS,
                        EntraIdConfig.CLOCK_SKEW)
                .doesNotHaveDuplicates();
    }
}
