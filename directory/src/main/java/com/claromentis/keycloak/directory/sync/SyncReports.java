package com.claromentis.keycloak.directory.sync;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the directory sync mapper did at the start of each provider's last sync on this node, for the administrator:
 * Keycloak's own sync message counts only the users it imported, updated and failed.
 */
public final class SyncReports {

    /** At most this many warnings are kept per report; the server log has them all. */
    static final int MAX_WARNINGS = 50;

    /**
     * @param kind            {@code full}, {@code changed} or {@code mapper-action}
     * @param membershipsRead users whose group memberships were read again (changed syncs)
     * @param removed         users disabled (or deleted) as gone from the directory (full syncs)
     * @param failed          removals refused or unconfirmed, reads that failed
     */
    public record Report(String kind, long finishedAt, int membershipsRead, int removed, int failed, List<String> warnings) {
    }

    private final Map<String, Report> last = new ConcurrentHashMap<>();
    private final Refusals refusals = new Refusals();

    void record(String providerId, Report report) {
        last.put(providerId, report);
    }

    public Optional<Report> last(String providerId) {
        return Optional.ofNullable(last.get(providerId));
    }

    void forget(String providerId) {
        last.remove(providerId);
        refusals.reset(providerId);
    }

    /** The directory roles that granted nothing since each provider's last sync started. */
    public Refusals refusals() {
        return refusals;
    }

    /**
     * Directory role names refused since the provider's sync started, so each is logged once per sync and not once
     * per member (Keycloak imports each user in a session, and a mapper, of its own).
     */
    public static final class Refusals {

        /** More refused names than this are not remembered (and are logged again): the list is for reading. */
        static final int MAX_NAMES = 200;

        private final Map<String, Set<String>> names = new ConcurrentHashMap<>();

        /** Whether {@code role} is refused for the first time since the provider's sync started. */
        boolean firstTime(String providerId, String role) {
            Set<String> refused = names.computeIfAbsent(providerId, id -> ConcurrentHashMap.newKeySet());
            return refused.size() >= MAX_NAMES || refused.add(role);
        }

        void reset(String providerId) {
            names.remove(providerId);
        }

        public List<String> of(String providerId) {
            return names.getOrDefault(providerId, Set.of()).stream().sorted().toList();
        }
    }
}
