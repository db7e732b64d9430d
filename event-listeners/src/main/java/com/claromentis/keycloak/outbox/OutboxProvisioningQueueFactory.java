package com.claromentis.keycloak.outbox;

import com.claromentis.keycloak.provisioning.ProvisioningQueue;
import com.claromentis.keycloak.provisioning.ProvisioningQueueFactory;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/** The outbox as the {@link ProvisioningQueue} of the first-login steps. */
public final class OutboxProvisioningQueueFactory implements ProvisioningQueueFactory {

    @Override
    public ProvisioningQueue create(KeycloakSession session) {
        return new ProvisioningQueue() {
            @Override
            public boolean signedIn(RealmModel realm, UserModel user) {
                return SignInProvisioning.queueIfChanged(session, realm, user);
            }

            @Override
            public void close() {
                // Rows are written in the session's own transaction; nothing is held.
            }
        };
    }

    @Override
    public void init(Config.Scope config) {
        // No settings of its own: the outbox's are per realm.
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        // Nothing to start: the outbox worker belongs to the event listener factory.
    }

    @Override
    public void close() {
        // Nothing held.
    }

    @Override
    public String getId() {
        return "outbox";
    }
}
