package com.claromentis.keycloak.entra;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import org.keycloak.broker.oidc.OIDCIdentityProviderConfig;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.IdentityProviderQuery;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.utils.KeycloakSessionUtil;

import com.claromentis.keycloak.tenant.DiscoveryTenantLookup;
import com.claromentis.keycloak.tenant.EntraAuthority;
import com.claromentis.keycloak.tenant.EntraRealmTenant;
import com.claromentis.keycloak.tenant.EntraTenants;
import com.claromentis.keycloak.tenant.TenantLookup;

/**
 * Typed view of an {@code entra-id} provider's config map. Everything the OIDC broker needs (endpoints, issuer,
 * JWKS, signature validation) is derived from the tenant and the authority host, so an admin cannot point the
 * provider at another tenant's endpoints by editing a URL.
 */
public final class EntraIdConfig extends OIDCIdentityProviderConfig {

    public static final String TENANT = EntraRealmTenant.TENANT;
    public static final String AUTHORITY_HOST = "authorityHost";
    public static final String ALLOW_GUEST_USERS = EntraRealmTenant.ALLOW_GUEST_USERS;
    /** Keycloak's own key, so the OIDC broker's token checks use the same skew as ours. */
    public static final String CLOCK_SKEW = IdentityProviderModel.ALLOWED_CLOCK_SKEW;

    public static final int DEFAULT_CLOCK_SKEW_SECONDS = 30;
    public static final int MAX_CLOCK_SKEW_SECONDS = 300;

    private static final String DEFAULT_SCOPE = "openid profile email";

    /**
     * Client id and secret are not declared here: the admin console renders them for every provider
     * (GeneralSettings/ClientIdSecret), and declaring them again would show each field twice. They are stored
     * under Keycloak's own keys, so {@code ${vault.x}} secrets keep resolving in the OIDC broker.
     */
    public static final List<ProviderConfigProperty> CONFIG_PROPERTIES = ProviderConfigurationBuilder.create()
            .property().name(TENANT).label("Tenant")
            .helpText("Directory (tenant) ID, or a verified domain of the tenant (resolved to its ID when saved). "
                    + "'common', 'organizations', 'consumers' and the personal-account tenant are refused.")
            .type(ProviderConfigProperty.STRING_TYPE).required(true).add()
            .property().name(AUTHORITY_HOST).label("Authority host")
            .helpText("Microsoft login host of the tenant's cloud, e.g. login.microsoftonline.com (global), "
                    + "login.microsoftonline.us (US Government), login.partner.microsoftonline.cn (China).")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue(EntraAuthority.DEFAULT_HOST).add()
            .property().name(ALLOW_GUEST_USERS).label("Allow guest users")
            .helpText("Accept B2B guests of the tenant (users whose home directory is elsewhere). Off: members only.")
            .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false").add()
            .property().name(CLOCK_SKEW).label("Allowed clock skew (seconds)")
            .helpText("Tolerance for exp/nbf/iat of Entra tokens, 0 to " + MAX_CLOCK_SKEW_SECONDS + ".")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue(String.valueOf(DEFAULT_CLOCK_SKEW_SECONDS)).add()
            .build();

    public EntraIdConfig() {
        super();
    }

    public EntraIdConfig(IdentityProviderModel model) {
        super(model);
    }

    /** @return the tenant GUID once saved (a domain is replaced by its GUID at save time) */
    public String getTenant() {
        return getConfig().get(TENANT);
    }

    public void setTenant(String tenant) {
        getConfig().put(TENANT, tenant);
    }

    public String getAuthorityHost() {
        return getConfig().get(AUTHORITY_HOST);
    }

    public void setAuthorityHost(String authorityHost) {
        getConfig().put(AUTHORITY_HOST, authorityHost);
    }

    /** @throws IllegalArgumentException if the stored authority host is not acceptable */
    public EntraAuthority getAuthority() {
        return EntraAuthority.parse(getAuthorityHost());
    }

    public boolean isGuestUsersAllowed() {
        return Boolean.parseBoolean(getConfig().get(ALLOW_GUEST_USERS));
    }

    @Override
    public int getAllowedClockSkew() {
        String value = getConfig().get(CLOCK_SKEW);
        if (value == null || value.isBlank()) {
            return DEFAULT_CLOCK_SKEW_SECONDS;
        }
        try {
            int skew = Integer.parseInt(value.trim());
            return Math.min(Math.max(skew, 0), MAX_CLOCK_SKEW_SECONDS);
        } catch (NumberFormatException e) {
            // Saved values are validated; an unreadable one falls back to the safe default rather than 0 or infinite.
            return DEFAULT_CLOCK_SKEW_SECONDS;
        }
    }

    // The tenant's keys are the only proof that a token came from the tenant: never switchable off.
    @Override
    public boolean isValidateSignature() {
        return true;
    }

    @Override
    public boolean isUseJwksUrl() {
        return true;
    }

    // The ID token already carries oid/tid/names; the broker would otherwise call Graph's userinfo and require
    // its sub to equal the token's, which Keycloak compares against the id we replace with oid.
    @Override
    public boolean isDisableUserInfoService() {
        return true;
    }

    // Access tokens for Graph are not verifiable by third parties; only the ID token is validated.
    @Override
    public boolean isAccessTokenJwt() {
        return false;
    }

    // The JWT authorization grant identifies users by sub and checks no tenant; not offered for Entra.
    @Override
    public boolean isJWTAuthorizationGrantEnabled() {
        return false;
    }

    /** @return the claim rules of this tenant and app, or throws if the provider was stored without a valid tenant */
    public EntraTenantRules newTenantRules() {
        String tenant = getTenant();
        if (!EntraTenants.isGuid(tenant) || EntraTenants.refusalReason(tenant).isPresent()) {
            throw new IllegalArgumentException("entra-id provider has no valid tenant ID");
        }
        String clientId = getClientId();
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException("entra-id provider has no client ID");
        }
        return new EntraTenantRules(getAuthority(), tenant, clientId, isGuestUsersAllowed(), getAllowedClockSkew());
    }

    /**
     * Sets the OIDC endpoints, issuer and JWKS to the tenant's own. Safe to call at run time: it only derives from
     * the tenant GUID and authority host, and does nothing when the tenant is not (yet) a GUID.
     */
    public void applyTenantEndpoints() {
        String tenant = getTenant();
        if (!EntraTenants.isGuid(tenant)) {
            return;
        }
        EntraAuthority authority = getAuthority();
        setAuthorizationUrl(authority.authorizationEndpoint(tenant));
        setTokenUrl(authority.tokenEndpoint(tenant));
        setJwksUrl(authority.jwksEndpoint(tenant));
        setIssuer(authority.issuer(tenant));
        setUseJwksUrl(true);
        setValidateSignature(true);
        setDisableUserInfoService(true);
        getConfig().remove("userInfoUrl");
        getConfig().remove(TOKEN_INTROSPECTION_URL);
        getConfig().put(JWT_AUTHORIZATION_GRANT_ENABLED, "false");
    }

    /**
     * Normalises and checks what the admin entered, resolves a domain to its tenant GUID, enforces the one-tenant-
     * per-realm rule and derives the endpoints. Messages are shown to the admin as the 400 response.
     *
     * @param lookup          reads a discovery document's issuer (only called for domains)
     * @param realmProviders  all identity providers of the realm, including, on update, the stored copy of this one
     * @throws IllegalArgumentException when the configuration is refused
     */
    public void prepareForSave(TenantLookup lookup, Stream<IdentityProviderModel> realmProviders) {
        EntraAuthority authority = getAuthority();
        setAuthorityHost(authority.base().startsWith("https://") ? authority.base().substring("https://".length())
                : authority.base());
        String tenant = resolveTenant(getTenant(), authority, lookup);
        setTenant(tenant);
        checkClockSkew();
        if (getClientId() == null || getClientId().isBlank()) {
            throw new IllegalArgumentException("Client ID is required: use the Application (client) ID of the app registration");
        }
        requireOneTenantPerRealm(tenant, realmProviders);
        if (getDefaultScope() == null || getDefaultScope().isBlank()) {
            setDefaultScope(DEFAULT_SCOPE);
        }
        if (!isPkceEnabled()) {
            setPkceEnabled(true);
            setPkceMethod("S256");
        }
        applyTenantEndpoints();
    }

    /** Called by Keycloak's admin API (and realm import) before the provider is stored. */
    @Override
    public void validate(RealmModel realm) {
        KeycloakSession session = KeycloakSessionUtil.getKeycloakSession();
        if (session == null) {
            throw new IllegalStateException("entra-id configuration can only be validated inside a Keycloak session");
        }
        prepareForSave(new DiscoveryTenantLookup(session), EntraRealmTenant.signInProviders(session));
        // A directory sync of the realm may have bound it to its tenant before any sign-in provider existed.
        EntraRealmTenant.requireOnly(getTenant(), Stream.empty(), EntraRealmTenant.directories(realm));
        super.validate(realm);
        realm.setAttribute(EntraTenants.REALM_TENANT_ATTRIBUTE, getTenant());
    }

    static String resolveTenant(String input, EntraAuthority authority, TenantLookup lookup) {
        return EntraTenants.resolve(input, authority, lookup);
    }

    private void checkClockSkew() {
        String value = getConfig().get(CLOCK_SKEW);
        if (value == null || value.isBlank()) {
            getConfig().put(CLOCK_SKEW, String.valueOf(DEFAULT_CLOCK_SKEW_SECONDS));
            return;
        }
        try {
            int skew = Integer.parseInt(value.trim());
            if (skew < 0 || skew > MAX_CLOCK_SKEW_SECONDS) {
                throw new IllegalArgumentException("Allowed clock skew must be between 0 and " + MAX_CLOCK_SKEW_SECONDS + " seconds");
            }
            getConfig().put(CLOCK_SKEW, String.valueOf(skew));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Allowed clock skew must be a whole number of seconds", e);
        }
    }

    private void requireOneTenantPerRealm(String tenant, Stream<IdentityProviderModel> realmProviders) {
        EntraRealmTenant.requireOnly(tenant, realmProviders.filter(p -> !isSameProvider(p)), Stream.empty());
    }

    private boolean isSameProvider(IdentityProviderModel other) {
        if (getInternalId() != null && getInternalId().equals(other.getInternalId())) {
            return true;
        }
        return Objects.equals(getAlias(), other.getAlias());
    }
}
