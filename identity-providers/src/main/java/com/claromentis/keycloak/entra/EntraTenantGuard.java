package com.claromentis.keycloak.entra;

import com.claromentis.keycloak.tenant.EntraTenants;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.keycloak.broker.oidc.AbstractOAuth2IdentityProvider;
import org.keycloak.broker.oidc.OIDCIdentityProvider;
import org.keycloak.jose.jws.JWSInput;
import org.keycloak.jose.jws.JWSInputException;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.representations.JsonWebToken;
import org.keycloak.util.JsonSerialization;

/**
 * Decides whether a brokered sign-in through any provider (built-in {@code microsoft}, a generic {@code oidc}
 * aimed at Microsoft, or {@code entra-id}) comes from the realm's Entra tenant. Used by the post-broker-login
 * authenticator and the identity-provider mapper; pure so it can be tested without a server. This class finds
 * the token and tells whether the sign-in is Microsoft's; the tenant rules themselves are
 * {@link EntraTenantRules#tenantRefusal}, the same ones the {@code entra-id} provider applies.
 *
 * <p>Where the token comes from: the OIDC broker's signature-validated ID/access token when present; otherwise
 * the raw access token. Reading the latter without verifying its signature is sound only because it was either
 * received from the token endpoint over TLS with our client secret (browser sign-in) or just accepted by
 * Microsoft Graph's userinfo call (token exchange through the microsoft provider); a forged payload fails both.
 */
public final class EntraTenantGuard {

    private static final String MICROSOFT_SOCIAL_PROVIDER = "microsoft";

    private EntraTenantGuard() {
    }

    /** Setting of the guard mapper and authenticator: let B2B guests of the realm's tenant in. */
    public static final String ALLOW_GUESTS = "allowGuestUsers";

    static final java.util.List<org.keycloak.provider.ProviderConfigProperty> PROPERTIES =
            org.keycloak.provider.ProviderConfigurationBuilder.create()
                    .property().name(ALLOW_GUESTS).label("Allow guest users")
                    .type(org.keycloak.provider.ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false")
                    .helpText("Off: only members of the realm's tenant get in; guests invited from other directories "
                            + "(their token's idp differs from its issuer) are refused, as the entra-id provider does.")
                    .add().build();

    /** As {@link #check(IdentityProviderModel, Map, Supplier, Optional, boolean)}, guests refused. */
    public static Optional<EntraRefusal> check(IdentityProviderModel idp, Map<String, Object> contextData,
                                               Supplier<String> fallbackToken, Optional<String> realmTenant) {
        return check(idp, contextData, fallbackToken, realmTenant, false);
    }

    /**
     * @param idp           the provider the user signed in with
     * @param contextData   the brokered identity's context data
     * @param fallbackToken a raw token to inspect when the context holds none (e.g. the token-exchange subject_token)
     * @param realmTenant   the realm's Entra tenant, empty when none is configured
     * @param guestsAllowed whether guests of that tenant (an {@code idp} claim other than {@code iss}) may pass
     * @return the refusal, or empty when the sign-in may proceed
     */
    public static Optional<EntraRefusal> check(IdentityProviderModel idp, Map<String, Object> contextData,
                                               Supplier<String> fallbackToken, Optional<String> realmTenant,
                                               boolean guestsAllowed) {
        Optional<Map<String, Object>> claims = claimsOf(contextData, fallbackToken);
        if (!isMicrosoft(idp, claims)) {
            return Optional.empty();
        }
        if (claims.isEmpty()) {
            return Optional.of(EntraRefusal.MISSING_TENANT);
        }
        return EntraTenantRules.tenantRefusal(claims.get(), realmTenant, guestsAllowed);
    }

    static boolean isMicrosoft(IdentityProviderModel idp, Optional<Map<String, Object>> claims) {
        if (idp != null) {
            String providerId = idp.getProviderId();
            if (MICROSOFT_SOCIAL_PROVIDER.equals(providerId) || EntraIdIdentityProviderFactory.PROVIDER_ID.equals(providerId)) {
                return true;
            }
            Map<String, String> config = idp.getConfig();
            if (config != null && Stream.of("authorizationUrl", "tokenUrl", "jwksUrl", "issuer", "userInfoUrl", "logoutUrl",
                    IdentityProviderModel.METADATA_DESCRIPTOR_URL).map(config::get).anyMatch(EntraTenantGuard::isMicrosoftUrl)) {
                return true;
            }
        }
        return claims.map(c -> c.containsKey(EntraTenantRules.TENANT_ID)
                || (c.get("iss") instanceof String iss && isMicrosoftUrl(iss))).orElse(false);
    }

    private static boolean isMicrosoftUrl(String url) {
        if (url == null || url.isBlank()) {
            return false;
        }
        try {
            return EntraTenants.isMicrosoftHost(URI.create(url.trim()).getHost());
        } catch (IllegalArgumentException e) {
            // An unparsable URL cannot be Microsoft's; Keycloak would not be able to call it either.
            return false;
        }
    }

    static Optional<Map<String, Object>> claimsOf(Map<String, Object> contextData, Supplier<String> fallbackToken) {
        if (contextData != null) {
            for (String key : new String[] {OIDCIdentityProvider.VALIDATED_ID_TOKEN, OIDCIdentityProvider.VALIDATED_ACCESS_TOKEN}) {
                Object token = contextData.get(key);
                if (token instanceof JsonWebToken jwt) {
                    return Optional.of(EntraTenantRules.claimsOf(jwt));
                }
            }
            Object raw = contextData.get(AbstractOAuth2IdentityProvider.FEDERATED_ACCESS_TOKEN);
            if (raw instanceof String accessToken) {
                Optional<Map<String, Object>> claims = decodePayload(accessToken);
                if (claims.isPresent()) {
                    return claims;
                }
            }
        }
        String fallback = fallbackToken == null ? null : fallbackToken.get();
        return fallback == null ? Optional.empty() : decodePayload(fallback);
    }

    @SuppressWarnings("unchecked")
    private static Optional<Map<String, Object>> decodePayload(String token) {
        if (token.length() > EntraTokenValidator.MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(JsonSerialization.readValue(new JWSInput(token).getContent(), Map.class));
        } catch (IOException | RuntimeException | JWSInputException e) {
            // Opaque (non-JWT) tokens are normal for other providers; no claims means "cannot tell the tenant".
            return Optional.empty();
        }
    }
}
