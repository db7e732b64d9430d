package com.claromentis.keycloak.outbox;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A realm's Claromentis asked to be left alone ({@code Retry-After} on a 429 or 503): no node sends that realm's
 * changes before {@code heldUntil}. One row per realm, since a realm delivers through one connection; kept in the
 * database so every node honours it.
 */
@Entity
@Table(name = OutboxHold.TABLE)
public class OutboxHold {

    static final String TABLE = "CLAROMENTIS_OUTBOX_HOLD";

    @Id
    @Column(name = "REALM_ID", length = 36)
    private String realmId;

    /** The connection (component id) that asked for the pause, for the administrator's summary. */
    @Column(name = "COMPONENT_ID", length = 36)
    private String componentId;

    /** Epoch milliseconds. */
    @Column(name = "HELD_UNTIL", nullable = false)
    private long heldUntil;

    protected OutboxHold() {
    }

    OutboxHold(String realmId, String componentId, long heldUntil) {
        this.realmId = realmId;
        this.componentId = componentId;
        this.heldUntil = heldUntil;
    }

    public String getRealmId() { return realmId; }
    public String getComponentId() { return componentId; }
    public long getHeldUntil() { return heldUntil; }

    void extendTo(String component, long until) {
        if (until > heldUntil) {
            heldUntil = until;
            componentId = component;
        }
    }
}
