package com.claromentis.keycloak.outbox;

import com.claromentis.keycloak.common.LocalUsers;
import com.claromentis.keycloak.common.LogSafe;
import com.claromentis.keycloak.outbox.Delivery.Delivered;
import com.claromentis.keycloak.outbox.Delivery.Failed;
import com.claromentis.keycloak.outbox.Delivery.Held;
import com.claromentis.keycloak.outbox.Delivery.Outcome;
import com.claromentis.keycloak.outbox.Delivery.Skipped;
import com.claromentis.keycloak.outbox.OutboxStore.Claimed;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.component.ComponentModel;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivers committed changes in the background on each Keycloak node, never on a request thread: a round claims
 * due rows (a short transaction), delivers them in slices, {@code worker-threads} slices at a time (each slice reading
 * Keycloak in one read-only session for all its rows; the rows of one round belong to different users), and records
 * the outcomes (another short transaction). It runs every poll interval, and at once after a transaction that queued
 * something commits on this node.
 *
 * <p>A 429 or 503 with {@code Retry-After} holds back every change of that realm until the time given: recorded in
 * the database for every node (claiming skips held realms), and in memory for this node's rows already claimed.
 */
final class OutboxWorker implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(OutboxWorker.class);
    /** How long a bulk import must have queued nothing before this node delivers its realm's changes. */
    static final Duration BULK_QUIET = Duration.ofSeconds(2);
    /** Slices of a batch per delivery thread: enough to even out a slow delivery, few enough to share the reads. */
    private static final int SLICES_PER_THREAD = 2;

    private final KeycloakSessionFactory sessionFactory;
    private final OutboxSettings settings;
    private final Delivery delivery;
    private final RetrySchedule schedule;
    private final OutboxMetrics metrics;
    /** Names this node in claim tokens, so a log line tells which node held a row. */
    private final String node;
    private final AtomicLong rounds = new AtomicLong();
    /** How often the backlog gauges are refreshed at most. */
    private static final java.time.Duration BACKLOG_EVERY = java.time.Duration.ofSeconds(5);
    private final AtomicLong backlogCountedAt = new AtomicLong();
    private final AtomicBoolean wakeUpPending = new AtomicBoolean();
    private final AtomicBoolean started = new AtomicBoolean();
    /** Realms whose waiting changes this round already brought forward: once per realm is enough. */
    private final Set<String> resumedThisRound = ConcurrentHashMap.newKeySet();
    /**
     * Realms a bulk import (a directory sync) queued for on this node, with when it last did (epoch ms): this node
     * claims none of their changes until {@link #BULK_QUIET} has passed since, so the sync and the delivery of what it
     * queues do not compete for the same cores and database.
     */
    private final Map<String, Long> importing = new ConcurrentHashMap<>();
    private final AtomicBoolean importCheckScheduled = new AtomicBoolean();
    /** This node's view of the realms' pauses (epoch ms), so rows claimed before a 429 are not sent during it. */
    private final Map<String, Long> holds = new ConcurrentHashMap<>();
    private final ScheduledExecutorService executor;
    /** Null with one worker thread: the round's own thread delivers. */
    private final ExecutorService deliveryPool;
    private volatile boolean closed;

    OutboxWorker(KeycloakSessionFactory sessionFactory, OutboxSettings settings, Delivery delivery,
                 RetrySchedule schedule, OutboxMetrics metrics) {
        this.sessionFactory = sessionFactory;
        this.settings = settings;
        this.delivery = delivery;
        this.schedule = schedule;
        this.metrics = metrics;
        this.node = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "claromentis-outbox");
            // A daemon thread never holds up Keycloak's shutdown; an interrupted round is redone after the lease.
            thread.setDaemon(true);
            return thread;
        });
        pool.setRemoveOnCancelPolicy(true);
        this.executor = pool;
        AtomicLong threads = new AtomicLong();
        this.deliveryPool = settings.workerThreads() <= 1 ? null : Executors.newFixedThreadPool(settings.workerThreads(),
                runnable -> {
                    Thread thread = new Thread(runnable, "claromentis-outbox-delivery-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /** Starts polling; called once the database schema is migrated. */
    void start() {
        if (started.compareAndSet(false, true)) {
            long poll = settings.pollInterval().toMillis();
            executor.scheduleWithFixedDelay(this::round, poll, poll, TimeUnit.MILLISECONDS);
            LOG.infof("Provisioning outbox worker started on node %s (%s)", node, settings);
        }
    }

    /** Asks for a round soon, without waiting for it; at most one such request is pending at a time. */
    void wakeUp() {
        if (!started.get() || closed || !wakeUpPending.compareAndSet(false, true)) {
            return;
        }
        executor.execute(() -> {
            wakeUpPending.set(false);
            round();
        });
    }

    /** A bulk import queued changes of the realm on this node just now (see {@link #importing}). */
    void importing(String realmId) {
        importing.put(realmId, Time.currentTimeMillis());
        if (importCheckScheduled.compareAndSet(false, true)) {
            scheduleImportCheck(BULK_QUIET.toMillis());
        }
    }

    /** The realms whose bulk import on this node is not quiet yet. */
    Set<String> importingRealms(long now) {
        Set<String> busy = new java.util.HashSet<>();
        importing.forEach((realm, last) -> {
            if (last + BULK_QUIET.toMillis() > now) {
                busy.add(realm);
            }
        });
        return busy;
    }

    private void scheduleImportCheck(long delayMillis) {
        if (closed) {
            return;
        }
        try {
            executor.schedule(this::importCheck, Math.max(1, delayMillis), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debugf("Not scheduling the end of a bulk import's hold: %s", e.toString());
        }
    }

    /** Delivers the realms whose bulk import went quiet; checks again for those still importing. */
    private void importCheck() {
        long now = Time.currentTimeMillis();
        boolean quietened = importing.entrySet().removeIf(e -> e.getValue() + BULK_QUIET.toMillis() <= now);
        long next = importing.values().stream().mapToLong(last -> last + BULK_QUIET.toMillis() - now).min().orElse(-1);
        if (next < 0) {
            importCheckScheduled.set(false);
            // An import that queued between the check and the flag's reset schedules no check of its own: do it here.
            if (!importing.isEmpty() && importCheckScheduled.compareAndSet(false, true)) {
                scheduleImportCheck(BULK_QUIET.toMillis());
            }
        } else {
            scheduleImportCheck(next);
        }
        if (quietened) {
            round();
        }
    }

    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
        if (deliveryPool != null) {
            deliveryPool.shutdownNow();
        }
    }

    /** Delivers until no due row is left or a round claims less than a full batch. */
    void round() {
        resumedThisRound.clear();
        try {
            countBacklog();
            List<Claimed> batch;
            do {
                batch = claim();
                List<Done> done = Collections.synchronizedList(new ArrayList<>());
                List<Claimed> unstarted = Collections.synchronizedList(new ArrayList<>());
                Map<String, Long> realmHolds = new ConcurrentHashMap<>();
                try {
                    deliverAll(batch, done, unstarted, realmHolds);
                } finally {
                    completeAll(new ArrayList<>(done));
                    giveBack(new ArrayList<>(unstarted), batch.size());
                }
            } while (batch.size() == settings.batchSize() && !closed);
        } catch (RuntimeException e) {
            // The scheduler would silently stop polling if this escaped; log it and let the next round try again.
            LOG.errorf(e, "Provisioning outbox round failed; the next round starts in %s", settings.pollInterval());
        }
    }

    /**
     * Refreshes the depth and oldest-age gauges from the table, at most every {@link #BACKLOG_EVERY}: a commit wakes
     * the worker for every queued change, and the gauges need no more than a scrape interval's precision.
     */
    private void countBacklog() {
        long now = Time.currentTimeMillis();
        long last = backlogCountedAt.get();
        if (now - last < BACKLOG_EVERY.toMillis() || !backlogCountedAt.compareAndSet(last, now)) {
            return;
        }
        long[] backlog = KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory, session -> store(session).backlog());
        metrics.backlog(backlog[0], backlog[1]);
    }

    /**
     * A delivered row waiting for its batch's completion transaction.
     *
     * @param link the Claromentis id to record as the user's link in that transaction, or null
     * @param linkTableEmpty whether delivery found no link in the table ({@link Delivery.Delivered#linkTableEmpty})
     */
    private record Done(Claimed row, Long link, boolean linkTableEmpty) {
    }

    /**
     * Delivers a batch in slices, each slice's rows in one Keycloak session that reads their users, links and
     * identity links at once ({@link DeliveryReads}); with worker threads, the slices are shared among them, several
     * per thread, so one slow delivery holds up only the rest of its own slice.
     *
     * @param realmHolds the realms' pauses as the database held them when this batch first delivered one of their rows:
     *                   one read per realm and batch rather than per row
     */
    private void deliverAll(List<Claimed> batch, List<Done> done, List<Claimed> unstarted, Map<String, Long> realmHolds) {
        int threads = deliveryPool == null ? 1 : settings.workerThreads();
        int size = Math.max(1, -Math.floorDiv(-batch.size(), threads * SLICES_PER_THREAD));
        List<List<Claimed>> slices = new ArrayList<>();
        for (int start = 0; start < batch.size(); start += size) {
            slices.add(batch.subList(start, Math.min(start + size, batch.size())));
        }
        if (deliveryPool == null) {
            slices.forEach(slice -> deliverSlice(slice, done, unstarted, realmHolds));
            return;
        }
        List<Future<?>> running = new ArrayList<>();
        for (List<Claimed> slice : slices) {
            running.add(deliveryPool.submit(() -> deliverSlice(slice, done, unstarted, realmHolds)));
        }
        for (Future<?> delivery : running) {
            try {
                delivery.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                LOG.errorf(e.getCause(), "An outbox delivery failed outside its own error handling");
            }
        }
    }

    /**
     * Delivers a slice's rows in order, as many as go well in one session. A row that failed or must wait ends the
     * session (its outcome is recorded before the next row starts, so a pause Claromentis asked for holds back the
     * rest), and so does a Keycloak read that spoiled the session's transaction; the rest go on in a new session.
     */
    private void deliverSlice(List<Claimed> slice, List<Done> done, List<Claimed> unstarted, Map<String, Long> realmHolds) {
        int next = 0;
        while (next < slice.size() && !closed) {
            Claimed first = slice.get(next);
            Long local = holds.get(first.realmId());
            if (local != null && local > Time.currentTimeMillis()) {
                // This node knows of the pause already: no session needed to hold the row back.
                record(first, new Held(local), done);
                next++;
                continue;
            }
            List<Claimed> rest = slice.subList(next, slice.size());
            List<Attempt> attempts = new ArrayList<>();
            boolean[] finished = {false};
            try {
                KeycloakModelUtils.runJobInTransaction(sessionFactory, session -> {
                    deliverInSession(session, rest, attempts, unstarted, realmHolds);
                    finished[0] = true;
                });
            } catch (RuntimeException e) {
                // The session itself failed (e.g. the database went away): the outcomes it reached stand, and the row
                // it was at counts as an attempt, so a Keycloak that cannot be read backs off rather than spins. A
                // failure only at the end of a read-only session changes nothing the deliveries did.
                if (finished[0]) {
                    LOG.warnf(e, "Ending the session of %d outbox deliveries failed; their outcomes stand", attempts.size());
                } else if (attempts.size() < rest.size()) {
                    Claimed row = rest.get(attempts.size());
                    LOG.warnf(e, "Outbox change %d could not be delivered", row.id());
                    attempts.add(new Attempt(row, new Failed(e.getClass().getSimpleName() + ": " + e.getMessage(), false)));
                }
            }
            for (Attempt attempt : attempts) {
                if (attempt.outcome() != null) {
                    record(attempt.row(), attempt.outcome(), done);
                }
            }
            next += Math.max(attempts.size(), 1);
        }
    }

    /** A row this session reached: its outcome, or null when it was not started in time (then in {@code unstarted}). */
    private record Attempt(Claimed row, Outcome outcome) {
        /** Whether the session stops after this row. */
        boolean ended() {
            return outcome instanceof Failed || outcome instanceof Held;
        }
    }

    private void deliverInSession(KeycloakSession session, List<Claimed> rows, List<Attempt> attempts,
                                  List<Claimed> unstarted, Map<String, Long> realmHolds) {
        DeliveryReads reads = null;
        for (Claimed row : rows) {
            if (closed) {
                return;
            }
            // Delivers a claimed row only while at least a third of its claim's lease remains. A batch slower than
            // its lease (Claromentis answering slowly) would otherwise still be sending rows another node has
            // meanwhile taken over, and both would create the same person; the last third is left for the
            // deliveries already under way.
            if (Time.currentTimeMillis() >= row.leaseEnds() - settings.claimLease().toMillis() / 3) {
                unstarted.add(row);
                attempts.add(new Attempt(row, null));
                continue;
            }
            long now = Time.currentTimeMillis();
            Long local = holds.get(row.realmId());
            if (local != null && local > now) {
                attempts.add(new Attempt(row, new Held(local)));
                return;
            }
            // Another node may have been asked for a pause since this batch was claimed; its own 429s reach this
            // node's holds at once.
            long until = realmHolds.computeIfAbsent(row.realmId(), realm -> store(session).heldUntil(realm));
            if (until > Time.currentTimeMillis()) {
                attempts.add(new Attempt(row, new Held(until)));
                return;
            }
            if (reads == null) {
                reads = DeliveryReads.of(session, rows.subList(attempts.size(), rows.size()));
            }
            Attempt attempt = new Attempt(row, delivery.deliver(session, row, reads));
            attempts.add(attempt);
            if (attempt.ended() || session.getTransactionManager().getRollbackOnly()) {
                return;
            }
        }
    }

    private List<Claimed> claim() {
        String token = node + "#" + rounds.incrementAndGet();
        long now = Time.currentTimeMillis();
        long until = now + settings.claimLease().toMillis();
        Set<String> busy = importingRealms(now);
        return KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory,
                session -> store(session).claim(token, now, until, settings.batchSize(), busy));
    }

    /** Gives the rows a batch did not start in time back to the next claim, this node's or another's. */
    private void giveBack(List<Claimed> unstarted, int claimed) {
        if (unstarted.isEmpty()) {
            return;
        }
        int released = KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory,
                session -> store(session).releaseUnstarted(unstarted, Time.currentTimeMillis()));
        LOG.warnf("%d of %d claimed outbox changes were not started within two thirds of their claim's lease (%s); "
                        + "%d given back for the next claim: consider a longer %s or a smaller %s", unstarted.size(), claimed,
                settings.claimLease(), released, OutboxSettings.CLAIM_LEASE, OutboxSettings.BATCH_SIZE);
    }

    /**
     * Records a batch's outcomes in one transaction rather than two per created user: the links of the people it
     * created in Claromentis, and the removal of its delivered rows. A user's next change is claimed only once this
     * commits, so it finds the link. A crash before the commit only means those changes are delivered again, which
     * delivery makes harmless: it looks the user up first, and a change taken over from a stopped claim links the
     * same-username, same-email Claromentis user it created ({@link ClaromentisLink#afterLostAttempt}).
     */
    private void completeAll(List<Done> done) {
        if (done.isEmpty()) {
            return;
        }
        List<Claimed> rows = done.stream().map(Done::row).toList();
        int removed;
        try {
            removed = complete(rows, done);
        } catch (RuntimeException e) {
            // One bad link (say, its user was removed meanwhile) must not hold up the batch: each link on its own.
            LOG.warnf(e, "Recording the outcomes of %d delivered outbox changes at once failed; recording them one by one",
                    done.size());
            done.stream().filter(one -> one.link() != null).forEach(one -> link(one.row(), one.link()));
            removed = complete(rows, List.of());
        }
        if (removed < done.size()) {
            // The lease ran out mid-batch and another node took some rows; it may deliver them again, harmlessly.
            LOG.warnf("%d of %d delivered outbox changes were taken over by another node before they were recorded; "
                    + "consider a longer %s", done.size() - removed, done.size(), OutboxSettings.CLAIM_LEASE);
        }
    }

    /** Removes the delivered rows and records the given links, in one transaction; the rows removed. */
    private int complete(List<Claimed> rows, List<Done> links) {
        return KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory, session -> {
            // Each link also goes on its user's attributes: read the batch's linked users at once, not two reads each.
            List<String> linked = links.stream().filter(one -> one.link() != null).map(one -> one.row().userId()).toList();
            if (!linked.isEmpty()) {
                LocalUsers.preload(session.getProvider(JpaConnectionProvider.class).getEntityManager(), linked);
            }
            for (Done one : links) {
                if (one.link() != null) {
                    remember(session, one.row(), one.link(), one.linkTableEmpty());
                }
            }
            return store(session).completeAll(rows);
        });
    }

    private void record(Claimed row, Outcome outcome, List<Done> done) {
        long now = Time.currentTimeMillis();
        String username = LogSafe.of(row.username());
        if (outcome instanceof Delivered delivered) {
            done.add(new Done(row, delivered.link(), delivered.linkTableEmpty()));
            metrics.delivered(row.type(), now - row.queuedAt());
            LOG.debugf("Delivered outbox change %d: %s", row.id(), delivered.what());
            if (row.attempts() > 0 && resumedThisRound.add(row.realmId())) {
                int[] resumed = new int[1];
                inTransaction(store -> (resumed[0] = store.resume(row.realmId(), now)) >= 0);
                if (resumed[0] > 0) {
                    LOG.infof("Claromentis answers again for realm %s: %d waiting changes resumed", row.realmId(), resumed[0]);
                }
            }
        } else if (outcome instanceof Skipped skipped) {
            done.add(new Done(row, null, false));
            LOG.debugf("Outbox change %d (%s of '%s') needs no delivery: %s", row.id(), row.type(), username,
                    skipped.why());
        } else if (outcome instanceof Held held) {
            warnIfLost(row, inTransaction(store -> store.release(row, held.until())));
            wakeAt(held.until());
            LOG.debugf("Outbox change %d (%s of '%s') waits until %d: Claromentis asked for a pause", row.id(),
                    row.type(), username, held.until());
        } else if (outcome instanceof Failed failed) {
            if (failed.link() != null) {
                // Created in Claromentis before a later step failed: linked now, so the retry updates that user.
                link(row, failed.link());
            }
            int attempts = row.attempts() + 1;
            RetrySchedule.Decision decision = schedule.afterFailure(attempts, row.queuedAt(), now, failed.permanent());
            long next = decision.nextAttemptAt();
            if (failed.retryAfter() != null) {
                long until = hold(row.realmId(), failed.retryAfter(), now);
                next = Math.max(next, until);
            }
            long nextAttemptAt = next;
            boolean held = inTransaction(store -> store.fail(row, attempts, decision.dead(), nextAttemptAt,
                    failed.error(), failed.candidate()));
            if (decision.dead()) {
                metrics.dead(row.type());
                LOG.warnf("Outbox change %d (%s of '%s') is now a dead letter (%s): %s", row.id(), row.type(),
                        username, decision.reason(), LogSafe.of(failed.error()));
            } else {
                metrics.retried(row.type());
                LOG.infof("Outbox change %d (%s of '%s') failed attempt %d, next in %d ms: %s", row.id(), row.type(),
                        username, attempts, nextAttemptAt - now, LogSafe.of(failed.error()));
            }
            warnIfLost(row, held);
        }
    }

    /**
     * Holds back every change of the realm for {@code retryAfter} (at most {@code backoff-max}, so a confused server
     * cannot stop provisioning for a day), on this node at once and on every node through the database.
     *
     * @return when the pause ends, epoch ms
     */
    private long hold(String realmId, Duration retryAfter, long now) {
        long wait = Math.min(retryAfter.toMillis(), settings.backoffMax().toMillis());
        long until = now + wait;
        holds.merge(realmId, until, Math::max);
        KeycloakModelUtils.runJobInTransaction(sessionFactory, session -> {
            RealmModel realm = session.realms().getRealm(realmId);
            String component = realm == null ? null
                    : OutboxConnections.component(realm).map(ComponentModel::getId).orElse(null);
            store(session).hold(realmId, component, until);
        });
        LOG.infof("Claromentis asked realm %s to wait %d ms (Retry-After): every change of the realm is held back "
                + "until then", realmId, wait);
        wakeAt(until);
        return until;
    }

    /** Delivers again as soon as a pause ends, rather than at the next poll. */
    private void wakeAt(long until) {
        if (!started.get() || closed) {
            return;
        }
        long delay = Math.max(0, until - Time.currentTimeMillis()) + 1;
        try {
            executor.schedule(this::wakeUp, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Shutting down: nothing left to wake.
            LOG.debugf("Not scheduling a wake-up after a pause: %s", e.toString());
        }
    }

    private static void remember(KeycloakSession session, Claimed row, long claromentisId, boolean linkTableEmpty) {
        RealmModel realm = session.realms().getRealm(row.realmId());
        if (realm != null) {
            ClaromentisLink.remember(session, realm, row.userId(), claromentisId, linkTableEmpty);
        }
    }

    /**
     * Records the link after the delivery that made it, in a transaction of its own: for an attempt that created
     * the user and then failed, and for a batch whose joint record failed.
     */
    private void link(Claimed row, long claromentisId) {
        try {
            KeycloakModelUtils.runJobInTransaction(sessionFactory, session -> remember(session, row, claromentisId, false));
        } catch (RuntimeException e) {
            // The Claromentis user exists; without the link the user's next change reports a username clash, which
            // the administrator resolves by linking. Say so now, with the ids needed.
            LOG.errorf(e, "Could not record that Keycloak user %s of realm %s is Claromentis user %d; link them from "
                    + "the dead letter their next change becomes", row.userId(), row.realmId(), claromentisId);
        }
    }

    private boolean inTransaction(java.util.function.Function<OutboxStore, Boolean> action) {
        return KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory, session -> action.apply(store(session)));
    }

    private void warnIfLost(Claimed row, boolean held) {
        if (!held) {
            // The lease ran out mid-delivery and another node took the row; it may deliver it again, harmlessly.
            LOG.warnf("Outbox change %d was taken over by another node before its outcome was recorded; "
                    + "consider a longer %s", row.id(), OutboxSettings.CLAIM_LEASE);
        }
    }

    static OutboxStore store(KeycloakSession session) {
        return new OutboxStore(session.getProvider(JpaConnectionProvider.class).getEntityManager());
    }
}
