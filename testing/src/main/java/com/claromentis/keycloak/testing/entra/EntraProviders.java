package com.claromentis.keycloak.testing.entra;

import org.keycloak.representations.idm.IdentityProviderRepresentation;

import java.util.HashMap;
import java.util.Map;

/**
 * Identity providers aimed at an {@link EntraSimulator}, as an administrator would create them in the admin console:
 * the bundle's {@code entra-id} provider for one tenant, and Keycloak's own generic {@code oidc} provider for the
 * same tenant's endpoints (what the bundle's provider is compared with).
 */
public final class EntraProviders {

    /** The application registered in the simulated tenants (the simulator accepts any client secret). */
    public static final String CLIENT_ID = "6d5c4b3a-2918-4706-a5b4-c3d2e1f0a9b8";
    public static final String CLIENT_SECRET = "simulated-app-secret";

    private EntraProviders() {
    }

    /** An {@code entra-id} provider bound to {@code tenant}. */
    public static IdentityProviderRepresentation entraId(String alias, String tenant, EntraSimulator simulator) {
        IdentityProviderRepresentation provider = provider(alias, "Contoso (Entra ID)", "entra-id");
        Map<String, String> config = credentials();
        config.put("tenant", tenant);
        config.put("authorityHost", simulator.authority());
        provider.setConfig(config);
        return provider;
    }

    /**
     * Keycloak's generic {@code oidc} provider for {@code tenant}'s v2.0 endpoints, with the tenant's issuer checked
     * and the signature verified against the tenant's keys: the single-tenant set-up an administrator would build
     * by hand.
     */
    public static IdentityProviderRepresentation tenantOidc(String alias, String tenant, EntraSimulator simulator) {
        IdentityProviderRepresentation provider = provider(alias, "Microsoft (generic OIDC)", "oidc");
        String base = simulator.authority() + "/" + tenant;
        Map<String, String> config = credentials();
        config.put("authorizationUrl", base + "/oauth2/v2.0/authorize");
        config.put("tokenUrl", base + "/oauth2/v2.0/token");
        config.put("jwksUrl", base + "/discovery/v2.0/keys");
        config.put("issuer", simulator.issuer(tenant));
        config.put("useJwksUrl", "true");
        config.put("validateSignature", "true");
        config.put("pkceEnabled", "true");
        config.put("pkceMethod", "S256");
        config.put("defaultScope", "openid profile email");
        config.put("syncMode", "IMPORT");
        provider.setConfig(config);
        return provider;
    }

    private static IdentityProviderRepresentation provider(String alias, String displayName, String providerId) {
        IdentityProviderRepresentation provider = new IdentityProviderRepresentation();
        provider.setAlias(alias);
        provider.setDisplayName(displayName);
        provider.setProviderId(providerId);
        provider.setEnabled(true);
        // Emails from the tenant are trusted and the profile is complete, so first sign-in needs no review form.
        provider.setTrustEmail(true);
        return provider;
    }

    private static Map<String, String> credentials() {
        Map<String, String> config = new HashMap<>();
        config.put("clientId", CLIENT_ID);
        config.put("clientSecret", CLIENT_SECRET);
        config.put("clientAuthMethod", "client_secret_post");
        return config;
    }
}
