package com.claromentis.keycloak.signin;

import org.keycloak.broker.provider.IdentityProvider;
import org.keycloak.broker.provider.IdentityProviderFactory;
import org.keycloak.broker.social.SocialIdentityProvider;
import org.keycloak.broker.social.SocialIdentityProviderFactory;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whether a sign-in came through a social provider (a person's own account at Google, Facebook, X, Microsoft,
 * GitHub...) or the company's identity system (LDAP, SAML, OIDC, Entra ID).
 *
 * <p>Claromentis accounts are created only for the company's own identities; which providers are social is
 * decided by their factory type, unless an administrator lists an alias explicitly in the step's settings.
 */
public enum LoginKind {
    SOCIAL, ENTERPRISE;

    /** Step setting: aliases to treat as social whatever their type, separated by commas or '##'. */
    public static final String SOCIAL_ALIASES = "claromentis.social.aliases";
    /** Step setting: aliases to treat as enterprise whatever their type. */
    public static final String ENTERPRISE_ALIASES = "claromentis.enterprise.aliases";

    public static LoginKind of(KeycloakSession session, IdentityProviderModel provider, AuthenticatorConfigModel config) {
        Map<String, String> settings = config == null || config.getConfig() == null ? Map.of() : config.getConfig();
        String alias = provider.getAlias().toLowerCase(Locale.ROOT);
        if (aliases(settings.get(ENTERPRISE_ALIASES)).contains(alias)) {
            return ENTERPRISE;
        }
        if (aliases(settings.get(SOCIAL_ALIASES)).contains(alias)) {
            return SOCIAL;
        }
        return ofType(session, provider.getProviderId());
    }

    /** The kind of a provider type: social providers register under their own SPI, apart from the others. */
    public static LoginKind ofType(KeycloakSession session, String providerId) {
        KeycloakSessionFactory factories = session.getKeycloakSessionFactory();
        if (factories.getProviderFactory(SocialIdentityProvider.class, providerId) instanceof SocialIdentityProviderFactory<?>) {
            return SOCIAL;
        }
        // An unknown type gets the answer that never creates an account.
        return factories.getProviderFactory(IdentityProvider.class, providerId) instanceof IdentityProviderFactory<?>
                ? ENTERPRISE : SOCIAL;
    }

    static Set<String> aliases(String value) {
        if (value == null || value.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(value.split("##|,"))
                .map(s -> s.trim().toLowerCase(Locale.ROOT))
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }
}
