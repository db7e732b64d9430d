package com.claromentis.keycloak.broker;

import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

import java.util.List;

/** Registers {@value #PROVIDER_ID}, the first-broker-login step that provisions company identities into Claromentis. */
public final class ProvisionUserAuthenticatorFactory implements AuthenticatorFactory {

    public static final String PROVIDER_ID = "claromentis-provision-user";

    private static final ProvisionUserAuthenticator SINGLETON = new ProvisionUserAuthenticator();

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Claromentis: provision the user";
    }

    @Override
    public String getHelpText() {
        return "Queues the creation in Claromentis (People API) of a person signing in for the first time through "
                + "an enterprise identity provider; never for social sign-ins. Needs the realm's "
                + "'claromentis-provisioning' event listener.";
    }

    @Override
    public String getReferenceCategory() {
        return "claromentis";
    }

    @Override
    public boolean isConfigurable() {
        return true;
    }

    @Override
    public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
        return new AuthenticationExecutionModel.Requirement[] {
                AuthenticationExecutionModel.Requirement.REQUIRED, AuthenticationExecutionModel.Requirement.DISABLED};
    }

    @Override
    public boolean isUserSetupAllowed() {
        return false;
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return SocialLoginGuardAuthenticatorFactory.LOGIN_KIND_PROPERTIES;
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return SINGLETON;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
