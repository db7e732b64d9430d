package com.claromentis.keycloak.common;

import org.keycloak.Config;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * A <em>global</em> event listener of the bundle that acts on what administrators save. Keycloak's admin REST API
 * sends every admin event to every global listener, in the request's transaction, whatever the realm's listener
 * settings, which makes it the one hook for saves Keycloak has no provider event for (a created identity provider,
 * a saved identity-provider mapper). Sign-in events are of no interest here. Keycloak logs and drops what a listener
 * throws, so a subclass reports its outcome another way.
 */
public abstract class AdminSaveListenerFactory implements EventListenerProviderFactory {

    private final String id;

    protected AdminSaveListenerFactory(String id) {
        this.id = id;
    }

    /** Called for every admin event of every realm, in the transaction of the admin request. */
    protected abstract void onAdminEvent(KeycloakSession session, AdminEvent event);

    @Override
    public final boolean isGlobal() {
        return true;
    }

    @Override
    public final EventListenerProvider create(KeycloakSession session) {
        return new EventListenerProvider() {
            @Override
            public void onEvent(Event event) {
                // Sign-in events are not about what administrators save.
            }

            @Override
            public void onEvent(AdminEvent event, boolean includeRepresentation) {
                onAdminEvent(session, event);
            }

            @Override
            public void close() {
                // Nothing held.
            }
        };
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
    public final String getId() {
        return id;
    }

    @Override
    public final void close() {
        // Stateless.
    }
}
