package com.claromentis.keycloak.sync;

import com.claromentis.keycloak.metrics.GlobalMeters;
import com.claromentis.keycloak.metrics.Micrometer;
import org.keycloak.storage.user.SynchronizationResult;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This node's syncs for Keycloak's {@code /metrics}: {@code claromentis_sync_runs_total} by provider type, kind
 * (full, changed) and outcome (success, failed, skipped: another node held the sync), and
 * {@code claromentis_sync_users_total} by provider type, kind and change (added, updated, removed, failed). The
 * provider tag is the provider type (e.g. {@code claromentis-people-api}), never a component, realm or user, so the
 * number of series stays bounded. Published only when Micrometer is on the class path, as in Keycloak.
 */
public final class SyncMetrics {

    public enum Kind { FULL, CHANGED }

    public enum Outcome { SUCCESS, FAILED, SKIPPED }

    private static final Set<String> CHANGES = Set.of("added", "updated", "removed", "failed");
    private static final SyncMetrics SHARED = new SyncMetrics(Micrometer.present());

    private final boolean publish;
    private final Map<String, AtomicLong> runs = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> users = new ConcurrentHashMap<>();

    private SyncMetrics(boolean publish) {
        this.publish = publish;
    }

    public static SyncMetrics shared() {
        return SHARED;
    }

    /** Counts one sync run of a provider of type {@code providerType}; {@code result} may be null (skipped, or failed early). */
    public void record(String providerType, Kind kind, Outcome outcome, SynchronizationResult result) {
        String kindTag = kind.name().toLowerCase(Locale.ROOT);
        counter(runs, "claromentis.sync.runs", "Syncs this node ran or skipped",
                new String[] {"provider", providerType, "kind", kindTag, "outcome", outcome.name().toLowerCase(Locale.ROOT)})
                .incrementAndGet();
        if (result == null) {
            return;
        }
        add(providerType, kindTag, "added", result.getAdded());
        add(providerType, kindTag, "updated", result.getUpdated());
        add(providerType, kindTag, "removed", result.getRemoved());
        add(providerType, kindTag, "failed", result.getFailed());
    }

    /** Runs so far with these tags, for tests and the admin API; 0 when none. */
    public long runs(String providerType, Kind kind, Outcome outcome) {
        AtomicLong value = runs.get(key(new String[] {"provider", providerType, "kind", kind.name().toLowerCase(Locale.ROOT),
                "outcome", outcome.name().toLowerCase(Locale.ROOT)}));
        return value == null ? 0 : value.get();
    }

    private void add(String providerType, String kind, String change, int count) {
        if (!CHANGES.contains(change)) {
            throw new IllegalArgumentException("Not a sync change: " + change);
        }
        counter(users, "claromentis.sync.users", "Users a sync on this node changed",
                new String[] {"provider", providerType, "kind", kind, "change", change}).addAndGet(Math.max(0, count));
    }

    private AtomicLong counter(Map<String, AtomicLong> counters, String name, String description, String[] tags) {
        return counters.computeIfAbsent(key(tags), key -> {
            AtomicLong value = new AtomicLong();
            if (publish) {
                GlobalMeters.counter(name, description, tags, value);
            }
            return value;
        });
    }

    private static String key(String[] tags) {
        return String.join("|", tags);
    }
}
