package com.claromentis.keycloak.connection;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/** Registers {@link PeopleApiClients} with Keycloak, so every module of the bundle reaches the same registry. */
public final class PeopleApiClientsSpi implements Spi {

    @Override
    public boolean isInternal() {
        return false;
    }

    @Override
    public String getName() {
        return "claromentis-people-api-clients";
    }

    @Override
    public Class<? extends Provider> getProviderClass() {
        return PeopleApiClients.class;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return PeopleApiClientsFactory.class;
    }
}
