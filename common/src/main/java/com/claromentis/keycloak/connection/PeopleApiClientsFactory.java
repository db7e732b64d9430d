package com.claromentis.keycloak.connection;

import org.keycloak.provider.ProviderFactory;

/** Factory of {@link PeopleApiClients}; the default one holds the registry for the server's lifetime. */
public interface PeopleApiClientsFactory extends ProviderFactory<PeopleApiClients> {
}
