package com.claromentis.keycloak.outbox;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A lease on work that one node of the cluster may do at a time (a provider's sync): who holds it and until when
 * (epoch ms). The holder renews it while the work runs; a crashed holder's lease simply runs out. Rows are created on
 * first use and never removed (one per component that ever synced).
 */
@Entity
@Table(name = OutboxLease.TABLE)
public class OutboxLease {

    static final String TABLE = "CLAROMENTIS_LEASE";

    @Id
    @Column(name = "LEASE_KEY", length = 255)
    private String leaseKey;

    @Column(name = "HOLDER", length = 255)
    private String holder;

    @Column(name = "HELD_UNTIL", nullable = false)
    private long heldUntil;

    protected OutboxLease() {
    }

    OutboxLease(String leaseKey) {
        this.leaseKey = leaseKey;
    }

    public String getLeaseKey() { return leaseKey; }

    public String getHolder() { return holder; }

    public long getHeldUntil() { return heldUntil; }
}
