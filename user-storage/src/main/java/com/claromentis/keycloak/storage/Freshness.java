package com.claromentis.keycloak.storage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each imported user was last checked against Claromentis, per Keycloak node.
 *
 * <p>Kept in memory rather than on the user: recording a check must not cost a database write on every sign-in.
 * Each node of a cluster checks on its own, which at worst doubles the calls within one freshness period.
 */
final class Freshness {

    private static final int MAX_ENTRIES = 200_000;

    private final Map<String, Instant> checked = new ConcurrentHashMap<>();
    private final Clock clock;

    Freshness(Clock clock) {
        this.clock = clock;
    }

    boolean isFresh(String componentId, String userId, Duration lifetime) {
        Instant at = checked.get(key(componentId, userId));
        return at != null && !lifetime.isZero() && clock.instant().isBefore(at.plus(lifetime));
    }

    void touch(String componentId, String userId) {
        if (checked.size() >= MAX_ENTRIES) {
            // A crude bound: forgetting only costs one extra People API call per user.
            checked.clear();
        }
        checked.put(key(componentId, userId), clock.instant());
    }

    void forget(String componentId, String userId) {
        checked.remove(key(componentId, userId));
    }

    void forgetComponent(String componentId) {
        checked.keySet().removeIf(key -> key.startsWith(componentId + '/'));
    }

    private static String key(String componentId, String userId) {
        return componentId + '/' + userId;
    }
}
