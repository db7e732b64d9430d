package com.claromentis.keycloak.directory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What a mapper keeps for the sync of each provider that is running: the manager cache, or the mark that a sync is
 * importing.
 *
 * <p>Keycloak imports every user of a sync in a transaction (and a session) of its own, so a per-session value would
 * last for one user. Each sync starts by calling every mapper's {@code syncDataFromFederationProviderToKeycloak} on
 * the thread that then imports the users; that call opens the provider's scope, bound to that thread. Keycloak signals
 * no end of a sync, so the scope ends when the next sync of the provider starts, or once it has not been used for
 * {@link #IDLE}: a sign-in import served later by the same worker thread is then outside any sync. Syncs of one
 * provider never run concurrently (Keycloak holds a cluster-wide lock per provider).
 *
 * @param <T> what is kept for one sync
 */
public final class SyncScopes<T> {

    public static final Duration IDLE = Duration.ofSeconds(30);

    private final Map<String, Scope<T>> scopes = new ConcurrentHashMap<>();
    private final Supplier<T> fresh;
    private final LongSupplier nanoTime;

    /** @param fresh what a sync starts with */
    public SyncScopes(Supplier<T> fresh) {
        this(fresh, System::nanoTime);
    }

    public SyncScopes(Supplier<T> fresh, LongSupplier nanoTime) {
        this.fresh = fresh;
        this.nanoTime = nanoTime;
    }

    /** A sync of provider {@code componentId} starts on this thread. */
    public void begin(String componentId) {
        scopes.put(componentId, new Scope<>(Thread.currentThread(), fresh.get(), nanoTime.getAsLong()));
    }

    /** What the provider's sync running on this thread keeps, or null outside a sync. */
    public T current(String componentId) {
        Scope<T> scope = scopes.get(componentId);
        if (scope == null || scope.owner != Thread.currentThread()) {
            return null;
        }
        long now = nanoTime.getAsLong();
        if (now - scope.lastUsed > IDLE.toNanos()) {
            scopes.remove(componentId, scope);
            return null;
        }
        scope.lastUsed = now;
        return scope.value;
    }

    /** Forgets the provider's scope (the mapper or its provider was changed or removed). */
    public void end(String componentId) {
        scopes.remove(componentId);
    }

    private static final class Scope<T> {
        private final Thread owner;
        private final T value;
        private volatile long lastUsed;

        private Scope(Thread owner, T value, long lastUsed) {
            this.owner = owner;
            this.value = value;
            this.lastUsed = lastUsed;
        }
    }
}
