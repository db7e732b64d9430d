package com.claromentis.keycloak.broker;

import com.claromentis.keycloak.signin.LoginKind;

import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.List;

/** Registers {@value #PROVIDER_ID} and makes sure every realm has the ready-made Claromentis first-login flow. */
public final class SocialLoginGuardAuthenticatorFactory extends ClaromentisAuthenticatorFactory {

    public static final String PROVIDER_ID = "claromentis-social-login-guard";

    /** Which providers count as social or enterprise, whatever their type; shared by the Claromentis steps. */
    static final List<ProviderConfigProperty> LOGIN_KIND_PROPERTIES = ProviderConfigurationBuilder.create()
            .property().name(LoginKind.SOCIAL_ALIASES).label("Treat as social")
            .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE)
            .helpText("Aliases of identity providers whose sign-ins never create an account, whatever their type "
                    + "(e.g. a generic OIDC provider pointed at a consumer service).").add()
            .property().name(LoginKind.ENTERPRISE_ALIASES).label("Treat as enterprise")
            .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE)
            .helpText("Aliases of identity providers that are the company's own, even if their type is a social one "
                    + "(e.g. Keycloak's 'microsoft' provider restricted to the company tenant).").add()
            .build();

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
        ClaromentisFirstLoginFlow.installOnEveryRealm(factory);
    }
}
