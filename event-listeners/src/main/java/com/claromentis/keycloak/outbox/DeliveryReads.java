package com.claromentis.keycloak.outbox;

import com.claromentis.keycloak.common.LocalUsers;
import com.claromentis.keycloak.outbox.OutboxStore.Claimed;
import jakarta.persistence.EntityManager;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.storage.StorageId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    static final DeliveryReads NONE = new DeliveryReads(Map.of(), Map.of());

    /** Per realm: the users whose links were read, with their Claromentis id or null when they have none. */
    private final Map<String, Map<String, Long>> links;
    /** Per user id: the aliases of the identity providers the local user is linked to. */
    private final Map<String, List<String>> identityProviders;

    private DeliveryReads(Map<String, Map<String, Long>> links, Map<String, List<String>> identityProviders) {
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
        Map<String, Map<String, Long>> links = new HashMap<>();
        Map<String, List<String>> identityProviders = new HashMap<>();
        byRealm.forEach((realm, users) -> {
            LocalUsers.preload(em, users);
            Map<String, Long> found = store.links(realm, users);
            Map<String, Long> realmLinks = new HashMap<>();
            users.forEach(user -> realmLinks.put(user, found.get(user)));
            links.put(realm, realmLinks);
            users.forEach(user -> identityProviders.put(user, new ArrayList<>()));
            for (int start = 0; start < users.size(); start += OutboxStore.IN_LIMIT) {
                List<Object[]> aliases = em.createQuery("select f.user.id, f.identityProvider from FederatedIdentityEntity f"
                                + " where f.user.id in :ids", Object[].class)
                        .setParameter("ids", users.subList(start, Math.min(start + OutboxStore.IN_LIMIT, users.size())))
                        .getResultList();
                for (Object[] alias : aliases) {
                    identityProviders.get((String) alias[0]).add((String) alias[1]);
                }
            }
        });
        return new DeliveryReads(links, identityProviders);
    }

    /** The user's outbox link as read ahead: its Claromentis id, or null; {@code store}'s answer when not read ahead. */
    Long link(OutboxStore store, String realmId, String userId) {
        Map<String, Long> realmLinks = links.get(realmId);
        if (realmLinks != null && realmLinks.containsKey(userId)) {
            return realmLinks.get(userId);
        }
        return store.link(realmId, userId);
    }

    /** The identity provider aliases of a local user as read ahead, or null when they were not. */
    List<String> identityProviders(String userId) {
        return identityProviders.get(userId);
    }
}
