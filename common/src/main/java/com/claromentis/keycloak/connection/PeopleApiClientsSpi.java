package com.claromentis.keycloak.connection;

import com.claromentis.keycloak.common.BundleSpi;

/** Registers {@link PeopleApiClients} with Keycloak, so every module of the bundle reaches the same registry. */
public final class PeopleApiClientsSpi extends BundleSpi {

    public PeopleApiClientsSpi() {
        super("claromentis-people-api-clients", PeopleApiClients.class, PeopleApiClientsFactory.class);
    }
}
