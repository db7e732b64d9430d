package com.claromentis.keycloak.outbox;

import com.claromentis.keycloak.common.BundleAdminResourceFactory;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * Adds {@code /admin/realms/{realm}/}{@value #ID} to Keycloak's admin REST API (the {@code admin-realm-restapi-extension}
 * SPI, which authenticates the caller as for any admin endpoint and hands over the realm's permission evaluator).
 */
public final class OutboxAdminResourceFactory extends BundleAdminResourceFactory {

    static final String ID = "claromentis-outbox";

    public OutboxAdminResourceFactory() {
        super(ID);
    }

    @Override
    public Object getResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                              AdminEventBuilder adminEvent) {
        ProvisioningEventListenerFactory outbox = (ProvisioningEventListenerFactory) session.getKeycloakSessionFactory()
                .getProviderFactory(EventListenerProvider.class, ProvisioningEventListenerFactory.PROVIDER_ID);
        return new OutboxAdminResource(session, realm, auth, adminEvent, outbox);
    }
}
