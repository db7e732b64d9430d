package com.claromentis.keycloak.common;

import org.keycloak.Config;
import org.keycloak.models.UserModel;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;

/**
 * An admin REST endpoint of the bundle under {@code /admin/realms/{realm}/<id>} (the
 * {@code admin-realm-restapi-extension} SPI, which authenticates the caller as for any admin endpoint and hands
 * over the realm's permission evaluator). Stateless: the factory is its own provider, and every resource method
 * checks the caller's permission itself.
 */
public abstract class BundleAdminResourceFactory implements AdminRealmResourceProviderFactory, AdminRealmResourceProvider {

    private final String id;

    protected BundleAdminResourceFactory(String id) {
        this.id = id;
    }

    /** The acting administrator's username, fit for a log line; {@code unknown} when the call has none. */
    public static String actor(AdminPermissionEvaluator auth) {
        UserModel admin = auth.adminAuth() == null ? null : auth.adminAuth().getUser();
        return LogSafe.of(admin == null ? "unknown" : admin.getUsername());
    }

    @Override
    public final AdminRealmResourceProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public final String getId() {
        return id;
    }

    @Override
    public void init(Config.Scope config) {
        // No server-wide settings of its own.
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        // Nothing to wire after start-up.
    }

    @Override
    public final void close() {
        // Stateless.
    }
}
