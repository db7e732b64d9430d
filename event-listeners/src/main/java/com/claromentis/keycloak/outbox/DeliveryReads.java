package com.claromentis.keycloak.outbox;

import com.claromentis.keycloak.common.LocalUsers;
import com.claromentis.keycloak.outbox.OutboxStore.Claimed;
import jakarta.persistence.EntityManager;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.storage.StorageId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the deliveries of several claimed rows read of Keycloak, read for all of them at once when they share one
 * session: the local users with their attributes, their outbox links and their identity links, in a few statements
 * per realm instead of four per row. A row whose user is not among them (another session's row, a user of a
 * storage that does not import) is read on its own, as before.
 *
 * <p>Read after the claim, so each value is at least as new as the change its row carries; a change made after the
 * read has a row of its own, claimed only once this one is done.
 */
final class DeliveryReads {

    /** Reads nothing ahead: every delivery reads its own row's data. */
    static final DeliveryReads NONE = new DeliveryReads(Set.of(), Map.of(), Map.of());

    /** The users read ahead (Keycloak's user ids are unique across realms). */
    private final Set<String> read;
    /** The Claromentis id of each linked user among them. */
    private final Map<String, Long> links;
    /** The aliases of the identity providers each of them is linked to. */
    private final Map<String, List<String>> identityProviders;

    private DeliveryReads(Set<String> read, Map<String, Long> links, Map<String, List<String>> identityProviders) {
        this.read = read;
        this.links = links;
        this.identityProviders = identityProviders;
    }

    /** Reads, in {@code session}'s transaction, what delivering {@code rows} will ask for. */
    static DeliveryReads of(KeycloakSession session, List<Claimed> rows) {
        Map<String, List<String>> byRealm = new LinkedHashMap<>();
        for (Claimed row : rows) {
            if (row.type() != ChangeType.DELETE && StorageId.isLocalStorage(row.userId())) {
                byRealm.computeIfAbsent(row.realmId(), realm -> new ArrayList<>()).add(row.userId());
            }
        }
        if (byRealm.isEmpty()) {
            return NONE;
        }
        EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        OutboxStore store = new OutboxStore(em);
        Set<String> read = new HashSet<>();
        Map<String, Long> links = new HashMap<>();
        Map<String, List<String>> identityProviders = new HashMap<>();
        byRealm.forEach((realm, users) -> {
            LocalUsers.preload(em, users);
            links.putAll(store.links(realm, users));
            identityProviders.putAll(LocalUsers.identityProviders(em, users));
            read.addAll(users);
        });
        return new DeliveryReads(read, links, identityProviders);
    }

    /** The user's outbox link as read ahead: its Claromentis id, or null; {@code store}'s answer when not read ahead. */
    Long link(OutboxStore store, String realmId, String userId) {
        return read.contains(userId) ? links.get(userId) : store.link(realmId, userId);
    }

    /** The identity provider aliases of a local user as read ahead, or null when they were not. */
    List<String> identityProviders(String userId) {
        return identityProviders.get(userId);
    }
}
