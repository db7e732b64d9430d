package com.claromentis.keycloak.common;

import jakarta.persistence.EntityManager;
import org.keycloak.models.jpa.entities.UserEntity;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Bulk reads of Keycloak's local users, for the bundle's work on many users in one transaction. */
public final class LocalUsers {

    /** Oracle takes at most this many values in one IN list. */
    private static final int IN_LIMIT = 1000;

    private LocalUsers() {
    }

    /**
     * Reads the given users with their attributes into {@code em}'s persistence context, in one statement per
     * {@value #IN_LIMIT} ids: Keycloak's JPA store's look-up by id then finds each one there, with its
     * attributes, instead of asking the database twice per user. Ids of users that do not exist are ignored.
     */
    public static void preload(EntityManager em, Collection<String> userIds) {
        List<String> ids = new ArrayList<>(userIds);
        for (int start = 0; start < ids.size(); start += IN_LIMIT) {
            // No DISTINCT: the rows only fill the persistence context (Hibernate makes one entity of a user's rows),
            // and in SQL it would have the database sort every user-and-attribute row by all their columns.
            em.createQuery("select u from UserEntity u left join fetch u.attributes where u.id in :ids",
                            UserEntity.class)
                    .setParameter("ids", ids.subList(start, Math.min(start + IN_LIMIT, ids.size())))
                    .getResultList();
        }
    }
}
