package com.claromentis.keycloak.storage;

import com.claromentis.keycloak.common.LogSafe;
import com.claromentis.keycloak.peopleapi.ClaromentisGroup;
import com.claromentis.keycloak.peopleapi.ClaromentisUser;
import com.claromentis.keycloak.peopleapi.GroupOperations;
import com.claromentis.keycloak.peopleapi.PeopleApiClient;
import com.claromentis.keycloak.peopleapi.UserQuery;
import com.claromentis.keycloak.peopleapi.error.PeopleApiException;
import com.claromentis.keycloak.profile.ClaromentisProfile;
import com.claromentis.keycloak.sync.SyncHistory;
import com.claromentis.keycloak.sync.SyncMetrics;
import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import org.jboss.logging.Logger;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.storage.UserStoragePrivateUtil;
import org.keycloak.storage.UserStorageProviderModel;
import org.keycloak.storage.user.SynchronizationResult;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Full and changed synchronisation of People API users into Keycloak, page by page, one transaction per page so
 * a large directory neither holds one huge transaction nor loses the pages already done when one fails.
 *
 * <p>Users are streamed from Claromentis, never all held at once; what a sync keeps for the whole walk is an id
 * and a username per person. Both syncs read memberships once, from the group and role lists, so a sync costs the
 * same number of requests however many people changed.
 */
final class PeopleApiSync {

    static final int PAGE_SIZE = UserQuery.MAX_LIMIT;
    static final Duration CHANGED_SYNC_OVERLAP = Duration.ofMinutes(5);
    /** Users imported per transaction: small enough that a failed batch costs little to redo one by one. */
    static final int TRANSACTION_SIZE = 100;

    private static final Logger LOG = Logger.getLogger(PeopleApiSync.class);

    private final KeycloakSessionFactory sessionFactory;
    private final String realmId;
    private final UserStorageProviderModel model;
    private final PeopleApiStorageConfig config;
    private final PeopleApiClient client;
    private final Freshness freshness;
    private final RecentlyApplied recentlyApplied;
    private final SyncReport result = new SyncReport();
    private final String name;

    PeopleApiSync(KeycloakSessionFactory sessionFactory, String realmId, UserStorageProviderModel model,
                  PeopleApiClient client, Freshness freshness, RecentlyApplied recentlyApplied) {
        this.sessionFactory = sessionFactory;
        this.realmId = realmId;
        this.model = model;
        this.config = new PeopleApiStorageConfig(model);
        this.client = client;
        this.freshness = freshness;
        this.recentlyApplied = recentlyApplied;
        this.name = LogSafe.of(model.getName());
    }

    /** Imports every Claromentis user, then removes or disables the imported users Claromentis no longer has. */
    SynchronizationResult full() {
        Map<Long, List<ClaromentisGroup>> groups = config.syncGroups() ? memberships(client.groups()) : Map.of();
        Map<Long, List<ClaromentisGroup>> roles = config.syncRoles() ? memberships(client.roles()) : Map.of();
        Map<Long, String> usernames = new HashMap<>();
        Set<String> presentNames = new HashSet<>();
        Map<Long, Long> unresolvedManagers = new HashMap<>();
        // One statement for the Keycloak id of everyone imported before: each page then reads its people in three.
        Map<Long, String> imported = KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory, session ->
                ImportedPage.importedIds(entityManager(session), realmId, model.getId()));
        Optional<SynchronizationResult> stopped = walk(client.streamUsers(UserQuery.all().withLimit(PAGE_SIZE)), user -> {
            usernames.put(user.id(), user.username());
            presentNames.add(user.username().toLowerCase(Locale.ROOT));
            String manager = user.managerId() == null ? null : usernames.get(user.managerId());
            if (user.managerId() != null && manager == null) {
                unresolvedManagers.put(user.id(), user.managerId());
            }
            return user.toBuilder().managerUsername(manager)
                    .groups(groups.getOrDefault(user.id(), List.of()))
                    .roles(roles.getOrDefault(user.id(), List.of()))
                    .build();
        }, Pass.full(imported));
        if (stopped.isPresent()) {
            return stopped.get();
        }
        resolveManagers(unresolvedManagers, usernames);
        removeMissing(usernames.keySet(), presentNames, imported);
        LOG.infof("Provider '%s': full sync of %d Claromentis users: %s", name, usernames.size(), result.getStatus());
        return result;
    }

    /**
     * Imports the users Claromentis changed since {@code since}; deletions are found only by a full sync, and so are
     * membership changes of people already imported: a membership change does not move a person's modified time,
     * so a changed sync could not find it anyway, and reading every group's and role's member list for it would
     * cost a changed sync as many requests as a full one. People new since the last sync are the exception: they
     * get their groups and roles from their own lists (two requests each) once the walk is over.
     */
    SynchronizationResult changedSince(Instant since, long startedAt) {
        // Keycloak records the end of the previous sync as its time, and Claromentis compares with its own clock:
        // asking for a little more than that catches changes made during that sync and a skew between the clocks.
        // A user whose data did not change is compared and left as it is.
        Instant from = since.minus(CHANGED_SYNC_OVERLAP);
        // So each sync reads the previous one's people again: those exactly as it applied them are left alone.
        long[] lastRuns = KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory, session -> new long[] {
                lastStart(session, SyncMetrics.Kind.CHANGED), lastStart(session, SyncMetrics.Kind.FULL)});
        Map<Long, RecentlyApplied.Digest> previous = recentlyApplied.takeIfLast(model.getId(), lastRuns[0], lastRuns[1]);
        int[] seen = {0};
        int[] asBefore = {0};
        Pass pass = Pass.changed();
        Stream<ClaromentisUser> changed = client.streamUsersModifiedSince(from).filter(user -> {
            seen[0]++;
            if (pass.applied().keptIfUnchanged(previous, user)) {
                asBefore[0]++;
                return false;
            }
            return true;
        });
        Optional<SynchronizationResult> stopped = walk(changed, user -> user, pass);
        if (stopped.isPresent()) {
            return stopped.get();
        }
        addMemberships(pass.added());
        recentlyApplied.remember(model.getId(), startedAt, lastRuns[1], pass.applied());
        LOG.infof("Provider '%s': changed-users sync since %s, %d Claromentis users read (%d as this node's previous"
                + " sync applied them): %s", name, since, seen[0], asBefore[0], result.getStatus());
        return result;
    }

    /** The start of the provider's last recorded sync of {@code kind}, by whichever node, or -1 for none. */
    private long lastStart(KeycloakSession session, SyncMetrics.Kind kind) {
        return SyncHistory.last(session, model.getId(), kind).map(SyncHistory.Run::startedAt).orElse(-1L);
    }

    /** The groups and roles of people a changed sync added, from each person's own lists. */
    private void addMemberships(List<ClaromentisUser> added) {
        if (added.isEmpty() || !(config.syncGroups() || config.syncRoles())) {
            return;
        }
        List<ClaromentisUser> detailed = new ArrayList<>(added.size());
        for (ClaromentisUser person : added) {
            try {
                detailed.add(client.withDetails(person));
            } catch (PeopleApiException e) {
                // Imported already, without memberships: the next full sync brings them. Not a failed person.
                LOG.warnf("Provider '%s': could not read the groups and roles of '%s' (%s); the next full sync adds them",
                        name, LogSafe.of(person.username()), LogSafe.of(e.getMessage()));
            }
        }
        for (int start = 0; start < detailed.size(); start += TRANSACTION_SIZE) {
            List<ClaromentisUser> page = detailed.subList(start, Math.min(start + TRANSACTION_SIZE, detailed.size()));
            try {
                KeycloakModelUtils.runJobInTransaction(sessionFactory, session -> {
                    flushAtCommitOnly(session);
                    UserImport importer = importer(session, null);
                    page.forEach(person -> importer.apply(person, null, true));
                });
            } catch (RuntimeException e) {
                LOG.warnf("Provider '%s': the groups and roles of %d people new since the last sync were not added (%s); "
                        + "the next full sync adds them", name, page.size(), LogSafe.of(e.getMessage()));
            }
        }
    }

    /** Imports a stream of users in transactions of {@link #TRANSACTION_SIZE}; stops at the configured bound. */
    private Optional<SynchronizationResult> walk(Stream<ClaromentisUser> users,
                                                 java.util.function.UnaryOperator<ClaromentisUser> complete, Pass pass) {
        int max = config.maxUsersPerSync();
        int count = 0;
        List<ClaromentisUser> page = new ArrayList<>();
        Iterator<ClaromentisUser> it = users.iterator();
        while (it.hasNext()) {
            ClaromentisUser user = it.next();
            if (++count > max) {
                importPage(page, pass);
                LOG.errorf("Provider '%s': Claromentis listed more than %d users; sync stopped, no user was removed",
                        name, max);
                return Optional.of(new FailedSync("Claromentis listed more than " + max + " users (the provider's "
                        + "'Most users per sync'); the sync stopped and no user was removed. " + result.getStatus()));
            }
            page.add(complete.apply(user));
            if (page.size() == TRANSACTION_SIZE) {
                importPage(page, pass);
                page = new ArrayList<>();
            }
        }
        importPage(page, pass);
        return Optional.empty();
    }

    private void importPage(List<ClaromentisUser> page, Pass pass) {
        if (page.isEmpty()) {
            return;
        }
        // Counted as applied only once their transaction committed.
        List<ClaromentisUser> applied = new ArrayList<>();
        try {
            SynchronizationResult pageResult = KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory, session -> {
                applied.clear();
                SynchronizationResult counts = new SynchronizationResult();
                flushAtCommitOnly(session);
                EntityManager em = entityManager(session);
                ImportedPage known = em == null ? null : pass.memberships() ? ImportedPage.load(em, pass.imported(), page)
                        : ImportedPage.loadByIds(em, realmId, model.getId(), page);
                UserImport importer = importer(session, known);
                for (ClaromentisUser user : page) {
                    importOne(importer, user, counts, pass, applied);
                }
                return counts;
            });
            result.add(pageResult);
            pass.remember(applied);
        } catch (RuntimeException pageFailure) {
            // One bad user must not cost the whole page: redo it one user per transaction to isolate the culprit.
            LOG.warnf("Provider '%s': a page of %d users failed (%s); retrying them one by one",
                    name, page.size(), LogSafe.of(pageFailure.getMessage()));
            for (ClaromentisUser user : page) {
                try {
                    applied.clear();
                    result.add(KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory, session -> {
                        SynchronizationResult counts = new SynchronizationResult();
                        importOne(importer(session, null), user, counts, pass, applied);
                        return counts;
                    }));
                    pass.remember(applied);
                } catch (RuntimeException userFailure) {
                    String reason = "'" + LogSafe.of(user.username()) + "' not imported: " + LogSafe.of(userFailure.getMessage());
                    if (result.note("failed:" + user.id(), reason)) {
                        LOG.warnf("Provider '%s': %s", name, reason);
                    }
                    result.increaseFailed();
                }
            }
        }
    }

    /** @param applied collects the people applied (or found equal) with their manager resolved, if any */
    private void importOne(UserImport importer, ClaromentisUser user, SynchronizationResult counts, Pass pass,
                           List<ClaromentisUser> applied) {
        UserImport.Outcome outcome = importer.apply(user, null, pass.memberships());
        switch (outcome.kind()) {
            case ADDED -> {
                counts.increaseAdded();
                if (pass.added() != null) {
                    pass.added().add(user);
                }
            }
            case UPDATED -> counts.increaseUpdated();
            case UNCHANGED -> { }
            case SKIPPED, FAILED -> {
                if (outcome.kind() == UserImport.Kind.FAILED) {
                    counts.increaseFailed();
                }
                if (result.note("user:" + user.id(), outcome.reason())) {
                    LOG.warnf("Provider '%s': %s", name, outcome.reason());
                }
                return;
            }
        }
        freshness.touch(model.getId(), outcome.user().getId());
        // A manager not imported yet is resolved by a later sync: such a person must be looked at again.
        if (pass.applied() != null
                && (user.managerId() == null || outcome.user().getFirstAttribute(ClaromentisProfile.MANAGER) != null)) {
            applied.add(user);
        }
    }

    /** Managers listed after the people they manage: their usernames are known only once the walk is over. */
    private void resolveManagers(Map<Long, Long> unresolved, Map<Long, String> usernames) {
        if (unresolved.isEmpty()) {
            return;
        }
        KeycloakModelUtils.runJobInTransaction(sessionFactory, session -> {
            UserImport importer = importer(session, null);
            unresolved.forEach((userId, managerId) -> {
                UserModel user = importer.byClaromentisId(userId);
                String manager = usernames.get(managerId);
                if (user != null && manager != null && !manager.equals(user.getFirstAttribute(ClaromentisProfile.MANAGER))) {
                    user.setSingleAttribute(ClaromentisProfile.MANAGER, manager);
                }
            });
        });
    }

    /**
     * @param imported Claromentis id to Keycloak id of the users imported before this sync (read at its start):
     *                 their ids are known without reading each user's attributes; users imported by this sync are
     *                 present by definition
     */
    private void removeMissing(Set<Long> presentIds, Set<String> presentNames, Map<Long, String> imported) {
        Map<String, Long> claromentisIds = new HashMap<>();
        imported.forEach((claromentisId, userId) -> claromentisIds.put(userId, claromentisId));
        List<Imported> missing = KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory, session ->
                ImportedPage.usersOf(entityManager(session), realmId, model.getId()).stream()
                        .map(user -> new Imported(user[0], user[1], claromentisIds.get(user[0])))
                        // Followed by Claromentis id: a person renamed there is present under the new name.
                        .filter(user -> user.claromentisId() != null ? !presentIds.contains(user.claromentisId())
                                : !presentNames.contains(user.username().toLowerCase(Locale.ROOT)))
                        .toList());
        if (missing.isEmpty()) {
            return;
        }
        if (presentIds.isEmpty()) {
            // An empty answer is far likelier a misconfiguration (wrong field names, a filtered API user) than
            // a company with no staff: never wipe every user on its word.
            LOG.warnf("Provider '%s': Claromentis listed no users; keeping the %d imported users instead of removing them",
                    name, missing.size());
            return;
        }
        List<Imported> gone = new ArrayList<>();
        for (Imported user : missing) {
            // Offset paging can skip a user when others are created or deleted during the walk: removing a
            // Keycloak user loses its credentials, so each absence is confirmed with a direct lookup first.
            try {
                if (confirmedGone(user)) {
                    gone.add(user);
                } else {
                    LOG.infof("Provider '%s': '%s' was missed by the listing but still exists in Claromentis; kept",
                            name, LogSafe.of(user.username()));
                }
            } catch (PeopleApiException e) {
                LOG.warnf("Provider '%s': could not confirm that '%s' was deleted in Claromentis (%s); kept",
                        name, LogSafe.of(user.username()), LogSafe.of(e.getMessage()));
                result.increaseFailed();
            }
        }
        KeycloakModelUtils.runJobInTransaction(sessionFactory, session -> {
            RealmModel realm = realmOf(session);
            var local = UserStoragePrivateUtil.userLocalStorage(session);
            for (Imported entry : gone) {
                UserModel user = local.getUserById(realm, entry.keycloakId());
                if (user == null) {
                    continue;
                }
                freshness.forget(model.getId(), user.getId());
                if (config.deletedUsers() == PeopleApiStorageConfig.DeletedUsers.DISABLE) {
                    if (user.isEnabled()) {
                        user.setEnabled(false);
                        result.increaseUpdated();
                    }
                } else {
                    local.removeUser(realm, user);
                    result.increaseRemoved();
                }
                LOG.infof("Provider '%s': '%s' no longer exists in Claromentis; %s", name, LogSafe.of(entry.username()),
                        config.deletedUsers() == PeopleApiStorageConfig.DeletedUsers.DISABLE ? "disabled" : "removed");
            }
        });
    }

    private boolean confirmedGone(Imported user) {
        if (user.claromentisId() != null) {
            return client.getUser(user.claromentisId()).isEmpty();
        }
        return client.findUserByUsername(user.username()).isEmpty();
    }

    private record Imported(String keycloakId, String username, Long claromentisId) {
    }

    /**
     * What kind of walk a sync makes. A full sync's people carry their complete groups and roles, to be applied,
     * and {@code imported} maps the Claromentis id of everyone imported before to their Keycloak id; a changed
     * sync's carry neither (each page then finds its people by id in one statement), and {@code added} collects the
     * people it imports for the first time, whose memberships are read afterwards, and {@code applied} the people
     * it applied, which the next changed sync may leave alone ({@link RecentlyApplied}).
     */
    private record Pass(Map<Long, String> imported, List<ClaromentisUser> added, RecentlyApplied.Collected applied) {
        static Pass full(Map<Long, String> imported) {
            return new Pass(imported, null, null);
        }

        static Pass changed() {
            return new Pass(null, new ArrayList<>(), new RecentlyApplied.Collected());
        }

        /** A changed sync's people whose import committed: what the next changed sync may leave alone. */
        void remember(List<ClaromentisUser> people) {
            if (applied != null) {
                people.forEach(applied::add);
            }
        }

        boolean memberships() {
            return imported != null;
        }
    }

    /**
     * By default every query makes Hibernate flush and dirty-check the whole transaction first, so importing n
     * users costs n squared; a sync batch reads each user once and caches the groups it creates, so nothing it
     * queries depends on its own unflushed writes.
     */
    private static void flushAtCommitOnly(KeycloakSession session) {
        EntityManager em = entityManager(session);
        if (em != null) {
            em.setFlushMode(FlushModeType.COMMIT);
        }
    }

    /** This sync's importer in {@code session}'s transaction; {@code page}: what it read of its people, or null. */
    private UserImport importer(KeycloakSession session, ImportedPage page) {
        return new UserImport(session, realmOf(session), model.getId(), model.getName(), config, result, page);
    }

    /** Keycloak's JPA store's entity manager, or null on a store that is not JPA. */
    private static EntityManager entityManager(KeycloakSession session) {
        JpaConnectionProvider jpa = session.getProvider(JpaConnectionProvider.class);
        return jpa == null ? null : jpa.getEntityManager();
    }

    private static Map<Long, List<ClaromentisGroup>> memberships(GroupOperations operations) {
        Map<Long, List<ClaromentisGroup>> byUser = new HashMap<>();
        for (ClaromentisGroup group : operations.listAll()) {
            for (Long member : operations.memberIds(group.id())) {
                byUser.computeIfAbsent(member, id -> new ArrayList<>()).add(group);
            }
        }
        return byUser;
    }

    private RealmModel realmOf(KeycloakSession session) {
        RealmModel realm = session.realms().getRealm(realmId);
        if (realm == null) {
            throw new IllegalStateException("Realm " + realmId + " no longer exists");
        }
        session.getContext().setRealm(realm);
        return realm;
    }
}
