package com.claromentis.keycloak.outbox;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One row per Claromentis group or role whose member list the outbox rewrites; a delivery holds a pessimistic lock
 * on it for the read-modify-write of that list ({@code PUT /groups/{id}/users} replaces the whole list), so two
 * deliveries into one group, on any threads or nodes, never undo each other's change.
 */
@Entity
@Table(name = OutboxLock.TABLE)
public class OutboxLock {

    static final String TABLE = "CLAROMENTIS_OUTBOX_LOCK";

    @Id
    @Column(name = "LOCK_KEY", length = 255)
    private String lockKey;

    protected OutboxLock() {
    }

    OutboxLock(String lockKey) {
        this.lockKey = lockKey;
    }

    public String getLockKey() { return lockKey; }
}
