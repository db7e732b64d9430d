package com.claromentis.keycloak.directory.sync;

import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    void record(String providerId, Report report) {
        last.put(providerId, report);
    }

    public Optional<Report> last(String providerId) {
        return Optional.ofNullable(last.get(providerId));
    }

    void forget(String providerId) {
        last.remove(providerId);
    }
}
