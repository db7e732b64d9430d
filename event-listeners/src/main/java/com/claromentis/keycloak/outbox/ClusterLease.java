package com.claromentis.keycloak.outbox;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Work that one node of the cluster does at a time, under a lease in the database ({@code CLAROMENTIS_LEASE}) that
 * the node renews while the work runs. Keycloak's own cluster lock for a provider's periodic sync lasts the sync
 * period (at least 30 s) and is never renewed, so a longer sync would otherwise run on two nodes at once; this lease
 * lasts as long as the work, however long, and a crashed holder's lease runs out after {@link #LEASE}.
 */
final class ClusterLease {

    private static final Logger LOG = Logger.getLogger(ClusterLease.class);
    /** How long a crashed holder keeps others waiting; renewed every third of it while the work runs. */
    static final Duration LEASE = Duration.ofSeconds(60);
    private static final String NODE = ManagementFactory.getRuntimeMXBean().getName() + "/"
            + UUID.randomUUID().toString().substring(0, 8);
    private static final AtomicLong ACQUISITIONS = new AtomicLong();
    private static final ScheduledExecutorService RENEWALS = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "claromentis-lease-renewal");
        // Never holds up Keycloak's shutdown: an unrenewed lease runs out by itself.
        thread.setDaemon(true);
        return thread;
    });

    private ClusterLease() {
    }

    /**
     * Runs {@code work} on this thread if no node holds the lease {@code key}, holding it until the work ends.
     *
     * @return the work's result, or empty when another node (or another thread of this one) holds the lease
     */
    static <T> Optional<T> exclusively(KeycloakSessionFactory factory, String key, Supplier<T> work) {
        String holder = NODE + "#" + ACQUISITIONS.incrementAndGet();
        if (!take(factory, key, holder)) {
            return Optional.empty();
        }
        long period = LEASE.toMillis() / 3;
        ScheduledFuture<?> renewal = RENEWALS.scheduleAtFixedRate(() -> renew(factory, key, holder), period, period,
                TimeUnit.MILLISECONDS);
        try {
            return Optional.ofNullable(work.get());
        } finally {
            renewal.cancel(false);
            try {
                KeycloakModelUtils.runJobInTransaction(factory, session -> OutboxWorker.store(session).releaseLease(key, holder));
            } catch (RuntimeException e) {
                // The work is done; the lease runs out by itself within LEASE, delaying the next holder only.
                LOG.warnf(e, "Could not give up the lease %s; it runs out within %s", key, LEASE);
            }
        }
    }

    private static boolean take(KeycloakSessionFactory factory, String key, String holder) {
        try {
            KeycloakModelUtils.runJobInTransaction(factory, session -> OutboxWorker.store(session).ensureLease(key));
        } catch (RuntimeException e) {
            // Another node inserted the row at the same moment: it exists now, which is all this step needs.
            LOG.debugf("Lease row %s was created concurrently: %s", key, e.getMessage());
        }
        long now = System.currentTimeMillis();
        return KeycloakModelUtils.runJobInTransactionWithResult(factory,
                session -> OutboxWorker.store(session).takeLease(key, holder, now, now + LEASE.toMillis()));
    }

    private static void renew(KeycloakSessionFactory factory, String key, String holder) {
        try {
            boolean renewed = KeycloakModelUtils.runJobInTransactionWithResult(factory,
                    session -> OutboxWorker.store(session).renewLease(key, holder, System.currentTimeMillis() + LEASE.toMillis()));
            if (!renewed) {
                LOG.errorf("Lost the lease %s (it ran out before it could be renewed: is this node's clock or database"
                        + " stalled?); another node may start the same work", key);
            }
        } catch (RuntimeException e) {
            // Retried at the next period; the lease lasts three periods.
            LOG.warnf(e, "Could not renew the lease %s", key);
        }
    }
}
