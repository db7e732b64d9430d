package com.claromentis.keycloak.outbox;

import com.claromentis.keycloak.common.LogSafe;
import com.claromentis.keycloak.outbox.ClaromentisLink.Absent;
import com.claromentis.keycloak.outbox.ClaromentisLink.Keys;
import com.claromentis.keycloak.outbox.ClaromentisLink.Linked;
import com.claromentis.keycloak.outbox.ClaromentisLink.Match;
import com.claromentis.keycloak.outbox.ClaromentisLink.Unlinked;
import com.claromentis.keycloak.outbox.OutboxStore.Claimed;
import com.claromentis.keycloak.peopleapi.ClaromentisGroup;
import com.claromentis.keycloak.peopleapi.ClaromentisUser;
import com.claromentis.keycloak.peopleapi.GroupOperations;
import com.claromentis.keycloak.peopleapi.PeopleApiClient;
import com.claromentis.keycloak.peopleapi.error.PeopleApiException;
import com.claromentis.keycloak.peopleapi.error.RateLimitedException;
import com.claromentis.keycloak.peopleapi.error.UnavailableException;
import com.claromentis.keycloak.profile.ClaromentisProfile;
import com.claromentis.keycloak.profile.ClaromentisUserMapper;
import com.fasterxml.jackson.core.type.TypeReference;
import org.jboss.logging.Logger;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.cache.UserCache;
import org.keycloak.storage.UserStoragePrivateUtil;
import org.keycloak.util.JsonSerialization;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Applies one change to Claromentis. Every effect is idempotent, so a change delivered again (after a crash, or a
 * lost lease) does no harm: the user's linked Claromentis user (see {@link ClaromentisLink}) is updated to Keycloak's
 * state at delivery time, or created when nobody holds the username; memberships are made to match; a delete of a
 * user already gone succeeds. A Claromentis user who merely has the same username is never touched.
 */
final class Delivery {

    private static final Logger LOG = Logger.getLogger(Delivery.class);

    /** Payload keys of a DELETE: what was known of the user before Keycloak removed it. */
    static final String EMAIL = "email";
    static final String EMAIL_VERIFIED = "emailVerified";
    static final String EXTERNAL_ID = "externalId";
    static final String CLAROMENTIS_ID = "claromentisId";
    /**
     * Payload key of a write-back change: the id of the People API user storage component that queued it, whose
     * connection delivers it and whose users only such a change may push.
     */
    static final String WRITE_BACK = "writeBack";
    /**
     * Payload key of a CREATE or UPDATE that also brings the user's memberships in step: {@code GROUPS}, {@code ROLES}
     * or both, comma-separated, as their own rows would.
     */
    static final String MEMBERSHIPS = "memberships";

    /** What became of one attempt. */
    sealed interface Outcome permits Delivered, Skipped, Failed, Held {
    }

    /**
     * @param link      the Claromentis id to record as linked to the Keycloak user, or null when it is recorded already
     * @param linkTableEmpty the link table held nothing for the user when this delivery read it: the link is inserted
     *                  without reading the table again (the claim gives a user's changes to one thread at a time, so
     *                  only an administrator's link can come in between, and then the insert fails and is retried
     *                  as a read-then-write)
     */
    record Delivered(String what, Long link, boolean linkTableEmpty) implements Outcome {
    }

    /** Nothing to do any more (the user or realm is gone, or the user may not be pushed); the row is done. */
    record Skipped(String why) implements Outcome {
    }

    /**
     * @param permanent  another attempt would fail the same way: a dead letter at once
     * @param retryAfter Claromentis asked to be left alone this long (429/503 with Retry-After), or null
     * @param candidate  the Claromentis user of an unlinked username clash, or null
     * @param link       the Claromentis user this attempt created before a later step failed, or null: it is linked
     *                   all the same, so the retry updates it instead of finding an unlinked clash
     */
    record Failed(String error, boolean permanent, Duration retryAfter, Long candidate, Long link) implements Outcome {
        Failed(String error, boolean permanent) {
            this(error, permanent, null, null, null);
        }

        Failed(String error, boolean permanent, Duration retryAfter, Long candidate) {
            this(error, permanent, retryAfter, candidate, null);
        }

        /** The same failure, with the Claromentis user this attempt created before it failed, to be linked anyway. */
        Failed linking(Long created) {
            return created == null ? this : new Failed(error, permanent, retryAfter, candidate, created);
        }
    }

    /** The realm's Claromentis asked for a pause that is not over: the row goes back untried. */
    record Held(long until) implements Outcome {
    }

    private final OutboxConnections connections;
    private final OutboxSettings settings;

    Delivery(OutboxConnections connections, OutboxSettings settings) {
        this.connections = connections;
        this.settings = settings;
    }

    /**
     * Delivers {@code row} within {@code session}'s transaction (which only reads Keycloak data), with what was read
     * ahead for the rows that share the session.
     */
    Outcome deliver(KeycloakSession session, Claimed row, DeliveryReads reads) {
        RealmModel realm = session.realms().getRealm(row.realmId());
        if (realm == null) {
            return new Skipped("the realm no longer exists");
        }
        session.getContext().setRealm(realm);
        Long created = null;
        try {
            Map<String, String> payload = payload(row);
            String writeBack = payload.get(WRITE_BACK);
            Optional<ComponentModel> connection = writeBack != null ? Optional.ofNullable(realm.getComponent(writeBack))
                    : OutboxConnections.component(realm);
            if (connection.isEmpty() && writeBack != null) {
                // Keycloak removes a user storage's users with it: nothing is left to bring in step.
                return new Skipped("the People API provider " + LogSafe.of(writeBack) + " that queued it no longer exists");
            }
            ComponentModel component = connection.orElseThrow(() -> new DeliveryException(
                    "realm '" + LogSafe.of(realm.getName()) + "' has no 'claromentis-people-api' user federation to deliver with"));
            PeopleApiClient client = connections.client(session, component);
            OutboxStore store = OutboxWorker.store(session);
            if (row.type() == ChangeType.DELETE) {
                return delete(client, store, row);
            }
            // A write-back reads the imported copy as it is: asking the user storage would refresh it from
            // Claromentis first and overwrite the very change being delivered.
            // So does a DISABLE: a person a directory sync found gone is no longer in the directory, and asking the
            // LDAP provider for them could remove the imported copy before Claromentis hears of it.
            UserModel local = UserStoragePrivateUtil.userLocalStorage(session).getUserById(realm, row.userId());
            UserModel user = writeBack != null || row.type() == ChangeType.DISABLE ? local : fresh(session, realm, local, row);
            if (user == null) {
                // A DELETE queued after this change follows it; nothing to bring in step now.
                return new Skipped("the user no longer exists in Keycloak");
            }
            Optional<String> refusal = Eligibility.refusal(session, realm, user, writeBack,
                    reads.identityProviders(user.getId()));
            if (refusal.isPresent()) {
                return new Skipped("the user is " + refusal.get());
            }
            Long tableLink = reads.link(store, realm.getId(), user.getId());
            Long recordedId = ClaromentisLink.recorded(user, tableLink);
            Match match = ClaromentisLink.find(client, user.getUsername(), recordedId, Keys.of(user),
                    settings.linkByVerifiedEmail());
            Match found = match;
            match = ClaromentisLink.afterLostAttempt(match, row.takenOver(), Keys.of(user));
            if (match != found) {
                LOG.warnf("Outbox change %d (%s of '%s') was taken over from a node that stopped mid-delivery:"
                                + " linking Claromentis user %d, of the same username and email, which that node created",
                        row.id(), row.type(), LogSafe.of(user.getUsername()), ((Linked) match).user().id());
            }
            if (writeBack != null && recordedId != null
                    && !(match instanceof Linked linked && linked.user().id().equals(recordedId))) {
                // Never re-created (nor matched to someone else): Claromentis removed the person on purpose.
                return new Failed("'" + LogSafe.of(user.getUsername()) + "' (Claromentis id " + recordedId
                        + ") no longer exists in Claromentis; the next sync of the People API provider removes or"
                        + " disables it here", true);
            }
            if (match instanceof Unlinked unlinked) {
                return new Failed(ClaromentisLink.clash(user.getUsername(), unlinked.candidate()), true, null,
                        unlinked.candidate().id());
            }
            ClaromentisUser pushed;
            if (match instanceof Linked linked) {
                pushed = update(client, linked.user(), user);
            } else {
                pushed = create(client, user);
                created = pushed.id();
            }
            if (row.type() == ChangeType.CREATE || row.type() == ChangeType.UPDATE) {
                // Before the manager: a manager not in Claromentis yet fails this attempt, and the retry redoes both.
                for (ChangeType along : alongWith(payload)) {
                    memberships(session, client, pushed, user, along);
                }
            }
            switch (row.type()) {
                // The manager of a People API user is written by its sync only: its write-back leaves it alone.
                case CREATE, UPDATE, DISABLE -> {
                    if (writeBack == null) {
                        manager(client, pushed, user, false);
                    }
                }
                case MANAGER -> manager(client, pushed, user, true);
                case GROUPS, ROLES -> memberships(session, client, pushed, user, row.type());
                default -> throw new IllegalStateException("Unhandled change type " + row.type());
            }

            boolean recorded = pushed.id().equals(tableLink)
                    && pushed.id().equals(ClaromentisUserMapper.claromentisId(user));
            return new Delivered(row.type() + " of '" + LogSafe.of(user.getUsername()) + "' (Claromentis id "
                    + pushed.id() + ")", recorded ? null : pushed.id(), tableLink == null);
        } catch (RateLimitedException e) {
            return new Failed(e.getMessage(), false, e.retryAfter().orElse(null), null).linking(created);
        } catch (UnavailableException e) {
            return new Failed(e.getMessage(), false, e.retryAfter().orElse(null), null).linking(created);
        } catch (PeopleApiException e) {
            return new Failed(e.getMessage(), RetrySchedule.isPermanent(e)).linking(created);
        } catch (DeliveryException e) {
            return new Failed(e.getMessage(), false).linking(created);
        } catch (RuntimeException e) {
            // Not a People API answer: a bug or a Keycloak failure. Keep the stack trace in the log, retry the row.
            LOG.warnf(e, "Outbox change %d (%s of '%s') failed unexpectedly", row.id(), row.type(),
                    LogSafe.of(row.username()));
            return new Failed(e.getClass().getSimpleName() + ": " + e.getMessage(), false).linking(created);
        }
    }

    private static ClaromentisUser create(PeopleApiClient client, UserModel user) {
        ClaromentisUser created = client.createUser(ClaromentisUserMapper.fromKeycloak(user));
        LOG.debugf("Created '%s' in Claromentis (id %d)", LogSafe.of(user.getUsername()), created.id());
        return created;
    }

    /**
     * Updates the linked Claromentis user where Keycloak's values differ. A user Keycloak's brute-force protection
     * locked out is disabled here only: the person stays as active in Claromentis as they are.
     */
    private static ClaromentisUser update(PeopleApiClient client, ClaromentisUser current, UserModel user) {
        ClaromentisUser wanted = ClaromentisUserMapper.merge(current, user);
        if (ClaromentisUserMapper.isLockedOut(user)) {
            wanted = wanted.toBuilder().active(current.active()).build();
        }
        if (wanted.externalId() == null && current.externalId() != null) {
            // The external id is the HR system's key; a Keycloak user without one must not erase it.
            wanted = wanted.toBuilder().externalId(current.externalId()).build();
        }
        if (wanted.equals(current)) {
            return current;
        }
        ClaromentisUser updated = client.updateUser(current.id(), wanted);
        LOG.debugf("Updated '%s' in Claromentis (id %d)", LogSafe.of(user.getUsername()), current.id());
        return updated;
    }

    /**
     * Sets the Claromentis manager from the {@code manager} attribute (a Claromentis username). Without the
     * attribute the manager is cleared only when the change is about the manager: many Keycloak users simply do not
     * hold one.
     */
    private static void manager(PeopleApiClient client, ClaromentisUser pushed, UserModel user, boolean clearWhenAbsent) {
        String managerUsername = user.getFirstAttribute(ClaromentisProfile.MANAGER);
        if (managerUsername == null || managerUsername.isBlank()) {
            if (clearWhenAbsent && pushed.managerId() != null) {
                client.setManager(pushed.id(), null);
            }
            return;
        }
        ClaromentisUser manager = client.findUserByUsername(managerUsername.trim()).orElseThrow(() ->
                new DeliveryException("manager '" + LogSafe.of(managerUsername.trim()) + "' is not in Claromentis yet"));
        if (!Objects.equals(manager.id(), pushed.managerId())) {
            client.setManager(pushed.id(), manager.id());
        }
    }

    private static void memberships(KeycloakSession session, PeopleApiClient client, ClaromentisUser pushed,
                                    UserModel user, ChangeType type) {
        if (type == ChangeType.GROUPS) {
            memberships(session, client, client.groups(), client.getUserGroups(pushed.id()), pushed.id(),
                    user.getGroupsStream().map(GroupModel::getName).collect(Collectors.toSet()));
        } else {
            memberships(session, client, client.roles(), client.getUserRoles(pushed.id()), pushed.id(),
                    user.getRealmRoleMappingsStream().map(RoleModel::getName).collect(Collectors.toSet()));
        }
    }

    /**
     * The user as Keycloak's user storage shows them, read past this node's user cache. Keycloak drops a cached user
     * only after the database commit (and another node only when the invalidation reaches it), so a row claimed at
     * once could otherwise be delivered from the copy before the change it carries: a group joined, an email changed,
     * sent to Claromentis as it was, and never again.
     */
    private static UserModel fresh(KeycloakSession session, RealmModel realm, UserModel local, Claimed row) {
        UserCache cache = session.getProvider(UserCache.class);
        if (cache != null && local != null) {
            cache.evict(realm, local);
        }
        return session.users().getUserById(realm, row.userId());
    }

    /** The memberships a CREATE or UPDATE brings along ({@link #MEMBERSHIPS}); unknown names are ignored. */
    static List<ChangeType> alongWith(Map<String, String> payload) {
        String value = payload.get(MEMBERSHIPS);
        if (value == null || value.isBlank()) {
            return List.of();
        }
        List<ChangeType> out = new ArrayList<>();
        for (String name : value.split(",")) {
            String trimmed = name.trim();
            if (ChangeType.GROUPS.name().equals(trimmed) || ChangeType.ROLES.name().equals(trimmed)) {
                ChangeType type = ChangeType.valueOf(trimmed);
                if (!out.contains(type)) {
                    out.add(type);
                }
            }
        }
        return out;
    }

    /**
     * Makes the user a member of exactly the Claromentis groups (or roles) whose names the Keycloak user's groups
     * (or realm roles) have, one user at a time: only the groups where this user's membership differs are touched,
     * and each one's member list is read and written back under that group's lock ({@link GroupLocks}), adding or
     * removing this user only. Groups Claromentis does not have are not created: Claromentis owns its group list.
     */
    private static void memberships(KeycloakSession session, PeopleApiClient client, GroupOperations operations,
                                    List<ClaromentisGroup> current, long userId, Set<String> wantedNames) {
        Set<Long> currentIds = current.stream().map(ClaromentisGroup::id).collect(Collectors.toSet());
        GroupLocks locks = new GroupLocks(session.getKeycloakSessionFactory());
        for (ClaromentisGroup group : operations.listAll()) {
            boolean wanted = wantedNames.contains(group.name());
            if (wanted == currentIds.contains(group.id())) {
                continue;
            }
            boolean changed = locks.withLock(client.config().apiBaseUrl().toString(), group, () -> {
                List<Long> members = new ArrayList<>(operations.members(group.id()).stream().map(ClaromentisUser::id).toList());
                if (wanted == members.contains(userId)) {
                    return false;
                }
                if (wanted) {
                    members.add(userId);
                } else {
                    members.remove(userId);
                }
                operations.setMembers(group.id(), members);
                return true;
            });
            if (changed) {
                LOG.debugf("%s user %d %s %s '%s'", wanted ? "Added" : "Removed", userId, wanted ? "to" : "from",
                        group.kind().name().toLowerCase(Locale.ROOT), LogSafe.of(group.name()));
            }
        }
    }

    /** Deletes the linked Claromentis user only; a user who merely has the username is someone else's account. */
    private Outcome delete(PeopleApiClient client, OutboxStore store, Claimed row) {
        Map<String, String> payload = payload(row);
        Long linked = store.link(row.realmId(), row.userId());
        if (linked == null) {
            linked = parseId(payload.get(CLAROMENTIS_ID));
        }
        Keys keys = new Keys(payload.get(EXTERNAL_ID), payload.get(EMAIL), Boolean.parseBoolean(payload.get(EMAIL_VERIFIED)));
        Match match = ClaromentisLink.find(client, row.username(), linked, keys, settings.linkByVerifiedEmail());
        if (match instanceof Absent) {
            store.dropLink(row.realmId(), row.userId());
            return new Skipped("'" + LogSafe.of(row.username()) + "' is not in Claromentis");
        }
        if (match instanceof Unlinked unlinked) {
            return new Failed(ClaromentisLink.clash(row.username(), unlinked.candidate()) + "; not deleting it", true,
                    null, unlinked.candidate().id());
        }
        ClaromentisUser target = ((Linked) match).user();
        client.deleteUser(target.id());
        store.dropLink(row.realmId(), row.userId());
        return new Delivered("DELETE of '" + LogSafe.of(row.username()) + "' (Claromentis id " + target.id() + ")", null, false);
    }

    /** What delivery of a DELETE needs to find the linked Claromentis user once the Keycloak user is gone. */
    static Map<String, String> known(UserModel user) {
        Map<String, String> known = new java.util.HashMap<>();
        if (user.getEmail() != null) {
            known.put(EMAIL, user.getEmail());
            known.put(EMAIL_VERIFIED, Boolean.toString(user.isEmailVerified()));
        }
        String externalId = user.getFirstAttribute(ClaromentisProfile.EXTERNAL_ID);
        if (externalId != null) {
            known.put(EXTERNAL_ID, externalId);
        }
        String claromentisId = user.getFirstAttribute(ClaromentisProfile.CLAROMENTIS_ID);
        if (claromentisId != null) {
            known.put(CLAROMENTIS_ID, claromentisId);
        }
        return known;
    }

    private static Long parseId(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static Map<String, String> payload(Claimed row) {
        if (row.payload() == null || row.payload().isBlank()) {
            return Map.of();
        }
        try {
            return JsonSerialization.readValue(row.payload(), new TypeReference<Map<String, String>>() { });
        } catch (IOException e) {
            throw new DeliveryException("the change's payload is not readable JSON", e);
        }
    }
}
