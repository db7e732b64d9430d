package com.claromentis.keycloak.graph;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.jboss.logging.Logger;
import org.keycloak.models.RealmModel;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Where a provider's changed-users sync goes on from: Graph's delta links for users and groups, the selection they
 * were taken for, and what the last sync learnt of the chosen groups (their names and the groups nested in them, so
 * a change deep inside a chosen group is noticed). Kept as one realm attribute per provider, written only after a
 * sync finished; a sync that fails leaves the previous state, so the next one asks again from there.
 *
 * @param selection {@link GraphDirectoryConfig#selection}: a different one makes the next sync a full one
 */
record DeltaState(String selection, String users, String groups, Map<String, String> names,
                  Map<String, Set<String>> nested) {

    private static final String PREFIX = "claromentis.graphDelta.";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = Logger.getLogger(DeltaState.class);

    static DeltaState load(RealmModel realm, String componentId) {
        String value = realm.getAttribute(PREFIX + componentId);
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

    void save(RealmModel realm, String componentId) {
        try {
            realm.setAttribute(PREFIX + componentId, JSON.writeValueAsString(this));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot store the delta state of provider " + componentId, e);
        }
    }

    static void forget(RealmModel realm, String componentId) {
        realm.removeAttribute(PREFIX + componentId);
    }

    DeltaState with(String users, String groups, Map<String, String> names, Map<String, Set<String>> nested) {
        Map<String, String> allNames = new LinkedHashMap<>(this.names == null ? Map.of() : this.names);
        allNames.putAll(names);
        Map<String, Set<String>> allNested = new LinkedHashMap<>(this.nested == null ? Map.of() : this.nested);
        allNested.putAll(nested);
        return new DeltaState(selection, users, groups, allNames, allNested);
    }
}
