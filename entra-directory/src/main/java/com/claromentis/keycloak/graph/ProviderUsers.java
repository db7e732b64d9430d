package com.claromentis.keycloak.graph;

import com.claromentis.keycloak.profile.ClaromentisProfile;
import jakarta.persistence.EntityManager;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.List;

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

    /** The Keycloak user ids of the provider's users with these object ids, by object id. */
    static java.util.Map<String, String> byObjectIds(KeycloakSession session, RealmModel realm, String componentId,
                                                     java.util.Collection<String> objectIds) {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        if (objectIds.isEmpty()) {
            return out;
        }
        EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        List<Object[]> rows = em.createQuery("select a.value, u.id from UserAttributeEntity a join a.user u "
                        + "where a.name = :objectId and a.value in :ids and u.realmId = :realm and u.federationLink = :link",
                        Object[].class)
                .setParameter("objectId", EntraUserImport.OBJECT_ID)
                .setParameter("ids", objectIds)
                .setParameter("realm", realm.getId())
                .setParameter("link", componentId)
                .getResultList();
        rows.forEach(r -> out.put((String) r[0], (String) r[1]));
        return out;
    }
}
