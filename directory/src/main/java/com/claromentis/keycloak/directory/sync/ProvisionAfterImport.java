package com.claromentis.keycloak.directory.sync;

import com.claromentis.keycloak.common.LogSafe;
import com.claromentis.keycloak.provisioning.ProvisioningQueue;
import org.jboss.logging.Logger;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The directory users a transaction imported or updated, handed to the provisioning queue when the transaction is
 * prepared: by then every mapper of the LDAP provider has written its part of the user, so what is queued is the
 * user as the sync left it, in the same transaction as the Keycloak change. Users whose Claromentis fields did not
 * change queue nothing (the queue compares fingerprints).
 */
final class ProvisionAfterImport {

    private static final Logger LOG = Logger.getLogger(ProvisionAfterImport.class);
    private static final String KEY = ProvisionAfterImport.class.getName();

    private final Map<String, UserModel> users = new LinkedHashMap<>();
    private final RealmModel realm;
    private final ProvisioningQueue queue;
    private boolean bulk;

    private ProvisionAfterImport(RealmModel realm, ProvisioningQueue queue) {
        this.realm = realm;
        this.queue = queue;
    }

    /**
     * Records {@code user} for provisioning when the session's transaction is prepared.
     *
     * @param bulk whether a sync imports the user (its changes are delivered once the sync is quiet), rather than a
     *             sign-in (delivered at once)
     */
    static void add(KeycloakSession session, RealmModel realm, UserModel user, boolean bulk) {
        ProvisionAfterImport pending = session.getAttribute(KEY, ProvisionAfterImport.class);
        if (pending == null) {
            // Obtained now, while the transaction is open: the outbox can still arrange to wake its delivery.
            ProvisioningQueue queue = session.getProvider(ProvisioningQueue.class);
            if (queue == null) {
                LOG.debugf("No provisioning queue is installed; '%s' is not provisioned", LogSafe.of(user.getUsername()));
                return;
            }
            pending = new ProvisionAfterImport(realm, queue);
            session.setAttribute(KEY, pending);
            ProvisionAfterImport enlisted = pending;
            session.getTransactionManager().enlistPrepare(new AbstractKeycloakTransaction() {
                @Override
                protected void commitImpl() {
                    enlisted.flush();
                }

                @Override
                protected void rollbackImpl() {
                    enlisted.users.clear();
                }
            });
        }
        pending.users.put(user.getId(), user);
        pending.bulk |= bulk;
    }

    private void flush() {
        if (bulk) {
            queue.bulkImport(realm);
        }
        int queued = 0;
        for (UserModel user : users.values()) {
            if (queue.signedIn(realm, user)) {
                queued++;
            }
        }
        if (queued > 0) {
            LOG.debugf("Queued %d of %d directory users for Claromentis", queued, users.size());
        }
        users.clear();
    }
}
