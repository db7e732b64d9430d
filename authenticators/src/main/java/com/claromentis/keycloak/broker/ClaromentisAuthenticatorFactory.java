package com.claromentis.keycloak.broker;

import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

import java.util.List;

/**
 * What the Claromentis first-broker-login steps have in common: a stateless authenticator, the "claromentis"
 * category, required-or-disabled only, no settings of their own: whether a provider is social or enterprise is
 * the provider's own setting ({@code claromentis.kind}), read by every caller through {@code LoginKind}.
 */
abstract class ClaromentisAuthenticatorFactory implements AuthenticatorFactory {

    private final Authenticator authenticator;

    ClaromentisAuthenticatorFactory(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public final String getReferenceCategory() {
        return "claromentis";
    }

    @Override
    public final boolean isConfigurable() {
        return false;
    }

    @Override
    public final AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
        return new AuthenticationExecutionModel.Requirement[] {
                AuthenticationExecutionModel.Requirement.REQUIRED, AuthenticationExecutionModel.Requirement.DISABLED};
    }

    @Override
    public final boolean isUserSetupAllowed() {
        return false;
    }

    @Override
    public final List<ProviderConfigProperty> getConfigProperties() {
        return List.of();
    }

    @Override
    public final Authenticator create(KeycloakSession session) {
        return authenticator;
    }

    @Override
    public void init(Config.Scope config) {
        // No server-wide settings.
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        // Nothing to wire after start-up unless a step says so.
    }

    @Override
    public final void close() {
        // Stateless.
    }
}
