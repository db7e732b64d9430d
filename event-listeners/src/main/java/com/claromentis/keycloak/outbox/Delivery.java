package com.claromentis.keycloak.outbox;

import com.claromentis.keycloak.outbox.OutboxStore.Claimed;
import com.claromentis.keycloak.peopleapi.ClaromentisGroup;
import com.claromentis.keycloak.peopleapi.ClaromentisUser;
import com.claromentis.keycloak.peopleapi.GroupOperations;
import com.claromentis.keycloak.peopleapi.PeopleApiClient;
import com.claromentis.keycloak.peopleapi.error.BadRequestException;
import com.claromentis.keycloak.peopleapi.error.PeopleApiException;
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
import org.keycloak.util.JsonSerialization;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Applies one change to Claromentis. Every effect is idempotent, so a change delivered again (after a crash, or a
 * lost lease) does no harm: the user is found by username and created or updated to Keycloak's state at delivery
 * time; memberships are made to match; a delete of a user already gone succeeds.
 */
final class Delivery {

    private static final Logger LOG = Logger.getLogger(Delivery.class);

    /** What became of one attempt. */
    sealed interface Outcome permits Delivered, Skipped, Failed {
    }

    record Delivered(String what) implements Outcome {
    }

    /** Nothing to do any more (the user or realm is gone, or the user may not be pushed); the row is done. */
    record Skipped(String why) implements Outcome {
    }

    /** @param permanent Claromentis refused the data itself: another attempt would be refused too */
    record Failed(String error, boolean permanent) implements Outcome {
    }

    private final OutboxConnections connections;

    Delivery(OutboxConnections connections) {
        this.connections = connections;
    }

    /** Delivers {@code row} within {@code session}'s transaction (which only reads Keycloak data). */
    Outcome deliver(KeycloakSession session, Claimed row) {
        RealmModel realm = session.realms().getRealm(row.realmId());
        if (realm == null) {
            return new Skipped("the realm no longer exists");
        }
        session.getContext().setRealm(realm);
        try {
            ComponentModel component = OutboxConnections.component(realm).orElseThrow(() -> new DeliveryException(
                    "realm '" + realm.getName() + "' has no 'claromentis-people-api' user federation to deliver with"));
            PeopleApiClient client = connections.client(session, component);
            if (row.type() == ChangeType.DELETE) {
                return delete(client, row);
            }
            UserModel user = session.users().getUserById(realm, row.userId());
            if (user == null) {
                // A DELETE queued after this change follows it; nothing to bring in step now.
                return new Skipped("the user no longer exists in Keycloak");
            }
            Optional<String> refusal = Eligibility.refusal(session, realm, user);
            if (refusal.isPresent()) {
                return new Skipped("the user is " + refusal.get());
            }
            ClaromentisUser pushed = upsert(client, user);
            switch (row.type()) {
                case CREATE, UPDATE, DISABLE -> manager(client, pushed, user, false);
                case MANAGER -> manager(client, pushed, user, true);
                case GROUPS -> memberships(client.groups(), client.getUserGroups(pushed.id()), pushed.id(),
                        user.getGroupsStream().map(GroupModel::getName).collect(Collectors.toSet()));
                case ROLES -> memberships(client.roles(), client.getUserRoles(pushed.id()), pushed.id(),
                        user.getRealmRoleMappingsStream().map(RoleModel::getName).collect(Collectors.toSet()));
                default -> throw new IllegalStateException("Unhandled change type " + row.type());
            }
            return new Delivered(row.type() + " of '" + user.getUsername() + "' (Claromentis id " + pushed.id() + ")");
        } catch (BadRequestException e) {
            return new Failed(e.getMessage(), true);
        } catch (PeopleApiException | DeliveryException e) {
            return new Failed(e.getMessage(), false);
        } catch (RuntimeException e) {
            // Not a People API answer: a bug or a Keycloak failure. Keep the stack trace in the log, retry the row.
            LOG.warnf(e, "Outbox change %d (%s of '%s') failed unexpectedly", row.id(), row.type(), row.username());
            return new Failed(e.getClass().getSimpleName() + ": " + e.getMessage(), false);
        }
    }

    /** Finds the user by username and creates it, or updates it where Keycloak's values differ. */
    private static ClaromentisUser upsert(PeopleApiClient client, UserModel user) {
        Optional<ClaromentisUser> existing = client.findUserByUsername(user.getUsername());
        if (existing.isEmpty()) {
            ClaromentisUser created = client.createUser(ClaromentisUserMapper.fromKeycloak(user));
            LOG.debugf("Created '%s' in Claromentis (id %d)", user.getUsername(), created.id());
            return created;
        }
        ClaromentisUser current = existing.get();
        ClaromentisUser wanted = ClaromentisUserMapper.merge(current, user);
        if (wanted.externalId() == null && current.externalId() != null) {
            // The external id is the HR system's key; a Keycloak user without one must not erase it.
            wanted = wanted.toBuilder().externalId(current.externalId()).build();
        }
        if (wanted.equals(current)) {
            return current;
        }
        ClaromentisUser updated = client.updateUser(current.id(), wanted);
        LOG.debugf("Updated '%s' in Claromentis (id %d)", user.getUsername(), current.id());
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
                new DeliveryException("manager '" + managerUsername.trim() + "' is not in Claromentis yet"));
        if (!Objects.equals(manager.id(), pushed.managerId())) {
            client.setManager(pushed.id(), manager.id());
        }
    }

    /**
     * Makes the user a member of exactly the Claromentis groups (or roles) whose names the Keycloak user's groups
     * (or realm roles) have. Groups Claromentis does not have are not created: Claromentis owns its group list.
     */
    private static void memberships(GroupOperations operations, List<ClaromentisGroup> current, long userId,
                                    Set<String> wantedNames) {
        Set<Long> currentIds = current.stream().map(ClaromentisGroup::id).collect(Collectors.toSet());
        for (ClaromentisGroup group : operations.listAll()) {
            boolean wanted = wantedNames.contains(group.name());
            if (wanted == currentIds.contains(group.id())) {
                continue;
            }
            List<Long> members = new ArrayList<>(operations.members(group.id()).stream().map(ClaromentisUser::id).toList());
            if (wanted) {
                members.add(userId);
            } else {
                members.remove(userId);
            }
            operations.setMembers(group.id(), members);
            LOG.debugf("%s user %d %s %s '%s'", wanted ? "Added" : "Removed", userId, wanted ? "to" : "from",
                    group.kind().name().toLowerCase(java.util.Locale.ROOT), group.name());
        }
    }

    private static Outcome delete(PeopleApiClient client, Claimed row) {
        Optional<ClaromentisUser> existing = client.findUserByUsername(row.username());
        if (existing.isEmpty()) {
            return new Skipped("'" + row.username() + "' is not in Claromentis");
        }
        String email = payload(row).get("email");
        String theirs = existing.get().email();
        if (email != null && theirs != null && !email.equalsIgnoreCase(theirs.trim())) {
            // Same username, different person (e.g. created in Claromentis by HR): deleting it would be a mistake.
            return new Failed("'" + row.username() + "' in Claromentis has another email address; not deleting it", true);
        }
        client.deleteUser(existing.get().id());
        return new Delivered("DELETE of '" + row.username() + "' (Claromentis id " + existing.get().id() + ")");
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
