package com.claromentis.keycloak.outbox;

import org.keycloak.Config;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

import java.util.List;

/**
 * Registers the outbox table with Keycloak's JPA layer. On the Quarkus distribution the {@code @Entity} class is
 * found in the providers JAR by {@code kc.sh build} and added to Keycloak's persistence unit; this provider adds the
 * Liquibase changelog that creates the table, run at start-up with a changelog table of its own.
 */
public final class OutboxJpaEntities implements JpaEntityProviderFactory, JpaEntityProvider {

    static final String ID = "claromentis-outbox";

    @Override
    public JpaEntityProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public List<Class<?>> getEntities() {
        return List.of(OutboxEntry.class, OutboxHold.class, OutboxLock.class, OutboxLink.class, OutboxLease.class);
    }

    @Override
    public String getChangelogLocation() {
        return "META-INF/claromentis-outbox-changelog.xml";
    }

    @Override
    public String getFactoryId() {
        return ID;
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public void init(Config.Scope config) {
        // No settings.
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        // Nothing to wire.
    }

    @Override
    public void close() {
        // Stateless.
    }
}
