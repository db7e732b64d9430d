package com.claromentis.keycloak.storage;

import org.keycloak.storage.user.SynchronizationResult;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The result of one sync as the administrator sees it: Keycloak's counts, then one line per thing the sync left
 * alone on purpose or could not do, each with its reason ("'x' skipped: email already used by 'y'"). Each reason
 * is said once per sync, however many users or pages meet it, and the list is bounded so the status stays readable.
 */
final class SyncReport extends SynchronizationResult {

    static final int MAX_NOTES = 20;

    private final Map<String, String> notes = new LinkedHashMap<>();
    private int dropped;

    /** Records {@code text} once under {@code key}; returns whether it was new (so the caller logs it once). */
    synchronized boolean note(String key, String text) {
        if (notes.containsKey(key)) {
            return false;
        }
        if (notes.size() >= MAX_NOTES) {
            dropped++;
            notes.put(key, null);
            return true;
        }
        notes.put(key, text);
        return true;
    }

    synchronized int noteCount() {
        return (int) notes.values().stream().filter(v -> v != null).count() + dropped;
    }

    @Override
    public synchronized String getStatus() {
        StringBuilder status = new StringBuilder(super.getStatus());
        notes.values().stream().filter(v -> v != null).forEach(text -> status.append("; ").append(text));
        if (dropped > 0) {
            status.append("; and ").append(dropped).append(" more, see the server log");
        }
        return status.toString();
    }
}
