package com.claromentis.keycloak.enterprise;

import java.util.Optional;

/** The two kinds of enterprise identity provider a preset applies to, by the Keycloak provider types they cover. */
enum Protocol {
    SAML,
    OIDC;

    /** The protocol of a provider type, or empty for any other type (social, Entra ID, Microsoft). */
    static Optional<Protocol> of(String providerType) {
        if (providerType == null) {
            return Optional.empty();
        }
        return switch (providerType) {
            case "saml" -> Optional.of(SAML);
            case "oidc", "keycloak-oidc" -> Optional.of(OIDC);
            default -> Optional.empty();
        };
    }
}
