package com.claromentis.keycloak.outbox;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One provisioning change waiting for delivery, in Keycloak's own database (table {@value #TABLE}).
 *
 * <p>Not final and with a protected no-argument constructor because Hibernate instantiates and may proxy entities.
 * Every state change after the insert is a bulk JPQL update in {@link OutboxStore} guarded by {@code version} and
 * the claim token, so two Keycloak nodes never act on the same row at once.
 */
@Entity
@Table(name = OutboxEntry.TABLE)
public class OutboxEntry {

    static final String TABLE = "CLAROMENTIS_OUTBOX";

    /** Waiting for (another) delivery attempt. */
    static final String PENDING = "PENDING";
    /** Given up on: kept for an administrator to list, replay or discard. */
    static final String DEAD = "DEAD";

    /** Insertion order: changes for one user are delivered in this order. */
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    @Column(name = "ID")
    private Long id;

    @Column(name = "REALM_ID", nullable = false, length = 36)
    private String realmId;

    @Column(name = "USER_ID", nullable = false, length = 36)
    private String userId;

    /** The username when the change was queued: the user may be gone (DELETE) or renamed by delivery time. */
    @Column(name = "USERNAME", nullable = false, length = 255)
    private String username;

    @Enumerated(EnumType.STRING)
    @Column(name = "CHANGE_TYPE", nullable = false, length = 32)
    private ChangeType changeType;

    /** Small JSON object of extra details (e.g. the email of a deleted user); null when there are none. */
    @Column(name = "PAYLOAD", length = 4000)
    private String payload;

    @Column(name = "STATUS", nullable = false, length = 16)
    private String status;

    @Column(name = "ATTEMPTS", nullable = false)
    private int attempts;

    /** Epoch milliseconds: numbers, so no database time zone handling can shift them. */
    @Column(name = "CREATED_AT", nullable = false)
    private long createdAt;

    /** When the change was (re)queued: the maximum age counts from here, so a replayed dead letter gets a new life. */
    @Column(name = "QUEUED_AT", nullable = false)
    private long queuedAt;

    @Column(name = "NEXT_ATTEMPT_AT", nullable = false)
    private long nextAttemptAt;

    @Column(name = "LAST_ERROR", length = 1000)
    private String lastError;

    /**
     * For a dead letter refused because Claromentis has an unlinked user of the same username: that user's id, which
     * an administrator may link to the Keycloak user ({@code POST dead-letters/{id}/link}).
     */
    @Column(name = "CANDIDATE_ID")
    private Long candidateId;

    /** The claim token of the node delivering the row, or null. */
    @Column(name = "CLAIMED_BY", length = 255)
    private String claimedBy;

    /** The claim's lease: after it another node may take the row over (its holder crashed or hung). */
    @Column(name = "CLAIMED_UNTIL")
    private Long claimedUntil;

    /** Bumped by every update; a claim only succeeds on the version it read. */
    @Column(name = "VERSION", nullable = false)
    private int version;

    protected OutboxEntry() {
    }

    static OutboxEntry pending(String realmId, String userId, String username, ChangeType type, String payload, long now) {
        OutboxEntry entry = new OutboxEntry();
        entry.realmId = realmId;
        entry.userId = userId;
        entry.username = username;
        entry.changeType = type;
        entry.payload = payload;
        entry.status = PENDING;
        entry.createdAt = now;
        entry.queuedAt = now;
        entry.nextAttemptAt = now;
        return entry;
    }

    public Long getId() { return id; }
    public String getRealmId() { return realmId; }
    public String getUserId() { return userId; }
    public String getUsername() { return username; }
    public ChangeType getChangeType() { return changeType; }
    public String getPayload() { return payload; }
    public String getStatus() { return status; }
    public int getAttempts() { return attempts; }
    public long getCreatedAt() { return createdAt; }
    public long getQueuedAt() { return queuedAt; }
    public long getNextAttemptAt() { return nextAttemptAt; }
    public String getLastError() { return lastError; }
    public Long getCandidateId() { return candidateId; }
    public String getClaimedBy() { return claimedBy; }
    public Long getClaimedUntil() { return claimedUntil; }
    public int getVersion() { return version; }
}
