package com.claromentis.keycloak.broker;

import org.keycloak.models.KeycloakSessionFactory;

/** Registers {@value #PROVIDER_ID} and wires the {@link SignInGuarantees} every realm and identity provider gets. */
public final class SocialLoginGuardAuthenticatorFactory extends ClaromentisAuthenticatorFactory {

    public static final String PROVIDER_ID = "claromentis-social-login-guard";

    public SocialLoginGuardAuthenticatorFactory() {
        super(new SocialLoginGuardAuthenticator());
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Claromentis: no accounts from social sign-ins";
    }

    @Override
    public String getHelpText() {
        return "Social sign-ins may only link to an existing account with the same verified email; they never create one.";
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        SignInGuarantees.register(factory);
    }
}
