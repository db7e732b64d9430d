package com.claromentis.keycloak.console;

import com.claromentis.keycloak.common.BundleAdminResourceFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * Adds {@code /admin/realms/{realm}/}{@value #ID} to Keycloak's admin REST API: what the admin console's Claromentis
 * page shows beside the outbox and sign-in summaries (the realm's Entra tenant, each user storage provider's last
 * syncs, what the caller may do) and the People API "test connection".
 */
public final class ConsoleStateResourceFactory extends BundleAdminResourceFactory {

    public static final String ID = "claromentis-console";

    public ConsoleStateResourceFactory() {
        super(ID);
    }

    @Override
    public Object getResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                              AdminEventBuilder adminEvent) {
        return new ConsoleStateResource(session, realm, auth);
    }
}
