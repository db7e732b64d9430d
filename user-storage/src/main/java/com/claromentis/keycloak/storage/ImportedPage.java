package com.claromentis.keycloak.storage;

import com.claromentis.keycloak.common.LocalUsers;
import com.claromentis.keycloak.peopleapi.ClaromentisUser;
import com.claromentis.keycloak.profile.ClaromentisProfile;
import com.claromentis.keycloak.profile.ClaromentisUserMapper;
import jakarta.persistence.EntityManager;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a full sync's page of people already holds in Keycloak, read with three statements for the whole page
 * (the users with their attributes, their group memberships, their role grants) instead of four or five per person.
 * Keycloak's JPA store finds users it has already read in its persistence context, so the look-ups that follow cost
 * no statement; a person who is unchanged then costs none at all, and a full sync of people who did not change
 * costs time that grows with the pages, not with the statements per person.
 *
 * <p>A full sync builds it from the Claromentis-id-to-user map of the whole provider, read once at its start
 * ({@link #importedIds}); a changed sync finds its page's people by id in one statement and reads no memberships,
 * as it applies none ({@link #loadByIds}). Only the users of this page are loaded, for this page's transaction.
 */
final class ImportedPage {

    private final Set<Long> covered;
    private final Map<Long, String> userIds;
    private final Map<String, Set<String>> groupIds;
    private final Map<String, Set<String>> roleIds;

    private ImportedPage(Set<Long> covered, Map<Long, String> userIds, Map<String, Set<String>> groupIds,
                         Map<String, Set<String>> roleIds) {
        this.covered = covered;
        this.userIds = userIds;
        this.groupIds = groupIds;
        this.roleIds = roleIds;
    }

    /**
     * Claromentis id to Keycloak user id of every user the component imported, in one statement; an id that is
     * not a number (edited by hand) is left out, and its user is then looked up the slow way, as before.
     */
    static Map<Long, String> importedIds(EntityManager em, String realmId, String componentId) {
        return byClaromentisId(em.createQuery("select a.value, a.user.id from UserAttributeEntity a where a.name = :name"
                        + " and a.user.realmId = :realmId and a.user.federationLink = :componentId", Object[].class)
                .setParameter("name", ClaromentisProfile.CLAROMENTIS_ID)
                .setParameter("realmId", realmId)
                .setParameter("componentId", componentId)
                .getResultList());
    }

    /** (stored Claromentis id, user id) rows as a map; an id that is not a number is left out. */
    private static Map<Long, String> byClaromentisId(List<Object[]> rows) {
        Map<Long, String> ids = new HashMap<>();
        for (Object[] row : rows) {
            Long id = ClaromentisUserMapper.parseId((String) row[0]);
            if (id != null) {
                ids.put(id, (String) row[1]);
            }
        }
        return ids;
    }

    /**
     * Id and username of every user the component imported (service accounts are never federated), in one
     * statement: a full sync's removal check reads no user's attributes.
     */
    static List<String[]> usersOf(EntityManager em, String realmId, String componentId) {
        return em.createQuery("select u.id, u.username from UserEntity u where u.realmId = :realmId"
                        + " and u.federationLink = :componentId and u.serviceAccountClientLink is null", Object[].class)
                .setParameter("realmId", realmId)
                .setParameter("componentId", componentId)
                .getResultList().stream()
                .map(row -> new String[]{(String) row[0], (String) row[1]})
                .toList();
    }

    /**
     * For a changed sync, which has no map of the whole provider and applies no memberships: the page's people and
     * their managers (whose usernames the manager field needs) are found by their Claromentis ids in one statement,
     * then loaded with their attributes, rather than a search per manager.
     */
    static ImportedPage loadByIds(EntityManager em, String realmId, String componentId, Collection<ClaromentisUser> people) {
        Set<Long> ids = new java.util.LinkedHashSet<>();
        people.forEach(person -> {
            ids.add(person.id());
            ids.add(person.managerId());
        });
        ids.remove(null);
        List<String> values = ids.stream().map(String::valueOf).toList();
        Map<Long, String> imported = values.isEmpty() ? Map.of() : byClaromentisId(em.createQuery(
                        "select a.value, a.user.id from UserAttributeEntity a where a.name = :name and a.value in :values"
                                + " and a.user.realmId = :realmId and a.user.federationLink = :componentId", Object[].class)
                .setParameter("name", ClaromentisProfile.CLAROMENTIS_ID)
                .setParameter("values", values)
                .setParameter("realmId", realmId)
                .setParameter("componentId", componentId)
                .getResultList());
        return load(em, imported, ids, false);
    }

    /** Loads the users of {@code people} that {@code imported} knows, their memberships and grants, into {@code em}. */
    static ImportedPage load(EntityManager em, Map<Long, String> imported, Collection<ClaromentisUser> people) {
        return load(em, imported, people.stream().map(ClaromentisUser::id).filter(Objects::nonNull).toList(), true);
    }

    /** @param claromentisIds the Claromentis ids the page answers for, each looked up in {@code imported} */
    private static ImportedPage load(EntityManager em, Map<Long, String> imported, Collection<Long> claromentisIds,
                                     boolean memberships) {
        Set<Long> covered = new HashSet<>(claromentisIds);
        Map<Long, String> userIds = new HashMap<>();
        for (Long id : claromentisIds) {
            String userId = imported.get(id);
            if (userId != null) {
                userIds.put(id, userId);
            }
        }
        Map<String, Set<String>> groups = new HashMap<>();
        Map<String, Set<String>> roles = new HashMap<>();
        if (!userIds.isEmpty()) {
            Collection<String> ids = userIds.values();
            LocalUsers.preload(em, ids);
            if (memberships) {
                collect(em.createQuery("select m.user.id, m.groupId from UserGroupMembershipEntity m where m.user.id in :ids",
                        Object[].class).setParameter("ids", ids).getResultList(), groups);
                collect(em.createQuery("select m.user.id, m.roleId from UserRoleMappingEntity m where m.user.id in :ids",
                        Object[].class).setParameter("ids", ids).getResultList(), roles);
                userIds.values().forEach(id -> {
                    groups.putIfAbsent(id, Set.of());
                    roles.putIfAbsent(id, Set.of());
                });
            }
        }
        return new ImportedPage(covered, userIds, groups, roles);
    }

    /** Whether this page answers for Claromentis id {@code id} (a person of the page, or a changed page's manager). */
    boolean covers(Long id) {
        return id != null && covered.contains(id);
    }

    /** The Keycloak user id imported for a covered Claromentis id, or null when none was. */
    String userId(Long id) {
        return userIds.get(id);
    }

    /** Group ids the user is a member of, or null when this page did not read them (then the caller does). */
    Set<String> groupIds(String userId) {
        return groupIds.get(userId);
    }

    /** Role ids granted to the user directly, or null when this page did not read them (then the caller does). */
    Set<String> roleIds(String userId) {
        return roleIds.get(userId);
    }

    private static void collect(List<Object[]> rows, Map<String, Set<String>> into) {
        for (Object[] row : rows) {
            into.computeIfAbsent((String) row[0], id -> new HashSet<>()).add((String) row[1]);
        }
    }
}
