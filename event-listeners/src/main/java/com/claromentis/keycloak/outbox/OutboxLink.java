package com.claromentis.keycloak.outbox;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The outbox's own record that a Keycloak user and a Claromentis user are the same person (see
 * {@link ClaromentisLink}). It mirrors the user's {@code claromentisId} attribute, which an administrator's form may
 * overwrite or drop, and it outlives the Keycloak user, so a deletion still finds the right Claromentis user.
 */
@Entity
@Table(name = OutboxLink.TABLE)
public class OutboxLink {

    static final String TABLE = "CLAROMENTIS_OUTBOX_LINK";

    /** {@code realmId/userId}. */
    @Id
    @Column(name = "ID", length = 80)
    private String id;

    @Column(name = "REALM_ID", nullable = false, length = 36)
    private String realmId;

    @Column(name = "CLAROMENTIS_ID", nullable = false)
    private long claromentisId;

    protected OutboxLink() {
    }

    OutboxLink(String realmId, String userId, long claromentisId) {
        this.id = key(realmId, userId);
        this.realmId = realmId;
        this.claromentisId = claromentisId;
    }

    static String key(String realmId, String userId) {
        return realmId + "/" + userId;
    }

    public String getId() { return id; }
    public String getRealmId() { return realmId; }
    public long getClaromentisId() { return claromentisId; }

    void setClaromentisId(long value) {
        this.claromentisId = value;
    }
}
