package com.claromentis.keycloak.provisioning;

import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.Provider;

/**
 * Where a sign-in step hands a person over for provisioning into Claromentis. The outbox module provides it;
 * modules that only need to queue (the first-login steps) depend on this interface, not on the outbox.
 */
public interface ProvisioningQueue extends Provider {

    /**
     * Queues the creation (or update) of {@code user} in Claromentis in the current transaction, when the realm
     * provisions and the fields Claromentis holds changed since the last queued change.
     *
     * @return whether a change was queued
     */
    boolean signedIn(RealmModel realm, UserModel user);
}
