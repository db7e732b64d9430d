package com.claromentis.keycloak.entra;

import java.util.List;

import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

/** Registers {@code entra-tenant-guard} (SPI {@code authenticator}), meant for the post-broker-login flow. */
public final class EntraTenantGuardAuthenticatorFactory implements AuthenticatorFactory {

    public static final String PROVIDER_ID = "entra-tenant-guard";

    private static final Authenticator SINGLETON = new EntraTenantGuardAuthenticator();

    private static final AuthenticationExecutionModel.Requirement[] REQUIREMENTS = {
            AuthenticationExecutionModel.Requirement.REQUIRED, AuthenticationExecutionModel.Requirement.DISABLED};

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Entra tenant guard";
    }

    @Override
    public String getReferenceCategory() {
        return "entra-tenant";
    }

    @Override
    public boolean isConfigurable() {
        return true;
    }

    @Override
    public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
        return REQUIREMENTS.clone();
    }

    @Override
    public boolean isUserSetupAllowed() {
        return false;
    }

    @Override
    public String getHelpText() {
        return "Refuses Microsoft sign-ins (microsoft, oidc or entra-id providers) whose tenant is not the realm's "
                + "Entra tenant. Add it as REQUIRED to the post broker login flow of those providers.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return EntraTenantGuard.PROPERTIES;
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return SINGLETON;
    }

    @Override
    public void init(Config.Scope config) {
        // Nothing to configure.
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        // Nothing to initialise.
    }

    @Override
    public void close() {
        // Stateless.
    }
}
