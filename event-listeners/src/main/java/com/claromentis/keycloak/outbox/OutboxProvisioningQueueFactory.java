package com.claromentis.keycloak.outbox;

import com.claromentis.keycloak.provisioning.ProvisioningQueue;
import com.claromentis.keycloak.provisioning.ProvisioningQueueFactory;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/** The outbox as the {@link ProvisioningQueue} of the first-login steps and of the People API write-back. */
public final class OutboxProvisioningQueueFactory implements ProvisioningQueueFactory {

    private static final Logger LOG = Logger.getLogger(OutboxProvisioningQueueFactory.class);

    @Override
    public ProvisioningQueue create(KeycloakSession session) {
        // Enlisted now, while the transaction is open: Keycloak refuses to enlist once it commits, and the write-back
        // queues the changes it decides only when the transaction is prepared (a lockout is known only then).
        try {
            // The user cache enlists itself when first asked for; a change queued while the transaction is prepared
            // evicts through it, and by then Keycloak refuses new enlistments. It is enlisted before the wake-up, so
            // this node's cached copy is gone before the worker is woken to read the user.
            session.getProvider(org.keycloak.models.cache.UserCache.class);
            ProvisioningOutbox.wakeAfterCommit(session);
        } catch (IllegalStateException e) {
            // Obtained while the transaction already commits: what is queued now is found by the next poll.
            LOG.debugf("The outbox queue was obtained during a commit; delivery starts at the next poll: %s", e.getMessage());
        }
        return new ProvisioningQueue() {
            @Override
            public boolean signedIn(RealmModel realm, UserModel user) {
                return SignInProvisioning.queueIfChanged(session, realm, user);
            }

            @Override
            public void bulkImport(RealmModel realm) {
                ProvisioningOutbox.bulkImport(session, realm);
            }

            @Override
            public boolean writeBack(RealmModel realm, UserModel user, String componentId, WriteBackChange change) {
                ChangeType type = switch (change) {
                    case CREATE -> ChangeType.CREATE;
                    case UPDATE -> ChangeType.UPDATE;
                    case DISABLE -> ChangeType.DISABLE;
                    case DELETE -> ChangeType.DELETE;
                };
                return ProvisioningOutbox.enqueueWriteBack(session, realm, user, componentId, type);
            }

            @Override
            public boolean pending(RealmModel realm, String userId) {
                return OutboxWorker.store(session).hasPending(realm.getId(), userId);
            }

            @Override
            public boolean deletionPending(RealmModel realm, String username) {
                return OutboxWorker.store(session).hasPendingDeletion(realm.getId(), username);
            }

            @Override
            public void close() {
                // Rows are written in the session's own transaction; nothing is held.
            }
        };
    }

    @Override
    public <T> java.util.Optional<T> exclusively(KeycloakSessionFactory factory, String key, java.util.function.Supplier<T> work) {
        return ClusterLease.exclusively(factory, key, work);
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
