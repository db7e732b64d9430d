package com.claromentis.keycloak.storage;

import com.claromentis.keycloak.common.LogSafe;
import com.claromentis.keycloak.profile.ClaromentisUserMapper;
import com.claromentis.keycloak.provisioning.ProvisioningQueue;
import com.claromentis.keycloak.provisioning.ProvisioningQueue.WriteBackChange;
import org.jboss.logging.Logger;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.ErrorResponse;

import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hands admin-console and account changes of this component's users to the provisioning outbox
 * ({@link ProvisioningQueue}): each changed user is queued once, in the same Keycloak transaction, when the
 * transaction is prepared, and delivered to Claromentis after the commit. So an edit saved here is never lost to a
 * Claromentis outage (it waits with the outbox's retries), and a Keycloak change that does not commit sends nothing.
 * A refusal by Claromentis becomes a dead letter of the outbox. Syncs write the imported copies directly, not
 * through {@link ClaromentisUserAdapter}, so they never come here and are never echoed back.
 */
final class WriteBack {

    private static final Logger LOG = Logger.getLogger(WriteBack.class);

    private final KeycloakSession session;
    private final ComponentModel component;
    private final boolean enabled;
    /** Users changed in this transaction, by id, with the change to queue. */
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    /** Users disabled in this transaction, by id: a lockout or an administrator's disable. */
    private final Map<String, UserModel> disabled = new LinkedHashMap<>();
    private boolean enlisted;

    WriteBack(KeycloakSession session, ComponentModel component, boolean enabled) {
        this.session = session;
        this.component = component;
        this.enabled = enabled;
    }

    boolean enabled() {
        return enabled;
    }

    void created(UserModel user) {
        queue(user, WriteBackChange.CREATE);
    }

    void updated(UserModel user) {
        queue(user, WriteBackChange.UPDATE);
    }

    /**
     * Queues the deletion at once, while the user (and its Claromentis id) still exists; changes queued for it in
     * this transaction are dropped, as there is nothing left to update.
     */
    void deleted(UserModel user) {
        pending.remove(user.getId());
        disabled.remove(user.getId());
        queue().writeBack(realm(), user, component.getId(), WriteBackChange.DELETE);
        LOG.debugf("Queued the deletion of '%s' in Claromentis", LogSafe.of(user.getUsername()));
    }

    /**
     * A user disabled in Keycloak. Decided when the transaction is prepared, once Keycloak has had the chance to
     * record why: a brute-force lockout stays local (and never deactivates the person in Claromentis); any other
     * disable is queued for Claromentis with write-back on, and refused without it (Claromentis owns "enabled").
     */
    void disabledHere(UserModel user) {
        disabled.put(user.getId(), user);
        enlist();
    }

    private void queue(UserModel user, WriteBackChange change) {
        pending.merge(user.getId(), new Pending(user, change),
                (old, fresh) -> old.change == WriteBackChange.CREATE ? old : fresh);
        enlist();
    }

    private void enlist() {
        if (enlisted) {
            return;
        }
        enlisted = true;
        if (enabled) {
            // Obtained now, while the transaction is open, so the outbox can still arrange to wake its delivery.
            queue();
        }
        session.getTransactionManager().enlistPrepare(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                flush();
            }

            @Override
            protected void rollbackImpl() {
                pending.clear();
                disabled.clear();
            }
        });
    }

    private void flush() {
        for (UserModel user : disabled.values()) {
            if (ClaromentisUserMapper.isLockedOut(user)) {
                LOG.infof("'%s' is locked out by Keycloak's brute-force protection; Claromentis is not told",
                        LogSafe.of(user.getUsername()));
            } else if (enabled) {
                pending.putIfAbsent(user.getId(), new Pending(user, WriteBackChange.DISABLE));
            } else {
                throw ErrorResponse.error("'" + LogSafe.of(user.getUsername()) + "' is managed by Claromentis (provider '"
                        + LogSafe.of(component.getName()) + "'): deactivate the person in Claromentis, or turn on write-back",
                        Response.Status.BAD_REQUEST);
            }
        }
        disabled.clear();
        if (pending.isEmpty()) {
            return;
        }
        RealmModel realm = realm();
        ProvisioningQueue queue = queue();
        for (Pending entry : pending.values()) {
            if (queue.writeBack(realm, entry.user, component.getId(), entry.change)) {
                LOG.debugf("Queued the %s of '%s' for Claromentis", entry.change, LogSafe.of(entry.user.getUsername()));
            } else {
                LOG.warnf("The outbox did not take the %s of '%s' for Claromentis", entry.change,
                        LogSafe.of(entry.user.getUsername()));
            }
        }
        pending.clear();
    }

    private RealmModel realm() {
        return session.realms().getRealm(component.getParentId());
    }

    private ProvisioningQueue queue() {
        ProvisioningQueue queue = session.getProvider(ProvisioningQueue.class);
        if (queue == null) {
            // The outbox ships in the same bundle; without it a change would be saved here and never sent.
            throw ErrorResponse.error("Write-back of provider '" + LogSafe.of(component.getName()) + "' needs the "
                    + "Claromentis provisioning outbox, which this server does not have", Response.Status.INTERNAL_SERVER_ERROR);
        }
        return queue;
    }

    private record Pending(UserModel user, WriteBackChange change) {
    }
}
