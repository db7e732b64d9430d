package com.claromentis.keycloak.graph;

import com.claromentis.keycloak.common.LogSafe;
import com.claromentis.keycloak.graph.GraphUser.Field;
import com.claromentis.keycloak.profile.ClaromentisProfile;
import com.claromentis.keycloak.profile.ClaromentisUserMapper;
import com.claromentis.keycloak.profile.UserAttributes;
import com.claromentis.keycloak.provisioning.ProvisioningQueue;
import org.keycloak.models.FederatedIdentityModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserProvider;
import org.keycloak.models.cache.UserCache;
import org.keycloak.storage.UserStoragePrivateUtil;
import org.keycloak.storage.UserStorageUtil;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The one way an Entra user becomes, or updates, a Keycloak user of an {@code entra-id-directory} provider.
 *
 * <p>A person is followed by their object id ({@value #OBJECT_ID}): a renamed userPrincipalName renames the Keycloak
 * user in place. A person who signed in through the realm's {@code entra-id} provider before the sync existed (same
 * object id, linked by Keycloak's first broker login) is taken over by the sync, as the same person; anybody else who
 * merely holds the username or email is someone else's account and is left alone, with a reason. Each user the sync
 * creates is linked to every {@code entra-id} provider of the realm by object id, so a sign-in lands on them.
 */
final class EntraUserImport {

    /** Local attribute: the user's Entra object id. */
    static final String OBJECT_ID = "claromentis.entraObjectId";
    /**
     * Local attribute: the object id of the manager Entra names but the sync refused (not a synced user, the user
     * themself, or a loop). A full sync leaves such a manager cleared until it settles the chain again, so an
     * unchanged tenant changes nobody.
     */
    static final String MANAGER_REFUSED = "claromentis.entraManagerRefused";
    /** What a manager lookup answers when the manager is listed later in this sync. */
    static final String UNKNOWN_YET = "\u0000unknown";
    /** What a manager lookup answers when the manager must not be linked. */
    static final String REFUSED = "\u0000refused";

    enum Kind { ADDED, UPDATED, UNCHANGED, REMOVED, FAILED }

    /** @param settle whether the user's manager is left for the end of the sync to decide */
    record Outcome(Kind kind, String reason, boolean settle) {
        Outcome(Kind kind, String reason) {
            this(kind, reason, false);
        }
    }

    private final KeycloakSession session;
    private final RealmModel realm;
    private final String componentId;
    private final List<String> signInAliases;
    private final EntraGroups groups;
    private final ProvisioningQueue queue;
    private final UserProvider local;
    private Map<String, String> known;
    private Set<String> knownScope;

    EntraUserImport(KeycloakSession session, RealmModel realm, String componentId, List<String> signInAliases,
                    EntraGroups groups) {
        this.session = session;
        this.realm = realm;
        this.componentId = componentId;
        this.signInAliases = signInAliases;
        this.groups = groups;
        this.queue = session.getProvider(ProvisioningQueue.class);
        this.local = UserStoragePrivateUtil.userLocalStorage(session);
        if (queue != null) {
            queue.bulkImport(realm);
        }
    }

    /**
     * Tells the importer every user the provider has, by object id (a full sync reads them in one query), so that
     * looking a person up costs no search; users it creates are added.
     */
    EntraUserImport knowing(Map<String, String> userIdsByObjectId) {
        return knowing(userIdsByObjectId, null);
    }

    /** As {@link #knowing(Map)}, for the object ids of {@code scope} only (null: every one); others are searched. */
    EntraUserImport knowing(Map<String, String> userIdsByObjectId, Set<String> scope) {
        this.known = userIdsByObjectId;
        this.knownScope = scope;
        return this;
    }

    /** The Keycloak user this provider imported for {@code objectId}, or null. */
    UserModel byObjectId(String objectId) {
        if (known != null && (knownScope == null || knownScope.contains(objectId) || known.containsKey(objectId))) {
            String userId = known.get(objectId);
            return userId == null ? null : local.getUserById(realm, userId);
        }
        return local.searchForUserByUserAttributeStream(realm, OBJECT_ID, objectId)
                .filter(user -> componentId.equals(user.getFederationLink()))
                .findFirst().orElse(null);
    }

    /**
     * Imports or updates {@code person}.
     *
     * @param groupIds the chosen groups the person is in, or null to leave their memberships as they are
     * @param managers turns a manager's object id into their username, {@link #REFUSED} when they must not be linked,
     *                 or {@link #UNKNOWN_YET} to leave the link for the end of the sync
     */
    Outcome apply(GraphUser person, Set<String> groupIds, Function<String, String> managers) {
        return apply(person, groupIds, byObjectId(person.id()), managers);
    }

    /** As {@link #apply(GraphUser, Set, Function)}, with the user already looked up ({@code found}, or null if none). */
    Outcome apply(GraphUser person, Set<String> groupIds, UserModel found, Function<String, String> managers) {
        if (person.problem() != null) {
            return new Outcome(Kind.FAILED, "Entra user " + person.id() + " not imported: " + person.problem());
        }
        UserModel target = found;
        boolean adopted = false;
        if (target == null) {
            String username = person.username();
            if (username == null) {
                return new Outcome(Kind.FAILED, "Entra user " + person.id() + " not imported: Graph gave no userPrincipalName");
            }
            target = signedInBefore(person.id());
            adopted = target != null;
            if (target == null && local.getUserByUsername(realm, username) != null) {
                return new Outcome(Kind.FAILED, "'" + LogSafe.of(username) + "' not imported: Keycloak already has a user "
                        + "of that username that is not this Entra user (object id " + person.id() + ")");
            }
        }
        String email = person.has(Field.EMAIL) ? person.get(Field.EMAIL) : target == null ? null : target.getEmail();
        // Only an address the user does not hold yet can clash with somebody else's.
        boolean newEmail = email != null && (target == null || !email.equalsIgnoreCase(target.getEmail()));
        if (newEmail && !realm.isDuplicateEmailsAllowed()) {
            UserModel holder = local.getUserByEmail(realm, email);
            if (holder != null && (target == null || !holder.getId().equals(target.getId()))) {
                return new Outcome(Kind.FAILED, "'" + LogSafe.of(person.username() != null ? person.username()
                        : target.getUsername()) + "' not imported: email already used by Keycloak user '"
                        + LogSafe.of(holder.getUsername()) + "'");
            }
        }
        boolean added = target == null;
        if (added) {
            target = local.addUser(realm, person.username());
            if (known != null) {
                known.put(person.id(), target.getId());
            }
        }
        if (added || adopted) {
            target.setFederationLink(componentId);
            target.setSingleAttribute(OBJECT_ID, person.id());
        }
        boolean changed = rename(target, person.username());
        changed |= fields(target, person);
        Manager manager = manager(target, person, managers);
        changed |= manager.changed();
        if (target.getFirstAttribute(ClaromentisProfile.DIRECTORY_REMOVED) != null) {
            // Back in Entra (or in the chosen groups): the earlier removal is undone.
            target.removeAttribute(ClaromentisProfile.DIRECTORY_REMOVED);
            changed = true;
        }
        changed |= enabled(target, person);
        if (groupIds != null) {
            changed |= memberships(target, groupIds);
        }
        if (added) {
            link(target, person);
        }
        if (changed && !added) {
            // Written past Keycloak's user cache (to its own store): a cached copy would keep the old values.
            evict(target);
        }
        if (queue != null && (added || changed)) {
            queue.signedIn(realm, target);
        }
        return new Outcome(added ? Kind.ADDED : changed ? Kind.UPDATED : Kind.UNCHANGED, null, manager.settle());
    }

    private record Manager(boolean changed, boolean settle) {
    }

    /** The manager link, unless the lookup says to leave it for the end of the sync. */
    private Manager manager(UserModel user, GraphUser person, Function<String, String> managers) {
        if (!person.has(Field.MANAGER)) {
            return new Manager(false, false);
        }
        String managerId = person.get(Field.MANAGER);
        if (managerId == null) {
            boolean changed = attribute(user, ClaromentisProfile.MANAGER, null);
            attribute(user, MANAGER_REFUSED, null);
            return new Manager(changed, false);
        }
        if (managerId.equals(user.getFirstAttribute(MANAGER_REFUSED))) {
            return new Manager(false, true);
        }
        String username = managers.apply(managerId);
        if (UNKNOWN_YET.equals(username)) {
            return new Manager(false, true);
        }
        return new Manager(link(user, managerId, username), false);
    }

    /**
     * Sets the manager link to {@code username}, or clears it and records the refused manager when the username is
     * {@link #REFUSED}; returns whether the manager Claromentis sees changed.
     */
    static boolean link(UserModel user, String managerId, String username) {
        if (REFUSED.equals(username) || username == null) {
            attribute(user, MANAGER_REFUSED, managerId);
            return attribute(user, ClaromentisProfile.MANAGER, null);
        }
        attribute(user, MANAGER_REFUSED, null);
        return attribute(user, ClaromentisProfile.MANAGER, username);
    }

    /**
     * Disables a user gone from Entra (or from the chosen groups), ends their sessions and queues their deactivation
     * in Claromentis; it is deleted later, once Claromentis has been told, when the provider deletes removed users.
     */
    Outcome remove(UserModel user, long now) {
        if (user.getFirstAttribute(ClaromentisProfile.DIRECTORY_REMOVED) != null) {
            return new Outcome(Kind.UNCHANGED, null);
        }
        user.setSingleAttribute(ClaromentisProfile.DIRECTORY_REMOVED, Long.toString(now));
        // Gone from Entra means gone from its groups too; a return brings the memberships back.
        memberships(user, Set.of());
        user.setEnabled(false);
        session.sessions().removeUserSessions(realm, user);
        evict(user);
        if (queue != null) {
            queue.signedIn(realm, user);
        }
        return new Outcome(Kind.REMOVED, null);
    }

    /** Makes the user's memberships of the chosen groups {@code groupIds}, joining and leaving only what differs. */
    boolean memberships(UserModel user, Set<String> groupIds) {
        Set<String> before = new TreeSet<>(user.getAttributeStream(ClaromentisProfile.DIRECTORY_GROUPS).toList());
        Set<String> now = new TreeSet<>(groupIds);
        if (before.equals(now)) {
            return false;
        }
        Set<String> joined = new HashSet<>(now);
        joined.removeAll(before);
        Set<String> left = new HashSet<>(before);
        left.removeAll(now);
        groups.apply(user, joined, left);
        if (now.isEmpty()) {
            user.removeAttribute(ClaromentisProfile.DIRECTORY_GROUPS);
        } else {
            user.setAttribute(ClaromentisProfile.DIRECTORY_GROUPS, List.copyOf(now));
        }
        return true;
    }

    /** The user a sign-in through the realm's entra-id provider already created for this object id, if any. */
    private UserModel signedInBefore(String objectId) {
        for (String alias : signInAliases) {
            UserModel user = local.getUserByFederatedIdentity(realm, new FederatedIdentityModel(alias, objectId, null));
            if (user != null && user.getFederationLink() == null) {
                return user;
            }
        }
        return null;
    }

    private void link(UserModel user, GraphUser person) {
        for (String alias : signInAliases) {
            if (local.getFederatedIdentity(realm, user, alias) == null) {
                local.addFederatedIdentity(realm, user, new FederatedIdentityModel(alias, person.id(), person.username()));
            }
        }
    }

    private boolean rename(UserModel user, String username) {
        if (username == null || user.getUsername().equalsIgnoreCase(username)) {
            return false;
        }
        UserCache cache = UserStorageUtil.userCache(session);
        if (cache != null) {
            // Evicted before the rename, while the cache can still find the entry under the old username.
            cache.evict(realm, user);
        }
        user.setUsername(username);
        return true;
    }

    private boolean fields(UserModel user, GraphUser person) {
        boolean changed = false;
        if (person.has(Field.FIRST_NAME) && !Objects.equals(user.getFirstName(), person.get(Field.FIRST_NAME))) {
            user.setFirstName(person.get(Field.FIRST_NAME));
            changed = true;
        }
        if (person.has(Field.LAST_NAME) && !Objects.equals(user.getLastName(), person.get(Field.LAST_NAME))) {
            user.setLastName(person.get(Field.LAST_NAME));
            changed = true;
        }
        if (person.has(Field.EMAIL) && !Objects.equals(user.getEmail(), person.get(Field.EMAIL))) {
            user.setEmail(person.get(Field.EMAIL));
            // Entra's mail is the organisation's own record of the address, which a sign-in through it proves too.
            user.setEmailVerified(person.get(Field.EMAIL) != null);
            changed = true;
        }
        for (Map.Entry<Field, String> mapping : ATTRIBUTES.entrySet()) {
            if (person.has(mapping.getKey())) {
                changed |= attribute(user, mapping.getValue(), person.get(mapping.getKey()));
            }
        }
        return changed;
    }

    /** Graph's fields onto the Claromentis attributes, named once in {@link ClaromentisProfile}. */
    static final Map<Field, String> ATTRIBUTES = Map.of(
            Field.JOB_TITLE, ClaromentisProfile.JOB_TITLE,
            Field.OFFICE, ClaromentisProfile.OFFICE,
            Field.DEPARTMENT, ClaromentisProfile.DEPARTMENT,
            Field.PHONE, ClaromentisProfile.PHONE,
            Field.EMPLOYEE_ID, ClaromentisProfile.EXTERNAL_ID);

    private boolean enabled(UserModel user, GraphUser person) {
        if (!person.has(Field.ENABLED) || ClaromentisUserMapper.isLockedOut(user)) {
            // A delta item without accountEnabled did not change it; a brute-force lockout is lifted only by an admin.
            return false;
        }
        boolean wanted = Boolean.parseBoolean(person.get(Field.ENABLED));
        if (user.isEnabled() == wanted) {
            return false;
        }
        user.setEnabled(wanted);
        if (!wanted) {
            // Disabled in Entra: sessions end now, not when they expire.
            session.sessions().removeUserSessions(realm, user);
        }
        return true;
    }

    private static boolean attribute(UserModel user, String name, String value) {
        String current = user.getFirstAttribute(name);
        if (Objects.equals(current, value)) {
            return false;
        }
        UserAttributes.replace(user, name, value);
        return true;
    }

    private void evict(UserModel user) {
        UserCache cache = UserStorageUtil.userCache(session);
        if (cache != null) {
            cache.evict(realm, user);
        }
    }
}
