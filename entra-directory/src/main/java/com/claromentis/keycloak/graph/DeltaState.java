package com.claromentis.keycloak.graph;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.storage.configuration.ServerConfigStorageProvider;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Where a provider's changed-users sync goes on from: Graph's delta links for users and groups, the selection they
 * were taken for, and what the last sync learnt of the chosen groups (their names and the groups nested in them, so
 * a change deep inside a chosen group is noticed). Written only after a sync finished; a sync that fails leaves the
 * previous state, so the next one asks again from there.
 *
 * <p>Kept in Keycloak's server configuration store (one database row per provider, read by every node), not in the
 * realm: a realm attribute made every sync invalidate the cached realm, which every node then loaded again, and it
 * travelled with a realm export, where a delta link means nothing to another server.
 *
 * @param selection {@link GraphDirectoryConfig#selection}: a different one makes the next sync a full one
 */
record DeltaState(String selection, String users, String groups, Map<String, String> names,
                  Map<String, Set<String>> nested) {

    private static final String PREFIX = "claromentis.graphDelta.";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = Logger.getLogger(DeltaState.class);

    static DeltaState load(KeycloakSession session, String componentId) {
        String value = store(session).find(PREFIX + componentId).orElse(null);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            DeltaState state = JSON.readValue(value, DeltaState.class);
            return state.users() == null ? null : state;
        } catch (IOException e) {
            LOG.warnf("The stored delta state of provider %s cannot be read (%s); the next sync is a full one", componentId,
                    e.getClass().getSimpleName());
            return null;
        }
    }

    void save(KeycloakSession session, String componentId) {
        try {
            store(session).store(PREFIX + componentId, JSON.writeValueAsString(this));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot store the delta state of provider " + componentId, e);
        }
    }

    static void forget(KeycloakSession session, String componentId) {
        store(session).remove(PREFIX + componentId);
    }

    private static ServerConfigStorageProvider store(KeycloakSession session) {
        return session.getProvider(ServerConfigStorageProvider.class);
    }

    DeltaState with(String users, String groups, Map<String, String> names, Map<String, Set<String>> nested) {
        Map<String, String> allNames = new LinkedHashMap<>(this.names == null ? Map.of() : this.names);
        allNames.putAll(names);
        Map<String, Set<String>> allNested = new LinkedHashMap<>(this.nested == null ? Map.of() : this.nested);
        allNested.putAll(nested);
        return new DeltaState(selection, users, groups, allNames, allNested);
    }
}
