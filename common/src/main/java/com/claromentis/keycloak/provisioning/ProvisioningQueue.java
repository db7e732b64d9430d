package com.claromentis.keycloak.provisioning;

import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.Provider;

/**
 * Where a sign-in step, a directory sync or the People API user storage hands a person over for provisioning into Claromentis. The
 * outbox module provides it; modules that only need to queue (the first-login steps, the user storage's write-back)
 * depend on this interface, not on the outbox.
 *
 * <p>Whatever is queued is a row written in the caller's transaction: it commits or rolls back with the Keycloak
 * change, and is delivered after the commit, with the outbox's retries, {@code Retry-After} pauses and dead letters.
 * The provider must be obtained ({@code session.getProvider(ProvisioningQueue.class)}) before the session's
 * transaction starts to commit, so that a change queued while it is being prepared still wakes delivery.
 */
public interface ProvisioningQueue extends Provider {

    /** A write-back change of a People API user, made by an administrator or the user, never by a sync. */
    enum WriteBackChange { CREATE, UPDATE, DISABLE, DELETE }

    /**
     * Queues the creation (or update) of {@code user} in Claromentis in the current transaction, when the realm
     * provisions and the fields Claromentis holds changed since the last queued change (and their groups, when a
     * directory names them: {@code ClaromentisProfile.DIRECTORY_GROUPS}). Sign-ins and directory syncs both call it.
     *
     * @return whether a change was queued
     */
    boolean signedIn(RealmModel realm, UserModel user);

    /**
     * Marks what this session queues as part of a bulk import of the realm's users (a directory sync) running on
     * this node: its commit does not wake delivery, and this node delivers none of the realm's changes until the
     * import has queued nothing for a short quiet time, then all of them. A sync and the delivery of what it queues
     * then do not compete for the same cores and database. Other nodes deliver as usual.
     */
    void bulkImport(RealmModel realm);

    /**
     * Queues a write-back of {@code user}, a user of the People API user storage component {@code componentId}
     * (its federation link), in the current transaction, whether or not the realm switched provisioning on. It is
     * delivered with that component's connection; the Claromentis user is the one whose id the Keycloak user holds
     * ({@code claromentisId}), and a created one is linked the same way. For {@link WriteBackChange#DELETE} call it
     * while the user still exists: the Claromentis id is taken into the queued change.
     *
     * @return whether a change was queued (false when the user is not one of that component's users)
     */
    boolean writeBack(RealmModel realm, UserModel user, String componentId, WriteBackChange change);

    /**
     * Whether a change of the user is still waiting for delivery (not yet delivered, not a dead letter). The People
     * API storage leaves such a user's imported copy alone, so a sync does not put Claromentis's older values back
     * over an edit that is on its way there.
     */
    boolean pending(RealmModel realm, String userId);

    /**
     * Whether a deletion of the realm's user {@code username} is still waiting for delivery. The People API storage
     * does not import such a person again from Claromentis, where they exist until the deletion arrives: a user an
     * administrator just deleted must not come back through the next search or sign-in lookup.
     */
    boolean deletionPending(RealmModel realm, String username);
}
