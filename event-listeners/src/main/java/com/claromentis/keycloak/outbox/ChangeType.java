package com.claromentis.keycloak.outbox;

/**
 * What changed about a user. Delivery pushes the user's state at delivery time, so the type says which part of
 * the Claromentis user to bring in step, not the value it should get.
 */
public enum ChangeType {
    /** A new user: created in Claromentis, or updated when the username is already there. */
    CREATE,
    /** Name, email, attributes or enabled flag changed: upsert by username. */
    UPDATE,
    /** The user was disabled: upsert with {@code active=false}. */
    DISABLE,
    /** The user was removed from Keycloak: the Claromentis user with that username is deleted. */
    DELETE,
    /** The manager attribute changed: upsert, then set (or clear) the Claromentis manager. */
    MANAGER,
    /** Group membership changed: upsert, then make the Claromentis group memberships match by name. */
    GROUPS,
    /** Realm role mapping changed: upsert, then make the Claromentis role memberships match by name. */
    ROLES
}
