package com.claromentis.keycloak.entra;

import java.util.List;

import org.keycloak.broker.provider.AbstractIdentityProviderFactory;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;

/** Registers the {@code entra-id} identity provider type (SPI {@code identity_provider}). */
public final class EntraIdIdentityProviderFactory extends AbstractIdentityProviderFactory<EntraIdIdentityProvider> {

    public static final String PROVIDER_ID = "entra-id";

    private final EntraTokenValidators validators = new EntraTokenValidators();

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getName() {
        return "Microsoft Entra ID (Azure AD)";
    }

    @Override
    public String getHelpText() {
        return "Sign in with accounts of exactly one Microsoft Entra ID tenant.";
    }

    @Override
    public EntraIdIdentityProvider create(KeycloakSession session, IdentityProviderModel model) {
        EntraIdConfig config = new EntraIdConfig(model);
        return new EntraIdIdentityProvider(session, config, validators.forConfig(config));
    }

    @Override
    public EntraIdConfig createConfig() {
        return new EntraIdConfig();
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return EntraIdConfig.CONFIG_PROPERTIES;
    }
}
