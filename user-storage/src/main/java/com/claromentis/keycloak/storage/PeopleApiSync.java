package com.claromentis.keycloak.storage;

import com.claromentis.keycloak.profile.ClaromentisUserMapper;
import com.claromentis.keycloak.peopleapi.ClaromentisGroup;
import com.claromentis.keycloak.peopleapi.ClaromentisUser;
import com.claromentis.keycloak.peopleapi.GroupOperations;
import com.claromentis.keycloak.peopleapi.PeopleApiClient;
import com.claromentis.keycloak.peopleapi.UserQuery;
import com.claromentis.keycloak.peopleapi.error.PeopleApiException;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Full and changed synchronisation of People API users into Keycloak, page by page, one transaction per page so
 * a large directory neither holds one huge transaction nor loses the pages already done when one fails.
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

    PeopleApiSync(KeycloakSessionFactory sessionFactory, String realmId, UserStorageProviderModel model,
                  PeopleApiClient client, Freshness freshness) {
        this.sessionFactory = sessionFactory;
        this.realmId = realmId;
        this.model = model;
        this.config = new PeopleApiStorageConfig(model);
        this.client = client;
        this.freshness = freshness;
    }

    /** Imports every Claromentis user, then removes or disables the imported users Claromentis no longer has. */
    SynchronizationResult full() {
        List<ClaromentisUser> users = client.listAllUsers(UserQuery.all().withLimit(PAGE_SIZE));
        Map<Long, List<ClaromentisGroup>> groups = config.syncGroups() ? memberships(client.groups()) : Map.of();
        Map<Long, List<ClaromentisGroup>> roles = config.syncRoles() ? memberships(client.roles()) : Map.of();
        Map<Long, String> usernames = new HashMap<>();
        users.forEach(user -> usernames.put(user.id(), user.username()));

        SynchronizationResult result = new SynchronizationResult();
        for (int from = 0; from < users.size(); from += TRANSACTION_SIZE) {
            List<ClaromentisUser> page = new ArrayList<>();
            for (ClaromentisUser user : users.subList(from, Math.min(users.size(), from + TRANSACTION_SIZE))) {
                page.add(user.toBuilder()
                        .managerUsername(user.managerId() == null ? null : usernames.get(user.managerId()))
                        .groups(groups.getOrDefault(user.id(), List.of()))
                        .roles(roles.getOrDefault(user.id(), List.of()))
                        .build());
            }
            importPage(page, result);
        }
        Set<String> present = new HashSet<>();
        users.forEach(user -> present.add(user.username().toLowerCase(Locale.ROOT)));
        removeMissing(present, result);
        LOG.infof("Provider '%s': full sync of %d Claromentis users: %s", model.getName(), users.size(), result.getStatus());
        return result;
    }

    /** Imports the users Claromentis changed since {@code since}; deletions are found only by a full sync. */
    SynchronizationResult changedSince(Instant since) {
        SynchronizationResult result = new SynchronizationResult();
        List<ClaromentisUser> page = new ArrayList<>();
        // Keycloak records the end of the previous sync as its time, and Claromentis compares with its own clock:
        // asking for a little more than that catches changes made during that sync and a skew between the clocks.
        // Re-importing an unchanged user changes nothing.
        Instant from = since.minus(CHANGED_SYNC_OVERLAP);
        for (ClaromentisUser user : (Iterable<ClaromentisUser>) client.streamUsersModifiedSince(from)::iterator) {
            page.add(client.withDetails(user));
            if (page.size() == TRANSACTION_SIZE) {
                importPage(page, result);
                page = new ArrayList<>();
            }
        }
        importPage(page, result);
        LOG.infof("Provider '%s': changed-users sync since %s: %s", model.getName(), since, result.getStatus());
        return result;
    }

    private void importPage(List<ClaromentisUser> page, SynchronizationResult result) {
        if (page.isEmpty()) {
            return;
        }
        try {
            SynchronizationResult pageResult = KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory, session -> {
                SynchronizationResult counts = new SynchronizationResult();
                RealmModel realm = realmOf(session);
                flushAtCommitOnly(session);
                MembershipMapper memberships = new MembershipMapper(session, realm, model.getId());
                for (ClaromentisUser user : page) {
                    importOne(session, realm, memberships, user, counts);
                }
                return counts;
            });
            result.add(pageResult);
        } catch (RuntimeException pageFailure) {
            // One bad user must not cost the whole page: redo it one user per transaction to isolate the culprit.
            LOG.warnf("Provider '%s': a page of %d users failed (%s); retrying them one by one",
                    model.getName(), page.size(), pageFailure.getMessage());
            for (ClaromentisUser user : page) {
                try {
                    result.add(KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory, session -> {
                        SynchronizationResult counts = new SynchronizationResult();
                        RealmModel realm = realmOf(session);
                        importOne(session, realm, new MembershipMapper(session, realm, model.getId()), user, counts);
                        return counts;
                    }));
                } catch (RuntimeException userFailure) {
                    LOG.warnf("Provider '%s': could not import '%s': %s", model.getName(), user.username(), userFailure.getMessage());
                    result.increaseFailed();
                }
            }
        }
    }

    private void importOne(KeycloakSession session, RealmModel realm, MembershipMapper memberships, ClaromentisUser user,
                           SynchronizationResult counts) {
        var local = UserStoragePrivateUtil.userLocalStorage(session);
        UserModel existing = local.getUserByUsername(realm, user.username());
        UserModel target;
        boolean changed;
        if (existing == null) {
            target = local.addUser(realm, user.username());
            target.setFederationLink(model.getId());
            changed = true;
        } else if (!model.getId().equals(existing.getFederationLink())) {
            LOG.warnf("Provider '%s': Keycloak already has a user '%s' that it does not manage; skipped",
                    model.getName(), user.username());
            counts.increaseFailed();
            return;
        } else {
            target = existing;
            changed = false;
        }
        changed |= ClaromentisUserMapper.apply(user, target);
        if (config.syncGroups()) {
            changed |= memberships.syncGroups(target, user.groups(), existing == null);
        }
        if (config.syncRoles()) {
            changed |= memberships.syncRoles(target, user.roles(), existing == null);
        }
        freshness.touch(model.getId(), target.getId());
        if (existing == null) {
            counts.increaseAdded();
        } else if (changed) {
            counts.increaseUpdated();
        }
    }

    private void removeMissing(Set<String> present, SynchronizationResult result) {
        List<Imported> missing = KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory, session ->
                UserStoragePrivateUtil.userLocalStorage(session)
                        .searchForUserStream(realmOf(session), Map.of(UserModel.INCLUDE_SERVICE_ACCOUNT, "false"))
                        .filter(user -> model.getId().equals(user.getFederationLink()))
                        .filter(user -> !present.contains(user.getUsername().toLowerCase(Locale.ROOT)))
                        .map(user -> new Imported(user.getId(), user.getUsername(), ClaromentisUserMapper.claromentisId(user)))
                        .toList());
        if (missing.isEmpty()) {
            return;
        }
        if (present.isEmpty()) {
            // An empty answer is far likelier a misconfiguration (wrong field names, a filtered API user) than
            // a company with no staff: never wipe every user on its word.
            LOG.warnf("Provider '%s': Claromentis listed no users; keeping the %d imported users instead of removing them",
                    model.getName(), missing.size());
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
                            model.getName(), user.username());
                }
            } catch (PeopleApiException e) {
                LOG.warnf("Provider '%s': could not confirm that '%s' was deleted in Claromentis (%s); kept",
                        model.getName(), user.username(), e.getMessage());
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
                LOG.infof("Provider '%s': '%s' no longer exists in Claromentis; %s", model.getName(), entry.username(),
                        config.deletedUsers() == PeopleApiStorageConfig.DeletedUsers.DISABLE ? "disabled" : "removed");
            }
        });
    }

    private boolean confirmedGone(Imported user) {
        Optional<ClaromentisUser> found = user.claromentisId() != null
                ? client.getUser(user.claromentisId())
                : client.findUserByUsername(user.username());
        return found.isEmpty() || !found.get().username().equalsIgnoreCase(user.username());
    }

    private record Imported(String keycloakId, String username, Long claromentisId) {
    }

    /**
     * By default every query makes Hibernate flush and dirty-check the whole transaction first, so importing n
     * users costs n squared; a sync batch reads each user once and caches the groups it creates, so nothing it
     * queries depends on its own unflushed writes.
     */
    private static void flushAtCommitOnly(KeycloakSession session) {
        JpaConnectionProvider jpa = session.getProvider(JpaConnectionProvider.class);
        if (jpa != null) {
            jpa.getEntityManager().setFlushMode(FlushModeType.COMMIT);
        }
    }

    private static Map<Long, List<ClaromentisGroup>> memberships(GroupOperations operations) {
        Map<Long, List<ClaromentisGroup>> byUser = new HashMap<>();
        for (ClaromentisGroup group : operations.listAll()) {
            for (ClaromentisUser member : operations.members(group.id())) {
                byUser.computeIfAbsent(member.id(), id -> new ArrayList<>()).add(group);
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
