package com.claromentis.keycloak.directory.manager;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The manager cache of each provider's running sync.
 *
 * <p>Keycloak imports every user of a sync in a transaction (and a session) of its own, so a per-session cache would
 * read a manager once per report. Each sync starts by calling every mapper's
 * {@code syncDataFromFederationProviderToKeycloak} on the thread that then imports the users; that call opens the
 * provider's sync cache, bound to that thread. Keycloak signals no end of a sync, so the cache ends when the next sync
 * of the provider starts, or once no user has been imported on it for {@link #IDLE}: a sign-in import served later by
 * the same worker thread then reads the directory afresh. Syncs of one provider never run concurrently (Keycloak holds
 * a cluster-wide lock per provider).
 */
public final class SyncCaches {

    static final Duration IDLE = Duration.ofSeconds(30);

    private final Map<String, Scope> scopes = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    public SyncCaches() {
        this(System::nanoTime);
    }

    SyncCaches(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** A sync of provider {@code componentId} starts on this thread. */
    public void begin(String componentId) {
        scopes.put(componentId, new Scope(Thread.currentThread(), new ManagerCache(), nanoTime.getAsLong()));
    }

    /** The cache of the provider's sync running on this thread, or null outside a sync. */
    public ManagerCache current(String componentId) {
        Scope scope = scopes.get(componentId);
        if (scope == null || scope.owner != Thread.currentThread()) {
            return null;
        }
        long now = nanoTime.getAsLong();
        if (now - scope.lastUsed > IDLE.toNanos()) {
            scopes.remove(componentId, scope);
            return null;
        }
        scope.lastUsed = now;
        return scope.cache;
    }

    /** Forgets the provider's cache (the mapper or its provider was changed or removed). */
    public void end(String componentId) {
        scopes.remove(componentId);
    }

    private static final class Scope {
        private final Thread owner;
        private final ManagerCache cache;
        private volatile long lastUsed;

        private Scope(Thread owner, ManagerCache cache, long lastUsed) {
            this.owner = owner;
            this.cache = cache;
            this.lastUsed = lastUsed;
        }
    }
}
