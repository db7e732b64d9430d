package com.claromentis.keycloak.sync;

import com.claromentis.keycloak.common.LogSafe;
import com.claromentis.keycloak.provisioning.ProvisioningQueue;
import com.claromentis.keycloak.provisioning.ProvisioningQueueFactory;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.storage.UserStorageProviderModel;
import org.keycloak.storage.user.SynchronizationResult;

import java.util.Optional;
import java.util.function.LongFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The one way a bundle provider runs a full or changed sync: under a cluster-wide lease of its own (see
 * {@link ProvisioningQueueFactory#exclusively}), because Keycloak's per-provider lock runs out after the sync period
 * and a sync that outlasts it would otherwise run on two nodes at once; with a log line when it starts and ends on
 * this node, and counted in {@link SyncMetrics}.
 */
public final class ExclusiveSync {

    private static final Logger LOG = Logger.getLogger(ExclusiveSync.class);

    private ExclusiveSync() {
    }

    /**
     * Runs {@code work} unless another node syncs the provider now (then: Keycloak's "ignored" result).
     *
     * @param providerType the provider's type, the metrics' tag
     * @param failed       whether a result {@code work} returned is a failed sync
     */
    public static SynchronizationResult run(KeycloakSessionFactory sessionFactory, String providerType,
                                            UserStorageProviderModel model, SyncMetrics.Kind kind,
                                            Supplier<SynchronizationResult> work, Predicate<SynchronizationResult> failed) {
        return run(sessionFactory, providerType, model, kind, startedAt -> work.get(), failed);
    }

    /**
     * As {@link #run(KeycloakSessionFactory, String, UserStorageProviderModel, SyncMetrics.Kind, Supplier, Predicate)},
     * for work that needs the start its {@link SyncHistory} record will carry (epoch ms).
     */
    public static SynchronizationResult run(KeycloakSessionFactory sessionFactory, String providerType,
                                            UserStorageProviderModel model, SyncMetrics.Kind kind,
                                            LongFunction<SynchronizationResult> work, Predicate<SynchronizationResult> failed) {
        String name = LogSafe.of(model.getName());
        String kindName = kind == SyncMetrics.Kind.FULL ? "full" : "changed";
        Optional<SynchronizationResult> result;
        try {
            result = exclusively(sessionFactory, providerType + "-sync:" + model.getId(), name, () -> {
                LOG.infof("Provider '%s': %s sync started on this node", name, kindName);
                long startedAt = System.currentTimeMillis();
                SynchronizationResult done = null;
                RuntimeException thrown = null;
                try {
                    done = work.apply(startedAt);
                    return done;
                } catch (RuntimeException e) {
                    thrown = e;
                    throw e;
                } finally {
                    // Recorded inside the lease, so a node that runs the next sync cannot be overwritten by this one.
                    if (done != null || thrown != null) {
                        SyncHistory.record(sessionFactory, model.getId(), kind, startedAt, done,
                                done != null && failed.test(done), thrown);
                    }
                    // Also when it failed: the lease is given up either way, and the log shows when.
                    LOG.infof("Provider '%s': %s sync ended on this node: %s", name, kindName,
                            done == null ? "failed" : failed.test(done) ? "failed, " + done.getStatus() : done.getStatus());
                }
            });
        } catch (RuntimeException e) {
            SyncMetrics.shared().record(providerType, kind, SyncMetrics.Outcome.FAILED, null);
            throw e;
        }
        if (result.isEmpty()) {
            LOG.infof("Provider '%s': %s sync skipped, another node is running a sync of it", name, kindName);
            SyncMetrics.shared().record(providerType, kind, SyncMetrics.Outcome.SKIPPED, null);
            return SynchronizationResult.ignored();
        }
        SyncMetrics.shared().record(providerType, kind, failed.test(result.get()) ? SyncMetrics.Outcome.FAILED
                : SyncMetrics.Outcome.SUCCESS, result.get());
        return result.get();
    }

    /**
     * The failed test for a sync engine that counts users it could not sync instead of throwing: failed when it
     * failed some and changed none (a sync that changed some users did its work, with errors the log names).
     */
    public static boolean nothingButFailures(SynchronizationResult result) {
        return result.getFailed() > 0 && result.getAdded() + result.getUpdated() + result.getRemoved() == 0;
    }

    private static <T> Optional<T> exclusively(KeycloakSessionFactory sessionFactory, String key, String name,
                                               Supplier<T> work) {
        if (!(sessionFactory.getProviderFactory(ProvisioningQueue.class) instanceof ProvisioningQueueFactory queues)) {
            // The outbox ships in the same bundle, so this is a broken installation; the sync still runs.
            LOG.warnf("Provider '%s': no provisioning outbox installed, so nothing keeps two nodes from syncing it at"
                    + " once", name);
            return Optional.ofNullable(work.get());
        }
        return queues.exclusively(sessionFactory, key, work);
    }
}
