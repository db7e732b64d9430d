package com.claromentis.keycloak.testproviders;

import org.keycloak.broker.oidc.OIDCIdentityProviderConfig;
import org.keycloak.broker.provider.AbstractIdentityProviderFactory;
import org.keycloak.broker.social.SocialIdentityProviderFactory;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;

/** Registers {@value #PROVIDER_ID}: a social provider whose endpoints a test points at its own OIDC server. */
public final class TestSocialIdentityProviderFactory extends AbstractIdentityProviderFactory<TestSocialIdentityProvider>
        implements SocialIdentityProviderFactory<TestSocialIdentityProvider> {

    public static final String PROVIDER_ID = "test-social";

    @Override
    public String getName() {
        return "Test social provider";
    }

    @Override
    public TestSocialIdentityProvider create(KeycloakSession session, IdentityProviderModel model) {
        return new TestSocialIdentityProvider(session, new OIDCIdentityProviderConfig(model));
    }

    @Override
    public OIDCIdentityProviderConfig createConfig() {
        return new OIDCIdentityProviderConfig();
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
