package com.claromentis.keycloak.outbox;

import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * Adds {@code /admin/realms/{realm}/}{@value #ID} to Keycloak's admin REST API (the {@code admin-realm-restapi-extension}
 * SPI, which authenticates the caller as for any admin endpoint and hands over the realm's permission evaluator).
 */
public final class OutboxAdminResourceFactory implements AdminRealmResourceProviderFactory, AdminRealmResourceProvider {

    static final String ID = "claromentis-outbox";

    @Override
    public AdminRealmResourceProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public Object getResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                              AdminEventBuilder adminEvent) {
        ProvisioningEventListenerFactory outbox = (ProvisioningEventListenerFactory) session.getKeycloakSessionFactory()
                .getProviderFactory(EventListenerProvider.class, ProvisioningEventListenerFactory.PROVIDER_ID);
        return new OutboxAdminResource(session, realm, auth, adminEvent, outbox);
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public void init(Config.Scope config) {
        // No settings: the outbox's are on the event listener.
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
