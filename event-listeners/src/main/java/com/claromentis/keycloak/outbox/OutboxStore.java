package com.claromentis.keycloak.outbox;

import com.claromentis.keycloak.common.LocalUsers;
import jakarta.persistence.EntityManager;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The outbox table's queries, on the entity manager of the caller's transaction.
 *
 * <p>Claiming is portable rather than {@code SELECT ... FOR UPDATE SKIP LOCKED} (which H2, the dev-file database,
 * lacks): a node reads due rows, claims them in one conditional update
 * {@code UPDATE ... SET claimed_by = token WHERE id IN (...) AND status = 'PENDING' AND next_attempt_at <= now AND
 * (claimed_until IS NULL OR claimed_until < now)}, then reads back the rows that carry its token, as they are now.
 * On PostgreSQL a second node's update waits for the first to commit, then finds the rows claimed and leaves them;
 * on H2 it fails or updates nothing. Either way each row goes to one node, and a batch costs two statements to
 * claim, not one per row (the claim runs while the delivery threads wait).
 */
final class OutboxStore {

    /**
     * Due pending rows that are the oldest pending row of their user: a later change for a user waits until every
     * earlier one is delivered or dead, so one user's changes are applied in order even across nodes.
     */
    private static final String HEADS = "select e from OutboxEntry e"
            + " where e.status = :pending and e.nextAttemptAt <= :now"
            + " and (e.claimedUntil is null or e.claimedUntil < :now)"
            + " and not exists (select p.id from OutboxEntry p where p.realmId = e.realmId and p.userId = e.userId"
            + " and p.status = :pending and p.id < e.id)"
            // A realm whose Claromentis asked for a pause (Retry-After) gets nothing until the pause is over.
            + " and not exists (select h.realmId from OutboxHold h where h.realmId = e.realmId and h.heldUntil > :now)"
            + " order by e.id";

    private static final String CLAIM = "update OutboxEntry e set e.claimedBy = :token, e.claimedUntil = :until,"
            + " e.version = e.version + 1"
            + " where e.id in :ids and e.status = :pending and e.nextAttemptAt <= :now"
            + " and (e.claimedUntil is null or e.claimedUntil < :now)";

    private static final String REPLAY = "update OutboxEntry e set e.status = :pending, e.attempts = 0,"
            + " e.queuedAt = :now, e.nextAttemptAt = :now, e.claimedBy = null, e.claimedUntil = null,"
            + " e.candidateId = null, e.version = e.version + 1 where e.realmId = :realm and e.status = :dead";

    private final EntityManager em;

    OutboxStore(EntityManager em) {
        this.em = em;
    }

    void insert(OutboxEntry entry) {
        em.persist(entry);
    }

    /** Claims up to {@code limit} due rows for {@code token} until {@code until}; returns what was claimed. */
    List<Claimed> claim(String token, long now, long until, int limit) {
        return claim(token, now, until, limit, Set.of());
    }

    /** @param skipped realms whose changes are not claimed now (a bulk import on this node is not quiet yet) */
    List<Claimed> claim(String token, long now, long until, int limit, Set<String> skipped) {
        jakarta.persistence.TypedQuery<OutboxEntry> query = skipped.isEmpty()
                ? em.createQuery(HEADS, OutboxEntry.class)
                : em.createQuery(HEADS.replace(" order by", " and e.realmId not in :skipped order by"), OutboxEntry.class)
                        .setParameter("skipped", skipped);
        List<OutboxEntry> heads = query
                .setParameter("pending", OutboxEntry.PENDING)
                .setParameter("now", now)
                .setMaxResults(limit)
                .getResultList();
        return take(token, now, until, heads);
    }

    /**
     * Claims for {@code token} those of {@code heads} (due rows as read just before) that are still pending, due and
     * unclaimed now, and returns them as they are after the claim.
     */
    List<Claimed> take(String token, long now, long until, List<OutboxEntry> heads) {
        if (heads.isEmpty()) {
            return List.of();
        }
        // Still claimed by an earlier holder whose lease ran out: that holder stopped mid-delivery.
        Set<Long> takenOver = new HashSet<>();
        List<Long> ids = new ArrayList<>(heads.size());
        for (OutboxEntry head : heads) {
            ids.add(head.getId());
            if (head.getClaimedBy() != null) {
                takenOver.add(head.getId());
            }
        }
        int updated = em.createQuery(CLAIM)
                .setParameter("token", token)
                .setParameter("until", until)
                .setParameter("ids", ids)
                .setParameter("pending", OutboxEntry.PENDING)
                .setParameter("now", now)
                .executeUpdate();
        if (updated == 0) {
            return List.of();
        }
        // The rows as the claim left them (another node may have tried one meanwhile), not as first read: the
        // entities read first would be handed back unchanged by the persistence context.
        heads.forEach(em::detach);
        List<Claimed> claimed = new ArrayList<>(updated);
        em.createQuery("select e from OutboxEntry e where e.id in :ids and e.claimedBy = :token order by e.id",
                        OutboxEntry.class)
                .setParameter("ids", ids)
                .setParameter("token", token)
                .getResultList()
                .forEach(row -> claimed.add(Claimed.of(row, token, takenOver.contains(row.getId()))));
        return claimed;
    }

    /**
     * Removes delivered rows still claimed by the claims that delivered them, one statement per claim (a batch is one
     * claim, at most {@value OutboxSettings#MAX_BATCH_SIZE} rows); returns how many were removed.
     */
    int completeAll(List<Claimed> rows) {
        return perClaim(rows, "delete from OutboxEntry e where e.id in :ids and e.claimedBy = :token", Map.of());
    }

    /**
     * Gives back claimed rows whose delivery never started, due at once: one statement per claim and kind. A row its
     * claim had taken over keeps a holder (with its lease over), so whoever claims it next still treats it as the
     * stopped holder's; the others are plainly unclaimed again. Returns how many were given back.
     */
    int releaseUnstarted(List<Claimed> rows, long now) {
        Map<Boolean, List<Claimed>> byTakeOver = rows.stream().collect(Collectors.partitioningBy(Claimed::takenOver));
        return perClaim(byTakeOver.get(false), "update OutboxEntry e set e.claimedBy = null, e.claimedUntil = null,"
                        + " e.version = e.version + 1 where e.id in :ids and e.claimedBy = :token", Map.of())
                + perClaim(byTakeOver.get(true), "update OutboxEntry e set e.claimedUntil = :now,"
                        + " e.version = e.version + 1 where e.id in :ids and e.claimedBy = :token", Map.of("now", now));
    }

    /**
     * Runs {@code statement} (naming {@code :ids} and {@code :token}) once per claim token among {@code rows}, on the
     * rows that claim still holds; returns the rows it touched.
     */
    private int perClaim(List<Claimed> rows, String statement, Map<String, Object> parameters) {
        Map<String, List<Long>> byToken = new LinkedHashMap<>();
        rows.forEach(row -> byToken.computeIfAbsent(row.token(), token -> new ArrayList<>()).add(row.id()));
        int touched = 0;
        for (Map.Entry<String, List<Long>> claim : byToken.entrySet()) {
            jakarta.persistence.Query query = em.createQuery(statement)
                    .setParameter("ids", claim.getValue())
                    .setParameter("token", claim.getKey());
            parameters.forEach(query::setParameter);
            touched += query.executeUpdate();
        }
        return touched;
    }

    /**
     * Removes a delivered row.
     *
     * @return false when the claim was lost (the lease ran out and another node took the row over)
     */
    boolean complete(Claimed row) {
        return em.createQuery("delete from OutboxEntry e where e.id = :id and e.claimedBy = :token")
                .setParameter("id", row.id())
                .setParameter("token", row.token())
                .executeUpdate() == 1;
    }

    /**
     * Records a failed attempt and releases the claim, as a retry at {@code nextAttemptAt} or as a dead letter.
     *
     * @return false when the claim was lost
     */
    boolean fail(Claimed row, int attempts, boolean dead, long nextAttemptAt, String error, Long candidateId) {
        return em.createQuery("update OutboxEntry e set e.attempts = :attempts, e.status = :status,"
                        + " e.nextAttemptAt = :next, e.lastError = :error, e.candidateId = :candidate,"
                        + " e.claimedBy = null, e.claimedUntil = null,"
                        + " e.version = e.version + 1 where e.id = :id and e.claimedBy = :token")
                .setParameter("attempts", attempts)
                .setParameter("status", dead ? OutboxEntry.DEAD : OutboxEntry.PENDING)
                .setParameter("next", nextAttemptAt)
                .setParameter("error", truncate(error, 1000))
                .setParameter("candidate", candidateId)
                .setParameter("id", row.id())
                .setParameter("token", row.token())
                .executeUpdate() == 1;
    }

    /**
     * Gives a claimed row back untried, due at {@code nextAttemptAt}: its realm is on hold. Not an attempt, so it
     * costs the change none of its attempts.
     *
     * @return false when the claim was lost
     */
    boolean release(Claimed row, long nextAttemptAt) {
        return em.createQuery("update OutboxEntry e set e.nextAttemptAt = :next, e.claimedBy = null,"
                        + " e.claimedUntil = null, e.version = e.version + 1 where e.id = :id and e.claimedBy = :token")
                .setParameter("next", nextAttemptAt)
                .setParameter("id", row.id())
                .setParameter("token", row.token())
                .executeUpdate() == 1;
    }

    /** One dead letter of the realm, or null. */
    OutboxEntry deadLetter(String realmId, long id) {
        OutboxEntry entry = em.find(OutboxEntry.class, id);
        return entry != null && realmId.equals(entry.getRealmId()) && OutboxEntry.DEAD.equals(entry.getStatus())
                ? entry : null;
    }

    List<OutboxEntry> deadLetters(String realmId, int first, int max) {
        return em.createQuery("select e from OutboxEntry e where e.realmId = :realm and e.status = :dead order by e.id",
                        OutboxEntry.class)
                .setParameter("realm", realmId)
                .setParameter("dead", OutboxEntry.DEAD)
                .setFirstResult(first)
                .setMaxResults(max)
                .getResultList();
    }

    /** Queues one dead letter again as if new: attempts and age start over. */
    boolean replay(String realmId, long id, long now) {
        return em.createQuery(REPLAY + " and e.id = :id")
                .setParameter("pending", OutboxEntry.PENDING)
                .setParameter("now", now)
                .setParameter("realm", realmId)
                .setParameter("dead", OutboxEntry.DEAD)
                .setParameter("id", id)
                .executeUpdate() == 1;
    }

    /** Queues every dead letter of a realm again. */
    int replayAll(String realmId, long now) {
        return em.createQuery(REPLAY)
                .setParameter("pending", OutboxEntry.PENDING)
                .setParameter("now", now)
                .setParameter("realm", realmId)
                .setParameter("dead", OutboxEntry.DEAD)
                .executeUpdate();
    }

    /** Deletes one dead letter an administrator gave up on. */
    boolean discard(String realmId, long id) {
        return em.createQuery("delete from OutboxEntry e where e.realmId = :realm and e.status = :dead and e.id = :id")
                .setParameter("realm", realmId)
                .setParameter("dead", OutboxEntry.DEAD)
                .setParameter("id", id)
                .executeUpdate() == 1;
    }

    /**
     * Makes a realm's changes that are waiting out a backoff due now; called when Claromentis answers again after
     * failures, so an outage ends with prompt delivery instead of each change sleeping out its own backoff.
     *
     * @return how many changes were brought forward
     */
    int resume(String realmId, long now) {
        if (heldUntil(realmId) > now) {
            // Claromentis asked for a pause: the changes wait for it to end, not for their own backoff.
            return 0;
        }
        return em.createQuery("update OutboxEntry e set e.nextAttemptAt = :now, e.version = e.version + 1"
                        + " where e.realmId = :realm and e.status = :pending and e.attempts > 0 and e.nextAttemptAt > :now")
                .setParameter("now", now)
                .setParameter("realm", realmId)
                .setParameter("pending", OutboxEntry.PENDING)
                .executeUpdate();
    }

    /** Whether the user has a change waiting for delivery (a dead letter does not count). */
    boolean hasPending(String realmId, String userId) {
        return !em.createQuery("select e.id from OutboxEntry e where e.realmId = :realm and e.userId = :user"
                        + " and e.status = :pending", Long.class)
                .setParameter("realm", realmId)
                .setParameter("user", userId)
                .setParameter("pending", OutboxEntry.PENDING)
                .setMaxResults(1)
                .getResultList().isEmpty();
    }

    /** Whether a deletion of the realm's user of that username waits for delivery; usernames are stored as Keycloak keeps them, lower case. */
    boolean hasPendingDeletion(String realmId, String username) {
        return username != null && !em.createQuery("select e.id from OutboxEntry e where e.realmId = :realm"
                        + " and e.username = :username and e.changeType = :delete and e.status = :pending", Long.class)
                .setParameter("realm", realmId)
                .setParameter("username", username.toLowerCase(java.util.Locale.ROOT))
                .setParameter("delete", ChangeType.DELETE)
                .setParameter("pending", OutboxEntry.PENDING)
                .setMaxResults(1)
                .getResultList().isEmpty();
    }

    /** Pending rows of every realm and when the oldest was (re)queued (0 when none), for the backlog gauges. */
    long[] backlog() {
        Object[] row = em.createQuery("select count(e), min(e.queuedAt) from OutboxEntry e where e.status = :pending",
                        Object[].class)
                .setParameter("pending", OutboxEntry.PENDING)
                .getSingleResult();
        return new long[] {((Number) row[0]).longValue(), row[1] == null ? 0 : ((Number) row[1]).longValue()};
    }

    /** Rows per status for one realm. */
    Map<String, Long> counts(String realmId) {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put(OutboxEntry.PENDING, 0L);
        counts.put(OutboxEntry.DEAD, 0L);
        List<Object[]> rows = em.createQuery("select e.status, count(e) from OutboxEntry e where e.realmId = :realm"
                        + " group by e.status", Object[].class)
                .setParameter("realm", realmId)
                .getResultList();
        for (Object[] row : rows) {
            counts.put((String) row[0], ((Number) row[1]).longValue());
        }
        return counts;
    }

    /**
     * One realm's waiting changes beyond the counts: how many have failed at least once and wait for a retry, when
     * the oldest waiting change was (re)queued (0: none), and the error standing in the way: that of the failed
     * change retried next, otherwise that of the newest dead letter (null: none).
     */
    RealmBacklog realmBacklog(String realmId) {
        Object[] row = em.createQuery("select min(e.queuedAt), sum(case when e.attempts > 0 then 1 else 0 end)"
                        + " from OutboxEntry e where e.realmId = :realm and e.status = :pending", Object[].class)
                .setParameter("realm", realmId)
                .setParameter("pending", OutboxEntry.PENDING)
                .getSingleResult();
        OutboxEntry blocking = em.createQuery("select e from OutboxEntry e where e.realmId = :realm"
                        + " and e.status = :pending and e.lastError is not null order by e.nextAttemptAt, e.id",
                        OutboxEntry.class)
                .setParameter("realm", realmId)
                .setParameter("pending", OutboxEntry.PENDING)
                .setMaxResults(1)
                .getResultList().stream().findFirst()
                .orElseGet(() -> em.createQuery("select e from OutboxEntry e where e.realmId = :realm"
                                + " and e.status = :dead order by e.id desc", OutboxEntry.class)
                        .setParameter("realm", realmId)
                        .setParameter("dead", OutboxEntry.DEAD)
                        .setMaxResults(1)
                        .getResultList().stream().findFirst().orElse(null));
        return new RealmBacklog(row[1] == null ? 0 : ((Number) row[1]).longValue(),
                row[0] == null ? 0 : ((Number) row[0]).longValue(), blocking);
    }

    record RealmBacklog(long retrying, long oldestQueuedAt, OutboxEntry lastFailure) {
    }

    /** A removed realm's changes can never be delivered: they go with it, and so do its links and pause. */
    int deleteRealm(String realmId) {
        em.createQuery("delete from OutboxLink l where l.realmId = :realm").setParameter("realm", realmId).executeUpdate();
        em.createQuery("delete from OutboxHold h where h.realmId = :realm").setParameter("realm", realmId).executeUpdate();
        return em.createQuery("delete from OutboxEntry e where e.realmId = :realm")
                .setParameter("realm", realmId)
                .executeUpdate();
    }

    // ---- Retry-After: a pause per realm, on every node -----------------------------------------------------

    /** Holds back every change of the realm until {@code until} (a later pause already recorded is kept). */
    void hold(String realmId, String componentId, long until) {
        OutboxHold hold = em.find(OutboxHold.class, realmId, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        if (hold == null) {
            em.persist(new OutboxHold(realmId, componentId, until));
        } else {
            hold.extendTo(componentId, until);
        }
    }

    /** When the realm's pause ends (epoch ms), or 0 when there is none. */
    long heldUntil(String realmId) {
        OutboxHold hold = em.find(OutboxHold.class, realmId);
        return hold == null ? 0 : hold.getHeldUntil();
    }

    // ---- links between Keycloak and Claromentis users -------------------------------------------------------

    /** The Claromentis id the outbox linked to the Keycloak user, or null. */
    Long link(String realmId, String userId) {
        OutboxLink link = em.find(OutboxLink.class, OutboxLink.key(realmId, userId));
        return link == null ? null : link.getClaromentisId();
    }

    /**
     * The links of many users of a realm at once: the Claromentis id of each linked one; a user without a link is
     * absent from the map. One statement per {@value LocalUsers#IN_LIMIT} ids, as databases bound their IN lists.
     */
    Map<String, Long> links(String realmId, List<String> userIds) {
        Map<String, Long> found = new HashMap<>();
        LocalUsers.inChunks(userIds, users -> {
            List<String> keys = users.stream().map(user -> OutboxLink.key(realmId, user)).toList();
            for (OutboxLink link : em.createQuery("select l from OutboxLink l where l.id in :ids", OutboxLink.class)
                    .setParameter("ids", keys).getResultList()) {
                found.put(link.getId().substring(realmId.length() + 1), link.getClaromentisId());
            }
        });
        return found;
    }

    /** A link known to be absent: no read first; an existing one fails the transaction's commit. */
    void insertLink(String realmId, String userId, long claromentisId) {
        em.persist(new OutboxLink(realmId, userId, claromentisId));
    }

    void saveLink(String realmId, String userId, long claromentisId) {
        OutboxLink link = em.find(OutboxLink.class, OutboxLink.key(realmId, userId));
        if (link == null) {
            em.persist(new OutboxLink(realmId, userId, claromentisId));
        } else if (link.getClaromentisId() != claromentisId) {
            link.setClaromentisId(claromentisId);
        }
    }

    void dropLink(String realmId, String userId) {
        em.createQuery("delete from OutboxLink l where l.id = :id")
                .setParameter("id", OutboxLink.key(realmId, userId))
                .executeUpdate();
    }

    // ---- group member-list locks ------------------------------------------------------------------------------

    /** Makes sure the lock row exists; a concurrent insert of the same key fails that transaction, harmlessly. */
    void ensureLock(String key) {
        if (em.find(OutboxLock.class, key) == null) {
            em.persist(new OutboxLock(key));
            em.flush();
        }
    }

    /** Blocks until this transaction holds the lock row; it is released when the transaction ends. */
    void lock(String key) {
        OutboxLock lock = em.find(OutboxLock.class, key, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        if (lock == null) {
            throw new IllegalStateException("No lock row " + key);
        }
    }

    // ---- leases on work one node does at a time (a provider's sync) -----------------------------------------

    /** Makes sure the lease row exists; a concurrent insert of the same key fails that transaction, harmlessly. */
    void ensureLease(String key) {
        if (em.find(OutboxLease.class, key) == null) {
            em.persist(new OutboxLease(key));
            em.flush();
        }
    }

    /**
     * Takes the lease for {@code holder} until {@code until}, or extends it when {@code holder} has it: one
     * conditional update, so of two nodes asking at once exactly one wins (as with claiming rows).
     *
     * @return whether {@code holder} holds the lease now
     */
    boolean takeLease(String key, String holder, long now, long until) {
        return em.createQuery("update OutboxLease l set l.holder = :holder, l.heldUntil = :until"
                        + " where l.leaseKey = :key and (l.heldUntil < :now or l.holder = :holder)")
                .setParameter("holder", holder)
                .setParameter("until", until)
                .setParameter("key", key)
                .setParameter("now", now)
                .executeUpdate() == 1;
    }

    /** Extends a lease only while {@code holder} still has it (a renewal never takes a lease over). */
    boolean renewLease(String key, String holder, long until) {
        return em.createQuery("update OutboxLease l set l.heldUntil = :until where l.leaseKey = :key and l.holder = :holder")
                .setParameter("until", until)
                .setParameter("key", key)
                .setParameter("holder", holder)
                .executeUpdate() == 1;
    }

    /** Gives the lease up at once, so the next node need not wait for it to run out. */
    void releaseLease(String key, String holder) {
        em.createQuery("update OutboxLease l set l.heldUntil = 0 where l.leaseKey = :key and l.holder = :holder")
                .setParameter("key", key)
                .setParameter("holder", holder)
                .executeUpdate();
    }

    static String truncate(String text, int max) {
        if (text == null) {
            return null;
        }
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }

    /**
     * An immutable copy of a claimed row, used outside the transaction that claimed it.
     *
     * @param leaseEnds when the claim's lease runs out, epoch ms
     * @param takenOver the row was still claimed by an earlier holder whose lease ran out: every outcome (delivered,
     *                  failed, given back) clears the claim, so that holder stopped mid-delivery and may have done
     *                  part of it
     */
    record Claimed(long id, String realmId, String userId, String username, ChangeType type, String payload,
                   int attempts, long queuedAt, String token, boolean takenOver, long leaseEnds) {

        static Claimed of(OutboxEntry entry, String token, boolean takenOver) {
            return new Claimed(entry.getId(), entry.getRealmId(), entry.getUserId(), entry.getUsername(),
                    entry.getChangeType(), entry.getPayload(), entry.getAttempts(), entry.getQueuedAt(), token,
                    takenOver, entry.getClaimedUntil() == null ? 0 : entry.getClaimedUntil());
        }
    }
}
