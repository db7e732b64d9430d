package com.claromentis.keycloak.outbox;

import com.claromentis.keycloak.common.LogSafe;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.util.JsonSerialization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The producer side of the provisioning outbox: the one call the event listener, and later the first-broker-login
 * authenticators, use to hand a user change to Claromentis.
 *
 * <p>The change is a row in Keycloak's database written in the caller's transaction, so it commits or rolls back
 * with the user change itself; nothing is sent from the caller's thread, so sign-in never waits for Claromentis.
 */
public final class ProvisioningOutbox {

    private static final Logger LOG = Logger.getLogger(ProvisioningOutbox.class);
    private static final String SESSION_STATE = ProvisioningOutbox.class.getName();
    private static final int MAX_PAYLOAD = 4000;

    private ProvisioningOutbox() {
    }

    /**
     * Queues a change of {@code user} in the current transaction. Users that must never be pushed (imported from
     * Claromentis by the People API storage, known only through social login, service accounts) are left out.
     *
     * @param payload extra details for delivery (e.g. {@code email} of a deleted user); may be empty
     * @return whether a row was written
     * @throws IllegalStateException when there is no active transaction to join
     */
    public static boolean enqueue(KeycloakSession session, RealmModel realm, UserModel user, ChangeType type,
                                  Map<String, String> payload) {
        Objects.requireNonNull(type, "type");
        if (!session.getTransactionManager().isActive()) {
            throw new IllegalStateException("A provisioning change must be queued in the transaction of the user change");
        }
        Optional<String> refusal = Eligibility.refusal(session, realm, user,
                payload == null ? null : payload.get(Delivery.WRITE_BACK));
        if (refusal.isPresent()) {
            LOG.debugf("Not queueing %s of '%s' in realm %s: the user is %s", type, LogSafe.of(user.getUsername()),
                    LogSafe.of(realm.getName()), refusal.get());
            return false;
        }
        OutboxEntry entry = OutboxEntry.pending(realm.getId(), user.getId(), user.getUsername(), type,
                json(payload), Time.currentTimeMillis());
        OutboxWorker.store(session).insert(entry);
        afterCommit(session).added.merge(type, 1, Integer::sum);
        LOG.debugf("Queued %s of '%s' in realm %s", type, LogSafe.of(user.getUsername()), LogSafe.of(realm.getName()));
        return true;
    }

    /**
     * Queues a write-back of a People API user of component {@code componentId}: the row names the component (it is
     * delivered with that connection, and only such a row may push one of its users), and a DELETE carries the
     * Claromentis id, as the user is gone by delivery time. Not tied to {@link #enabledFor}: write-back is the
     * component's setting, and the worker delivers the rows of every realm.
     */
    static boolean enqueueWriteBack(KeycloakSession session, RealmModel realm, UserModel user, String componentId,
                                    ChangeType type) {
        Map<String, String> payload = new java.util.HashMap<>();
        payload.put(Delivery.WRITE_BACK, Objects.requireNonNull(componentId, "componentId"));
        if (type == ChangeType.DELETE) {
            payload.putAll(Delivery.known(user));
        }
        return enqueue(session, realm, user, type, payload);
    }

    /** Whether the realm switched provisioning on, by adding the event listener in Realm settings, Events. */
    public static boolean enabledFor(RealmModel realm) {
        return realm.getEventsListenersStream().anyMatch(ProvisioningEventListenerFactory.PROVIDER_ID::equals);
    }

    /**
     * What the session queues belongs to a bulk import of the realm on this node: this node's delivery of the realm
     * waits until the import is quiet ({@link OutboxWorker#importing}), and the commit does not wake it.
     */
    static void bulkImport(KeycloakSession session, RealmModel realm) {
        afterCommit(session).bulkRealm = realm.getId();
    }

    /** Wakes this node's worker once the session's transaction commits, so delivery starts at once. */
    static void wakeAfterCommit(KeycloakSession session) {
        afterCommit(session);
    }

    private static AfterCommit afterCommit(KeycloakSession session) {
        AfterCommit state = session.getAttribute(SESSION_STATE, AfterCommit.class);
        if (state == null) {
            state = new AfterCommit(session);
            session.setAttribute(SESSION_STATE, state);
            session.getTransactionManager().enlistAfterCompletion(state);
        }
        return state;
    }

    private static String json(Map<String, String> payload) {
        if (payload == null || payload.isEmpty()) {
            return null;
        }
        String text;
        try {
            text = JsonSerialization.writeValueAsString(payload);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the provisioning payload as JSON", e);
        }
        if (text.length() > MAX_PAYLOAD) {
            throw new IllegalArgumentException("A provisioning payload holds at most " + MAX_PAYLOAD + " characters of JSON");
        }
        return text;
    }

    /** Runs after the session's transaction: counts and wakes the worker on commit only, as the rows exist only then. */
    private static final class AfterCommit extends AbstractKeycloakTransaction {
        private final KeycloakSession session;
        private final Map<ChangeType, Integer> added = new java.util.EnumMap<>(ChangeType.class);
        /** The realm of a bulk import this session queued for, or null. */
        private String bulkRealm;

        AfterCommit(KeycloakSession session) {
            this.session = session;
        }

        @Override
        protected void commitImpl() {
            ProvisioningEventListenerFactory factory = (ProvisioningEventListenerFactory) session.getKeycloakSessionFactory()
                    .getProviderFactory(EventListenerProvider.class, ProvisioningEventListenerFactory.PROVIDER_ID);
            if (factory != null) {
                factory.committed(added, bulkRealm);
            }
        }

        @Override
        protected void rollbackImpl() {
            LOG.debugf("%d provisioning change(s) rolled back with their transaction",
                    added.values().stream().mapToInt(Integer::intValue).sum());
        }
    }
}
