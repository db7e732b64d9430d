package com.claromentis.keycloak.signin;

import org.keycloak.broker.provider.IdentityProvider;
import org.keycloak.broker.provider.IdentityProviderFactory;
import org.keycloak.broker.social.SocialIdentityProvider;
import org.keycloak.broker.social.SocialIdentityProviderFactory;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * Whether a sign-in came through a social provider (a person's own account at Google, Facebook, X, Microsoft,
 * GitHub...) or the company's identity system (LDAP, SAML, OIDC, Entra ID).
 *
 * <p>Claromentis accounts are created only for the company's own identities. The one classification, used by the
 * first-login steps and by provisioning alike: the provider's own {@value ProviderSignInSettings#KIND} setting when
 * the administrator set one, otherwise its factory type.
 */
public enum LoginKind {
    SOCIAL, ENTERPRISE;

    /** A provider's kind and, for an administrator, why. */
    public record Classification(LoginKind kind, String reason) {
    }

    public static LoginKind of(KeycloakSession session, IdentityProviderModel provider) {
        return classify(session, provider).kind();
    }

    public static Classification classify(KeycloakSession session, IdentityProviderModel provider) {
        ProviderSignInSettings settings = ProviderSignInSettings.of(provider);
        if (settings.kindOverride().isPresent()) {
            LoginKind kind = settings.kindOverride().get();
            return new Classification(kind, ProviderSignInSettings.KIND + "=" + kind.name().toLowerCase(java.util.Locale.ROOT)
                    + " set on the provider");
        }
        KeycloakSessionFactory factories = session.getKeycloakSessionFactory();
        String type = provider.getProviderId();
        LoginKind byType = ofType(session, type);
        String reason;
        if (byType == ENTERPRISE) {
            reason = "type '" + type + "' is an enterprise provider";
        } else if (factories.getProviderFactory(SocialIdentityProvider.class, type) != null) {
            reason = "type '" + type + "' is a social provider";
        } else {
            reason = "type '" + type + "' is not installed on this server: treated as social";
        }
        if (settings.unreadableKind().isPresent()) {
            reason += " (" + ProviderSignInSettings.KIND + " must be social or enterprise; the stored value is ignored)";
        }
        return new Classification(byType, reason);
    }

    /** The kind of a provider type: social providers register under their own SPI, apart from the others. */
    static LoginKind ofType(KeycloakSession session, String providerId) {
        KeycloakSessionFactory factories = session.getKeycloakSessionFactory();
        if (factories.getProviderFactory(SocialIdentityProvider.class, providerId) instanceof SocialIdentityProviderFactory<?>) {
            return SOCIAL;
        }
        // An unknown type gets the answer that never creates an account.
        return factories.getProviderFactory(IdentityProvider.class, providerId) instanceof IdentityProviderFactory<?>
                ? ENTERPRISE : SOCIAL;
    }
}
