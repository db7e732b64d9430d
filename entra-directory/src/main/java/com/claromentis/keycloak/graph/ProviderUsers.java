package com.claromentis.keycloak.graph;

import com.claromentis.keycloak.profile.ClaromentisProfile;
import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import jakarta.persistence.TypedQuery;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.jpa.entities.UserEntity;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Keycloak users of one {@code entra-id-directory} provider, read in one query: their ids, usernames, Entra object
 * ids and whether a sync removed them. A full sync starts from this instead of loading every user (and their
 * attributes) one by one.
 */
final class ProviderUsers {

    record Row(String userId, String username, String objectId, boolean removed) {
    }

    private ProviderUsers() {
    }

    static List<Row> of(KeycloakSession session, RealmModel realm, String componentId) {
        EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        List<Object[]> rows = em.createQuery("select u.id, u.username, "
                        + "(select a.value from UserAttributeEntity a where a.user = u and a.name = :objectId), "
                        + "(select count(r) from UserAttributeEntity r where r.user = u and r.name = :removed) "
                        + "from UserEntity u where u.realmId = :realm and u.federationLink = :link", Object[].class)
                .setParameter("objectId", EntraUserImport.OBJECT_ID)
                .setParameter("removed", ClaromentisProfile.DIRECTORY_REMOVED)
                .setParameter("realm", realm.getId())
                .setParameter("link", componentId)
                .getResultList();
        return rows.stream().map(r -> new Row((String) r[0], (String) r[1], (String) r[2], ((Number) r[3]).longValue() > 0))
                .toList();
    }

    /**
     * The Keycloak user ids of the provider's users with these object ids, by object id; each user is read with
     * their attributes, into the transaction's persistence context, so that looking them up afterwards (and reading
     * or writing their attributes) costs no query of its own. One equality look-up per id rather than one {@code in}
     * list: H2 uses the (name, value) index only for an equality on the value, and an {@code in} list made every
     * look-up read all the provider's object ids.
     */
    static Map<String, String> byObjectIds(KeycloakSession session, RealmModel realm, String componentId,
                                           Collection<String> objectIds) {
        Map<String, String> out = new HashMap<>();
        if (objectIds.isEmpty()) {
            return out;
        }
        TypedQuery<UserEntity> query = entityManager(session).createQuery("select u from UserAttributeEntity a "
                        + "join a.user u left join fetch u.attributes where a.name = :objectId and a.value = :id "
                        + "and u.realmId = :realm and u.federationLink = :link", UserEntity.class)
                .setParameter("objectId", EntraUserImport.OBJECT_ID)
                .setParameter("realm", realm.getId())
                .setParameter("link", componentId)
                .setFlushMode(FlushModeType.COMMIT);
        for (String objectId : objectIds) {
            List<UserEntity> found = query.setParameter("id", objectId).getResultList();
            if (!found.isEmpty()) {
                out.put(objectId, found.get(0).getId());
            }
        }
        return out;
    }

    /** Reads these users with their attributes, as {@link #byObjectIds} does, where their ids are known already. */
    static void preload(KeycloakSession session, Collection<String> userIds) {
        if (userIds.isEmpty()) {
            return;
        }
        TypedQuery<UserEntity> query = entityManager(session).createQuery(
                        "select u from UserEntity u left join fetch u.attributes where u.id = :id", UserEntity.class)
                .setFlushMode(FlushModeType.COMMIT);
        for (String userId : userIds) {
            query.setParameter("id", userId).getResultList();
        }
    }

    private static EntityManager entityManager(KeycloakSession session) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }
}
