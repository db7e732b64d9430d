package com.claromentis.keycloak.sync;

import com.claromentis.keycloak.common.LogSafe;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.storage.configuration.ServerConfigStorageProvider;
import org.keycloak.storage.user.SynchronizationResult;
import org.keycloak.util.JsonSerialization;

import java.io.IOException;
import java.util.Locale;
import java.util.Optional;

/**
 * The last full and the last changed sync of each bundle provider, for the admin console: when it ran, how it
 * ended and what it changed. Kept in Keycloak's server configuration table (one row per provider and kind), so
 * every node of a cluster sees the run of whichever node held the sync, and nothing of it lands in a realm export.
 * A run that another node held (skipped here) is not recorded: it would hide the run that really happened. The
 * rows of a removed provider stay (a few hundred bytes each) and are never shown, as only existing providers are read.
 */
public final class SyncHistory {

    /** One finished sync. {@code error} is set when it threw instead of returning a result. */
    public record Run(String kind, long startedAt, long finishedAt, String outcome, int added, int updated,
                      int removed, int failed, String status, String error) {
    }

    private static final Logger LOG = Logger.getLogger(SyncHistory.class);
    private static final String PREFIX = "claromentis.sync.";
    /** An error text is for a person reading the console: longer text is in the server log. */
    private static final int MAX_ERROR = 300;

    private SyncHistory() {
    }

    /** The last finished sync of {@code kind} of the component, if the bundle ever recorded one. */
    public static Optional<Run> last(KeycloakSession session, String componentId, SyncMetrics.Kind kind) {
        Optional<String> stored = session.getProvider(ServerConfigStorageProvider.class).find(key(componentId, kind));
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(JsonSerialization.readValue(stored.get(), Run.class));
        } catch (IOException e) {
            // Written only by this class; an unreadable row (an older format) reads as "never synced".
            LOG.debugf(e, "Unreadable sync record of component %s", componentId);
            return Optional.empty();
        }
    }

    static void record(KeycloakSessionFactory sessionFactory, String componentId, SyncMetrics.Kind kind,
                       long startedAt, SynchronizationResult result, boolean failed, RuntimeException thrown) {
        Run run = thrown != null
                ? new Run(kindName(kind), startedAt, System.currentTimeMillis(), "failed", 0, 0, 0, 0, null,
                        error(thrown))
                : new Run(kindName(kind), startedAt, System.currentTimeMillis(), failed ? "failed" : "success",
                        result.getAdded(), result.getUpdated(), result.getRemoved(), result.getFailed(),
                        result.getStatus(), null);
        try {
            String json = JsonSerialization.writeValueAsString(run);
            // Its own transaction: the sync's transactions are over, and a failing write must not fail the sync.
            KeycloakModelUtils.runJobInTransaction(sessionFactory, session ->
                    session.getProvider(ServerConfigStorageProvider.class).store(key(componentId, kind), json));
        } catch (IOException | RuntimeException e) {
            LOG.warnf("The result of a %s sync of component %s could not be recorded for the admin console: %s",
                    kindName(kind), componentId, LogSafe.of(e.getMessage()));
        }
    }

    static String key(String componentId, SyncMetrics.Kind kind) {
        return PREFIX + componentId + "." + kindName(kind);
    }

    private static String kindName(SyncMetrics.Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    /** The exception's type and message, made safe and short: the bundle's messages never carry secrets. */
    private static String error(RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
        return LogSafe.of(message.length() > MAX_ERROR ? message.substring(0, MAX_ERROR) + "..." : message);
    }
}
