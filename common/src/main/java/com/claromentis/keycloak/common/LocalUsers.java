package com.claromentis.keycloak.common;

import jakarta.persistence.EntityManager;
import org.keycloak.models.jpa.entities.UserEntity;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Bulk reads of Keycloak's local users, for the bundle's work on many users in one transaction. */
public final class LocalUsers {

    /** Oracle takes at most this many values in one IN list. */
    public static final int IN_LIMIT = 1000;

    private LocalUsers() {
    }

    /**
     * Reads the given users with their attributes into {@code em}'s persistence context, in one statement per
     * {@value #IN_LIMIT} ids: Keycloak's JPA store's look-up by id then finds each one there, with its
     * attributes, instead of asking the database twice per user. Ids of users that do not exist are ignored.
     */
    public static void preload(EntityManager em, Collection<String> userIds) {
        inChunks(new ArrayList<>(userIds), ids ->
                // No DISTINCT: the rows only fill the persistence context (Hibernate makes one entity of a user's
                // rows), and in SQL it would have the database sort every user-and-attribute row by all their columns.
                em.createQuery("select u from UserEntity u left join fetch u.attributes where u.id in :ids", UserEntity.class)
                        .setParameter("ids", ids)
                        .getResultList());
    }

    /**
     * The aliases of the identity providers each of the given local users is linked to, in one statement per
     * {@value #IN_LIMIT} ids; a user without links maps to an empty list.
     */
    public static Map<String, List<String>> identityProviders(EntityManager em, List<String> userIds) {
        Map<String, List<String>> aliases = new HashMap<>();
        userIds.forEach(user -> aliases.put(user, new ArrayList<>()));
        inChunks(userIds, ids -> {
            for (Object[] link : em.createQuery("select f.user.id, f.identityProvider from FederatedIdentityEntity f"
                    + " where f.user.id in :ids", Object[].class).setParameter("ids", ids).getResultList()) {
                aliases.get((String) link[0]).add((String) link[1]);
            }
        });
        return aliases;
    }

    /** Runs {@code query} on consecutive chunks of {@code values} of at most {@value #IN_LIMIT}, for an IN list each. */
    public static <T> void inChunks(List<T> values, Consumer<List<T>> query) {
        for (int start = 0; start < values.size(); start += IN_LIMIT) {
            query.accept(values.subList(start, Math.min(start + IN_LIMIT, values.size())));
        }
    }
}
