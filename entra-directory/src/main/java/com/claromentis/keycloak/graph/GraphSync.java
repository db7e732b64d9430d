package com.claromentis.keycloak.graph;

import com.claromentis.keycloak.common.LogSafe;
import com.claromentis.keycloak.graph.GraphUser.Field;
import com.claromentis.keycloak.profile.ClaromentisProfile;
import com.claromentis.keycloak.provisioning.ProvisioningQueue;
import com.claromentis.keycloak.sync.RemovalPlan;
import com.claromentis.keycloak.sync.RemovalPlan.Decision;
import com.claromentis.keycloak.sync.RemovalPlan.Known;
import com.claromentis.keycloak.sync.RemovalPlan.Lookup;
import com.claromentis.keycloak.tenant.EntraRealmTenant;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.persistence.FlushModeType;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserManager;
import org.keycloak.models.UserProvider;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.storage.UserStoragePrivateUtil;
import org.keycloak.storage.UserStorageProviderModel;
import org.keycloak.storage.user.SynchronizationResult;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Full and changed (delta) synchronisation of an Entra tenant's users into Keycloak, a page at a time in
 * transactions of {@value #TRANSACTION_SIZE} users, every change handed to the provisioning outbox in the same
 * transaction.
 *
 * <p>A full sync takes Graph's "latest" delta links first, then lists every user: whatever changes during the
 * listing is read again by the next changed sync, never lost. A changed sync reads only Graph's delta since the stored
 * links, so it costs what changed, not the tenant's size. A delta link Graph no longer honours, or a page that is not
 * what Graph documents, turns that sync into a full one; a failed or refused answer never removes anybody.
 */
final class GraphSync {

    static final int TRANSACTION_SIZE = 100;
    /**
     * Users created per transaction in a full sync. Keycloak flushes the whole transaction at each new user, role
     * grant and group join, so the cost of one creation grows with what the transaction already holds.
     */
    static final int IMPORT_TRANSACTION_SIZE = 20;
    /** Longest manager chain walked to find a cycle; org charts are far shallower. */
    static final int MAX_CHAIN = 100;

    private static final Logger LOG = Logger.getLogger(GraphSync.class);

    private final KeycloakSessionFactory sessionFactory;
    private final String realmId;
    private final UserStorageProviderModel model;
    private final GraphDirectoryConfig config;
    private final GraphClient client;
    private final String name;
    private final SynchronizationResult result = new SynchronizationResult();
    private final Set<String> warned = new HashSet<>();
    /** Managers' usernames by object id, looked up once per changed sync ("" for one who is not a synced user). */
    private final Map<String, String> managerNames = new HashMap<>();
    /** Keycloak group ids by Entra group id, settled once per sync instead of once per transaction. */
    private final Map<String, String> settledGroups = new java.util.concurrent.ConcurrentHashMap<>();
    private final int requestsBefore;
    private List<String> aliases;
    private boolean guestsAllowed;

    GraphSync(KeycloakSessionFactory sessionFactory, String realmId, UserStorageProviderModel model, GraphClient client) {
        this.sessionFactory = sessionFactory;
        this.realmId = realmId;
        this.model = model;
        this.config = new GraphDirectoryConfig(model);
        this.client = client;
        this.name = LogSafe.of(model.getName());
        this.requestsBefore = client.graphRequests();
    }

    /** What the chosen groups hold now: name, transitive user members, nested groups. */
    record GroupRead(String name, Set<String> members, Set<String> nested) {
    }

    // ---- full sync ---------------------------------------------------------------------------------------------

    SynchronizationResult full() {
        readRealmRules();
        List<ProviderUsers.Row> before = inTransaction(session -> ProviderUsers.of(session, realm(session), model.getId()));
        Map<String, String> known = new java.util.concurrent.ConcurrentHashMap<>();
        before.stream().filter(row -> row.objectId() != null).forEach(row -> known.put(row.objectId(), row.userId()));
        String usersLink = latest("/v1.0/users/delta?$select=" + GraphUser.SELECT + ",manager&$deltatoken=latest");
        String groupsLink = config.groups().isEmpty() ? null
                : latest("/v1.0/groups/delta?$select=displayName,members&$deltatoken=latest");
        Map<String, GroupRead> groups = readGroups(config.groups());
        boolean groupsComplete = groups.size() == config.groups().size();
        Map<String, Set<String>> membership = membersByUser(groups);
        Map<String, String> groupNames = names(groups);
        Map<String, String> usernames = new HashMap<>();
        Map<String, String> managerOf = new HashMap<>();
        Set<String> listed = new HashSet<>();
        Set<String> unsettled = new HashSet<>();
        int max = config.maxUsersPerSync();
        String link = "/v1.0/users?$select=" + GraphUser.SELECT + "&$expand=" + encode("manager($select=id)")
                + "&$top=" + config.pageSize();
        int seen = 0;
        while (link != null) {
            GraphPage page = client.page(link);
            List<Pending> batch = new ArrayList<>();
            for (JsonNode item : page.items()) {
                GraphUser user = GraphUser.of(item);
                if (++seen > max) {
                    LOG.errorf("Provider '%s': Entra listed more than %d users; sync stopped, nobody was removed", name, max);
                    result.increaseFailed();
                    return result;
                }
                if (!inScope(user, membership, groupsComplete)) {
                    continue;
                }
                listed.add(user.id());
                if (user.username() != null) {
                    usernames.put(user.id(), user.username());
                }
                String manager = user.get(Field.MANAGER);
                if (manager != null) {
                    managerOf.put(user.id(), manager);
                }
                Set<String> groupIds = groupsComplete ? membership.getOrDefault(user.id(), Set.of()) : null;
                batch.add(new Pending(user, groupIds));
            }
            for (int from = 0; from < batch.size(); from += IMPORT_TRANSACTION_SIZE) {
                importBatch(batch.subList(from, Math.min(batch.size(), from + IMPORT_TRANSACTION_SIZE)), usernames::get,
                        groupNames, unsettled, known);
            }
            link = page.nextLink();
        }
        settleManagers(managerOf, usernames, unsettled, known);
        if (groupsComplete && (!config.onlyGroupMembers() || !listed.isEmpty())) {
            removeThoseWhoLeft(listed, membership, before);
        } else if (!groupsComplete) {
            warn("a chosen group could not be read, so nobody is removed and no membership is changed by this sync");
        }
        deleteThoseToldAlready(before);
        save(new DeltaState(config.selection(guestsAllowed), usersLink, groupsLink, groupNames, nested(groups)));
        LOG.infof("Provider '%s': full sync of %d Entra users with %d Graph requests: %s", name, listed.size(),
                client.graphRequests() - requestsBefore, result.getStatus());
        return result;
    }

    // ---- changed sync ------------------------------------------------------------------------------------------

    SynchronizationResult changed() {
        long started = System.nanoTime();
        DeltaState state = inTransaction(session -> {
            readRealmRules(session);
            return DeltaState.load(session, model.getId());
        });
        if (state == null || !config.selection(guestsAllowed).equals(state.selection())) {
            LOG.infof("Provider '%s': %s; this changed-users sync reads everything", name, state == null
                    ? "no delta link is stored yet" : "the provider's selection changed since the last sync");
            return full();
        }
        Map<String, GraphUser> changes = new LinkedHashMap<>();
        Set<String> changedGroups = new HashSet<>();
        String usersLink;
        String groupsLink = state.groups();
        try {
            usersLink = readDelta(state.users(), item -> {
                GraphUser user = GraphUser.of(item);
                changes.merge(user.id(), user, GraphUser::with);
            });
            if (groupsLink != null) {
                groupsLink = readDelta(groupsLink, item -> {
                    JsonNode id = item.get("id");
                    if (id == null || !id.isTextual()) {
                        throw new GraphException(GraphException.Kind.MALFORMED, "Graph's group delta holds an item without an id");
                    }
                    changedGroups.add(id.asText().toLowerCase(java.util.Locale.ROOT));
                });
            }
        } catch (GraphException e) {
            if (e.kind() == GraphException.Kind.RESYNC_REQUIRED || e.kind() == GraphException.Kind.MALFORMED) {
                LOG.warnf("Provider '%s': %s; the stored delta links are dropped and everything is read again", name,
                        LogSafe.of(e.getMessage()));
                inTransaction(session -> {
                    DeltaState.forget(session, model.getId());
                    return null;
                });
                return full();
            }
            throw e;
        }
        Set<String> affected = new LinkedHashSet<>();
        for (String group : config.groups()) {
            Set<String> inside = state.nested() == null ? Set.of() : state.nested().getOrDefault(group, Set.of());
            if (changedGroups.contains(group) || inside.stream().anyMatch(changedGroups::contains)) {
                affected.add(group);
            }
        }
        Map<String, GroupRead> groups = readGroups(affected);
        long read = System.nanoTime();
        if (groups.size() < affected.size()) {
            // Without a complete member list a leaver cannot be told from a failed read: try again next time.
            warn("a changed group could not be read; its memberships are read again by the next sync");
            groupsLink = state.groups();
            affected.retainAll(groups.keySet());
        }
        applyChanges(changes, groups, state);
        long applied = System.nanoTime();
        deleteThoseToldAlready(null);
        save(state.with(usersLink, groupsLink, names(groups), nested(groups)));
        long done = System.nanoTime();
        LOG.infof("Provider '%s': changed-users sync, %d changed users and %d changed groups read with %d Graph "
                + "requests in %d ms, applied in %d ms, state kept in %d ms: %s", name, changes.size(),
                changedGroups.size(), client.graphRequests() - requestsBefore, (read - started) / 1_000_000,
                (applied - read) / 1_000_000, (done - applied) / 1_000_000, result.getStatus());
        return result;
    }

    private void applyChanges(Map<String, GraphUser> changes, Map<String, GroupRead> groups, DeltaState state) {
        Map<String, Set<String>> membership = membersByUser(groups);
        Map<String, String> names = new HashMap<>(state.names() == null ? Map.of() : state.names());
        groups.forEach((id, read) -> names.put(id, read.name()));
        List<String> ids = new ArrayList<>(changes.keySet());
        // Users whose membership of a re-read group changed, though Graph's user delta did not name them.
        Map<String, Set<String>> recorded = groups.isEmpty() ? Map.of() : inTransaction(session -> {
            Map<String, Set<String>> byUser = new HashMap<>();
            UserProvider local = UserStoragePrivateUtil.userLocalStorage(session);
            RealmModel realm = realm(session);
            for (String group : groups.keySet()) {
                local.searchForUserByUserAttributeStream(realm, ClaromentisProfile.DIRECTORY_GROUPS, group)
                        .filter(u -> model.getId().equals(u.getFederationLink()))
                        .forEach(u -> byUser.computeIfAbsent(u.getFirstAttribute(EntraUserImport.OBJECT_ID),
                                k -> new HashSet<>()).add(group));
            }
            return byUser;
        });
        Set<String> touched = new LinkedHashSet<>(membership.keySet());
        touched.addAll(recorded.keySet());
        touched.remove(null);
        for (String id : touched) {
            if (!changes.containsKey(id)) {
                ids.add(id);
            }
        }
        // Mostly updates, which flush only at commit: larger transactions than an import's.
        for (int from = 0; from < ids.size(); from += TRANSACTION_SIZE) {
            List<String> slice = ids.subList(from, Math.min(ids.size(), from + TRANSACTION_SIZE));
            try {
                applySlice(slice, changes, membership, recorded, groups.keySet(), names, true);
            } catch (RuntimeException sliceFailure) {
                // Two changes that clash only at commit (one email moving between people) must not stop the rest.
                LOG.warnf("Provider '%s': %d changes failed together (%s); applying them one by one", name, slice.size(),
                        LogSafe.of(sliceFailure.getMessage()));
                for (String id : slice) {
                    try {
                        applySlice(List.of(id), changes, membership, recorded, groups.keySet(), names, false);
                    } catch (GraphException e) {
                        throw e;
                    } catch (RuntimeException userFailure) {
                        result.increaseFailed();
                        warn("Entra user " + id + " not updated: " + LogSafe.of(userFailure.getMessage()));
                    }
                }
            }
        }
    }

    private void applySlice(List<String> slice, Map<String, GraphUser> changes, Map<String, Set<String>> membership,
                            Map<String, Set<String>> recorded, Set<String> reread, Map<String, String> names,
                            boolean commitFlushOnly) {
        SynchronizationResult counts = new SynchronizationResult();
        inTransaction(session -> {
            RealmModel realm = realm(session);
            if (commitFlushOnly) {
                flushAtCommitOnly(session);
            }
            // One query for the people of this slice and their managers, instead of a search per person.
            Set<String> wanted = new HashSet<>(slice);
            slice.stream().map(changes::get).filter(c -> c != null && c.get(Field.MANAGER) != null)
                    .forEach(c -> wanted.add(c.get(Field.MANAGER)));
            EntraUserImport importer = importer(session, realm, names)
                    .knowing(ProviderUsers.byObjectIds(session, realm, model.getId(), wanted), wanted);
            long now = Time.currentTimeMillis();
            for (String id : slice) {
                applyChange(session, realm, importer, id, changes, membership, recorded, reread, now, counts);
            }
            return null;
        });
        result.add(counts);
    }

    private void applyChange(KeycloakSession session, RealmModel realm, EntraUserImport importer, String id,
                             Map<String, GraphUser> changes, Map<String, Set<String>> membership,
                             Map<String, Set<String>> recorded, Set<String> reread, long now,
                             SynchronizationResult counts) {
        UserModel existing = importer.byObjectId(id);
        GraphUser change = changes.get(id);
        GraphUser person = change;
        if (change != null && change.removed()) {
            // Graph also reports users who merely left the delta's scope: only a read of their own object confirms it.
            person = fetch(id);
            if (person == null) {
                if (existing != null) {
                    count(importer.remove(existing, now), counts);
                    LOG.infof("Provider '%s': '%s' was deleted in Entra; disabled, and deactivated in Claromentis", name,
                            LogSafe.of(existing.getUsername()));
                }
                return;
            }
        } else if (existing == null && (change == null || !change.has(Field.USERNAME))) {
            // New to this provider (e.g. just joined a chosen group): the delta says too little, read them whole.
            person = fetch(id);
            if (person == null) {
                return;
            }
        }
        Set<String> groupIds = null;
        if (!reread.isEmpty() && (membership.containsKey(id) || recorded.containsKey(id) || existing == null)) {
            Set<String> groupsNow = new TreeSet<>(existing == null ? List.of()
                    : existing.getAttributeStream(ClaromentisProfile.DIRECTORY_GROUPS).toList());
            groupsNow.removeAll(reread);
            groupsNow.addAll(membership.getOrDefault(id, Set.of()));
            groupIds = groupsNow;
        }
        boolean member = !config.onlyGroupMembers() || (groupIds != null ? !groupIds.isEmpty()
                : existing != null && existing.getFirstAttribute(ClaromentisProfile.DIRECTORY_GROUPS) != null);
        boolean guestOut = person != null && person.guest() && !guestsAllowed;
        if (!member || guestOut) {
            if (existing != null) {
                if (groupIds != null) {
                    importer.memberships(existing, groupIds);
                }
                if (importer.remove(existing, now).kind() == EntraUserImport.Kind.REMOVED) {
                    counts.increaseRemoved();
                    LOG.infof("Provider '%s': '%s' %s; disabled, and deactivated in Claromentis", name,
                            LogSafe.of(existing.getUsername()), guestOut ? "is a guest of the tenant now"
                                    : "is no longer in any of the chosen groups");
                }
            }
            return;
        }
        if (person == null) {
            // Only their membership of a chosen group changed.
            if (existing != null && groupIds != null && importer.memberships(existing, groupIds)) {
                ProvisioningQueue queue = session.getProvider(ProvisioningQueue.class);
                if (queue != null) {
                    queue.signedIn(realm, existing);
                }
                counts.increaseUpdated();
            }
            return;
        }
        GraphUser checked = selfManaged(person, id);
        count(importer.apply(checked, groupIds, existing,
                manager -> managerName(session, realm, importer, existing, id, manager, changes)), counts);
    }

    /** The user as Graph has them now, or a removed marker when Graph no longer has them. */
    private GraphUser fetch(String id) {
        try {
            JsonNode item = client.object("/v1.0/users/" + id + "?$select=" + GraphUser.SELECT + "&$expand="
                    + encode("manager($select=id)"));
            return GraphUser.of(item);
        } catch (GraphException e) {
            if (e.kind() == GraphException.Kind.NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    /**
     * The manager's username for a changed sync: a synced user's, checked not to close a loop; null when the
     * manager is not a user of this provider, with one warning naming the person.
     */
    private String managerName(KeycloakSession session, RealmModel realm, EntraUserImport importer, UserModel person,
                               String personId, String managerId, Map<String, GraphUser> changes) {
        String username = managerNames.computeIfAbsent(managerId, id -> {
            UserModel manager = importer.byObjectId(id);
            return manager != null ? manager.getUsername()
                    : changes.containsKey(id) && changes.get(id).username() != null ? changes.get(id).username() : "";
        });
        String who = person != null ? person.getUsername() : personId;
        if (username.isEmpty()) {
            warn("the manager of '" + LogSafe.of(who) + "' is not a user this provider syncs; their manager is cleared");
            return EntraUserImport.REFUSED;
        }
        if (person != null && username.equals(person.getFirstAttribute(ClaromentisProfile.MANAGER))) {
            // The link Claromentis already has: no new loop can come of it.
            return username;
        }
        // Walk up from the manager: reaching the person again means the new link closes a loop.
        String current = username;
        UserProvider local = UserStoragePrivateUtil.userLocalStorage(session);
        for (int step = 0; step < MAX_CHAIN && current != null; step++) {
            if (current.equalsIgnoreCase(who)) {
                warn("the manager chain of '" + LogSafe.of(who) + "' leads back to them; their manager is cleared");
                return EntraUserImport.REFUSED;
            }
            UserModel next = local.getUserByUsername(realm, current);
            current = next == null ? null : next.getFirstAttribute(ClaromentisProfile.MANAGER);
        }
        return username;
    }

    private GraphUser selfManaged(GraphUser person, String id) {
        if (id.equals(person.get(Field.MANAGER))) {
            warn("Entra names '" + LogSafe.of(person.username() == null ? id : person.username())
                    + "' as their own manager; their manager is cleared");
            return person.withoutManager();
        }
        return person;
    }

    // ---- pieces shared by both syncs ---------------------------------------------------------------------------

    private record Pending(GraphUser user, Set<String> groupIds) {
    }

    private void importBatch(List<Pending> batch, Function<String, String> managers, Map<String, String> names,
                             Set<String> unsettled, Map<String, String> known) {
        if (batch.isEmpty()) {
            return;
        }
        try {
            unsettled.addAll(importAll(batch, managers, names, true, known));
        } catch (RuntimeException batchFailure) {
            // One bad user must not cost the batch (two people with one email fail only at commit): one by one.
            LOG.warnf("Provider '%s': a batch of %d users failed (%s); importing them one by one", name, batch.size(),
                    LogSafe.of(batchFailure.getMessage()));
            for (Pending pending : batch) {
                try {
                    unsettled.addAll(importAll(List.of(pending), managers, names, false, known));
                } catch (RuntimeException userFailure) {
                    result.increaseFailed();
                    warn("'" + LogSafe.of(pending.user().username()) + "' not imported: " + LogSafe.of(userFailure.getMessage()));
                }
            }
        }
    }

    /** Imports the users in one transaction; returns those whose manager is left for the end of the sync. */
    private Set<String> importAll(List<Pending> batch, Function<String, String> managers, Map<String, String> names,
                                  boolean commitFlushOnly, Map<String, String> known) {
        SynchronizationResult counts = new SynchronizationResult();
        Set<String> settle = inTransaction(session -> {
            RealmModel realm = realm(session);
            if (commitFlushOnly) {
                flushAtCommitOnly(session);
            }
            ProviderUsers.preload(session, batch.stream().map(pending -> known.get(pending.user().id()))
                    .filter(java.util.Objects::nonNull).toList());
            EntraUserImport importer = importer(session, realm, names).knowing(known);
            Set<String> later = new HashSet<>();
            for (Pending pending : batch) {
                GraphUser user = selfManaged(pending.user(), pending.user().id());
                EntraUserImport.Outcome outcome = importer.apply(user, pending.groupIds(), id -> {
                    String listed = managers.apply(id);
                    if (listed != null) {
                        return listed;
                    }
                    UserModel manager = importer.byObjectId(id);
                    // Not listed yet in this sync: settled once the listing is over.
                    return manager == null ? EntraUserImport.UNKNOWN_YET : manager.getUsername();
                });
                count(outcome, counts);
                if (outcome.settle()) {
                    later.add(user.id());
                }
            }
            return later;
        });
        result.add(counts);
        return settle;
    }

    /**
     * Managers listed after the people they manage, managers outside the synced set and loops in the chain: settled
     * once the whole listing is known, each with one warning naming the person.
     */
    private void settleManagers(Map<String, String> managerOf, Map<String, String> usernames, Set<String> unsettled,
                                Map<String, String> known) {
        Map<String, String> wanted = new HashMap<>();
        for (Map.Entry<String, String> entry : managerOf.entrySet()) {
            String person = entry.getKey();
            String manager = entry.getValue();
            String who = usernames.getOrDefault(person, person);
            if (manager.equals(person)) {
                continue;
            }
            if (!usernames.containsKey(manager)) {
                warn("the manager of '" + LogSafe.of(who) + "' is not a user this provider syncs; their manager is cleared");
                wanted.put(person, EntraUserImport.REFUSED);
            } else if (inLoop(person, managerOf)) {
                warn("the manager chain of '" + LogSafe.of(who) + "' leads back to them; their manager is cleared");
                wanted.put(person, EntraUserImport.REFUSED);
            } else if (unsettled.contains(person)) {
                wanted.put(person, usernames.get(manager));
            }
        }
        List<String> ids = new ArrayList<>(wanted.keySet());
        for (int from = 0; from < ids.size(); from += TRANSACTION_SIZE) {
            List<String> slice = ids.subList(from, Math.min(ids.size(), from + TRANSACTION_SIZE));
            inTransaction(session -> {
                RealmModel realm = realm(session);
                ProvisioningQueue queue = session.getProvider(ProvisioningQueue.class);
                if (queue != null) {
                    queue.bulkImport(realm);
                }
                EntraUserImport importer = importer(session, realm, Map.of()).knowing(known);
                for (String id : slice) {
                    UserModel user = importer.byObjectId(id);
                    if (user != null && EntraUserImport.link(user, managerOf.get(id), wanted.get(id)) && queue != null) {
                        queue.signedIn(realm, user);
                    }
                }
                return null;
            });
        }
    }

    private static boolean inLoop(String person, Map<String, String> managerOf) {
        Set<String> seen = new HashSet<>();
        String current = managerOf.get(person);
        while (current != null && seen.add(current) && seen.size() <= MAX_CHAIN) {
            if (current.equals(person)) {
                return true;
            }
            current = managerOf.get(current);
        }
        return false;
    }

    private boolean inScope(GraphUser user, Map<String, Set<String>> membership, boolean groupsComplete) {
        if (user.guest() && !guestsAllowed) {
            return false;
        }
        return !config.onlyGroupMembers() || !groupsComplete || membership.containsKey(user.id());
    }

    /**
     * Disables (and later deletes) the provider's users missing from a complete listing, each confirmed by a read of
     * their own object; nobody when the listing was empty or too many are missing ({@link RemovalPlan}).
     */
    private void removeThoseWhoLeft(Set<String> listed, Map<String, Set<String>> membership, List<ProviderUsers.Row> rows) {
        List<Known> known = rows.stream().filter(row -> !row.removed())
                .map(row -> new Known(row.userId(), row.username(), row.objectId(), true)).toList();
        if (known.isEmpty()) {
            return;
        }
        Decision decision = RemovalPlan.decide(listed, known, id -> lookup(id, membership), config.maxRemovalPercent(),
                "the provider (" + GraphDirectoryConfig.label(GraphDirectoryConfig.MAX_REMOVAL_PERCENT) + ")");
        if (decision.refusal() != null) {
            warn(decision.refusal());
            result.increaseFailed();
            return;
        }
        if (decision.unconfirmed() > 0) {
            warn(decision.unconfirmed() + " users missing from Entra's listing could not be looked up; they are left as "
                    + "they are until a sync can confirm it");
            result.setFailed(result.getFailed() + decision.unconfirmed());
        }
        List<Known> removed = decision.removed();
        for (int from = 0; from < removed.size(); from += TRANSACTION_SIZE) {
            List<Known> slice = removed.subList(from, Math.min(removed.size(), from + TRANSACTION_SIZE));
            inTransaction(session -> {
                RealmModel realm = realm(session);
                EntraUserImport importer = importer(session, realm, Map.of());
                long now = Time.currentTimeMillis();
                for (Known gone : slice) {
                    UserModel user = UserStoragePrivateUtil.userLocalStorage(session).getUserById(realm, gone.id());
                    if (user != null && importer.remove(user, now).kind() == EntraUserImport.Kind.REMOVED) {
                        result.increaseRemoved();
                        LOG.infof("Provider '%s': '%s' is no longer in Entra (or in the chosen groups); disabled, and "
                                + "deactivated in Claromentis", name, LogSafe.of(gone.username()));
                    }
                }
                return null;
            });
        }
    }

    private Lookup lookup(String id, Map<String, Set<String>> membership) {
        try {
            GraphUser user = fetch(id);
            if (user == null || (user.guest() && !guestsAllowed)) {
                return Lookup.GONE;
            }
            return config.onlyGroupMembers() && !membership.containsKey(id) ? Lookup.GONE : Lookup.PRESENT;
        } catch (GraphException e) {
            LOG.debugf("Provider '%s': the read of user %s failed: %s", name, id, LogSafe.of(e.getMessage()));
            return Lookup.UNANSWERED;
        }
    }

    /** Deletes the users an earlier sync disabled as gone, once Claromentis has been told (nothing pending). */
    private void deleteThoseToldAlready(List<ProviderUsers.Row> rows) {
        if (config.removal() != GraphDirectoryConfig.Removal.DELETE) {
            return;
        }
        inTransaction(session -> {
            RealmModel realm = realm(session);
            UserProvider local = UserStoragePrivateUtil.userLocalStorage(session);
            ProvisioningQueue queue = session.getProvider(ProvisioningQueue.class);
            UserManager manager = new UserManager(session);
            List<ProviderUsers.Row> all = rows != null ? rows : ProviderUsers.of(session, realm, model.getId());
            for (ProviderUsers.Row row : all) {
                if (!row.removed() || (queue != null && queue.pending(realm, row.userId()))) {
                    continue;
                }
                UserModel user = local.getUserById(realm, row.userId());
                if (user != null && manager.removeUser(realm, user, local)) {
                    result.increaseRemoved();
                    LOG.infof("Provider '%s': '%s', gone from Entra since an earlier sync, is deleted", name,
                            LogSafe.of(row.username()));
                }
            }
            return null;
        });
    }

    /** Reads the chosen groups; a group that cannot be read is left out, with a warning. */
    private Map<String, GroupRead> readGroups(Set<String> ids) {
        Map<String, GroupRead> groups = new LinkedHashMap<>();
        for (String id : ids) {
            try {
                JsonNode group = client.object("/v1.0/groups/" + id + "?$select=id,displayName");
                String displayName = group.path("displayName").isTextual() ? group.path("displayName").asText() : id;
                if (displayName.length() > GraphUser.MAX_LENGTH || LogSafe.hasControlCharacters(displayName)) {
                    displayName = id;
                }
                Set<String> members = ids(collect("/v1.0/groups/" + id + "/transitiveMembers/microsoft.graph.user?$select=id&$top=999"));
                Set<String> nested = ids(collect("/v1.0/groups/" + id + "/transitiveMembers/microsoft.graph.group?$select=id&$top=999"));
                groups.put(id, new GroupRead(displayName, members, nested));
            } catch (GraphException e) {
                warn("the Entra group " + id + " could not be read (" + LogSafe.of(e.getMessage()) + ")");
            }
        }
        return groups;
    }

    private List<JsonNode> collect(String link) {
        List<JsonNode> items = new ArrayList<>();
        String next = link;
        while (next != null) {
            GraphPage page = client.page(next);
            items.addAll(page.items());
            next = page.nextLink();
        }
        return items;
    }

    private static Set<String> ids(List<JsonNode> items) {
        Set<String> ids = new HashSet<>();
        for (JsonNode item : items) {
            JsonNode id = item.get("id");
            if (id == null || !id.isTextual() || !com.claromentis.keycloak.tenant.EntraTenants.isGuid(
                    id.asText().toLowerCase(java.util.Locale.ROOT))) {
                throw new GraphException(GraphException.Kind.MALFORMED, "Graph listed a group member without an object ID");
            }
            ids.add(id.asText().toLowerCase(java.util.Locale.ROOT));
        }
        return ids;
    }

    private static Map<String, Set<String>> membersByUser(Map<String, GroupRead> groups) {
        Map<String, Set<String>> byUser = new HashMap<>();
        groups.forEach((group, read) -> read.members().forEach(user ->
                byUser.computeIfAbsent(user, k -> new TreeSet<>()).add(group)));
        return byUser;
    }

    private static Map<String, String> names(Map<String, GroupRead> groups) {
        Map<String, String> names = new LinkedHashMap<>();
        groups.forEach((id, read) -> names.put(id, read.name()));
        return names;
    }

    private static Map<String, Set<String>> nested(Map<String, GroupRead> groups) {
        Map<String, Set<String>> nested = new LinkedHashMap<>();
        groups.forEach((id, read) -> nested.put(id, read.nested()));
        return nested;
    }

    /** Follows a delta round to its end; returns the new delta link. */
    private String readDelta(String link, java.util.function.Consumer<JsonNode> each) {
        String next = link;
        while (true) {
            GraphPage page = client.page(next);
            page.items().forEach(each);
            if (page.deltaLink() != null) {
                return page.deltaLink();
            }
            if (page.nextLink() == null) {
                throw new GraphException(GraphException.Kind.MALFORMED, "Graph ended a delta round without a delta link");
            }
            next = page.nextLink();
        }
    }

    /** A delta link for "from now on", without reading what there is. */
    private String latest(String path) {
        return readDelta(path, item -> { });
    }

    private void readRealmRules() {
        inTransaction(session -> {
            readRealmRules(session);
            return null;
        });
    }

    private void readRealmRules(KeycloakSession session) {
        realm(session);
        guestsAllowed = EntraRealmTenant.guestsAllowed(session);
        aliases = EntraRealmTenant.signInProviders(session)
                .filter(p -> EntraRealmTenant.ENTRA_ID_PROVIDER.equals(p.getProviderId()))
                .map(IdentityProviderModel::getAlias).toList();
    }

    private EntraUserImport importer(KeycloakSession session, RealmModel realm, Map<String, String> names) {
        EntraGroups groups = new EntraGroups(session, realm, model.getId(), model.getName(), names, settledGroups,
                this::warn);
        return new EntraUserImport(session, realm, model.getId(), aliases, groups);
    }

    private void count(EntraUserImport.Outcome outcome, SynchronizationResult counts) {
        switch (outcome.kind()) {
            case ADDED -> counts.increaseAdded();
            case UPDATED -> counts.increaseUpdated();
            case REMOVED -> counts.increaseRemoved();
            case UNCHANGED -> { }
            case FAILED -> {
                counts.increaseFailed();
                warn(outcome.reason());
            }
        }
    }

    private void save(DeltaState state) {
        inTransaction(session -> {
            // Unchanged (a delta round that found nothing): nothing to write.
            if (!state.equals(DeltaState.load(session, model.getId()))) {
                state.save(session, model.getId());
            }
            return null;
        });
    }

    private void warn(String text) {
        if (warned.add(text)) {
            LOG.warnf("Provider '%s': %s", name, text);
        }
    }

    private <T> T inTransaction(java.util.function.Function<KeycloakSession, T> job) {
        return KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory, job::apply);
    }

    private RealmModel realm(KeycloakSession session) {
        RealmModel realm = session.realms().getRealm(realmId);
        if (realm == null) {
            throw new IllegalStateException("Realm " + realmId + " no longer exists");
        }
        session.getContext().setRealm(realm);
        return realm;
    }

    /** Each batch reads every user once before writing, so Hibernate need not flush before each query. */
    private static void flushAtCommitOnly(KeycloakSession session) {
        JpaConnectionProvider jpa = session.getProvider(JpaConnectionProvider.class);
        if (jpa != null) {
            jpa.getEntityManager().setFlushMode(FlushModeType.COMMIT);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
