package com.claromentis.keycloak.storage;

import com.claromentis.keycloak.common.LogSafe;
import com.claromentis.keycloak.peopleapi.ClaromentisUser;
import com.claromentis.keycloak.profile.ClaromentisProfile;
import com.claromentis.keycloak.profile.ClaromentisUserMapper;
import com.claromentis.keycloak.provisioning.ProvisioningQueue;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserProvider;
import org.keycloak.models.cache.UserCache;
import org.keycloak.storage.UserStoragePrivateUtil;
import org.keycloak.storage.UserStorageUtil;

import java.util.Locale;

/**
 * The one way a Claromentis person becomes, or updates, a Keycloak user, for the syncs, sign-in lookups and the
 * admin search alike.
 *
 * <p>A person is followed by their Claromentis id: a username changed in Claromentis renames the Keycloak user in
 * place, so its id, credentials, links and sessions stay. A person who cannot be imported (a username with control
 * characters, an email or username another Keycloak user already holds, a username of a user this component does
 * not manage) is skipped before anything is written, with a reason that names what is in the way.
 */
final class UserImport {

    private static final Logger LOG = Logger.getLogger(UserImport.class);

    /** SKIPPED: left alone on purpose (someone else's user); FAILED: could not be imported, with the reason. */
    enum Kind { ADDED, UPDATED, UNCHANGED, SKIPPED, FAILED }

    /** What became of one person; {@code user} is null when skipped or failed. */
    record Outcome(Kind kind, UserModel user, String reason) {
        static Outcome skipped(String reason) {
            return new Outcome(Kind.SKIPPED, null, reason);
        }

        static Outcome failed(String reason) {
            return new Outcome(Kind.FAILED, null, reason);
        }
    }

    private final KeycloakSession session;
    private final RealmModel realm;
    private final String componentId;
    private final String componentName;
    private final PeopleApiStorageConfig config;
    private final MembershipMapper memberships;
    private final ImportedPage page;

    UserImport(KeycloakSession session, RealmModel realm, String componentId, String componentName,
               PeopleApiStorageConfig config, SyncReport report) {
        this(session, realm, componentId, componentName, config, report, null);
    }

    /** @param page what a sync's page already read of its people, or null to look each one up */
    UserImport(KeycloakSession session, RealmModel realm, String componentId, String componentName,
               PeopleApiStorageConfig config, SyncReport report, ImportedPage page) {
        this.session = session;
        this.realm = realm;
        this.componentId = componentId;
        this.componentName = componentName;
        this.config = config;
        this.memberships = new MembershipMapper(session, realm, componentId, componentName, report);
        this.page = page;
    }

    /** The Keycloak user this component imported for Claromentis id {@code id}, or null. */
    UserModel byClaromentisId(Long id) {
        if (id == null) {
            return null;
        }
        if (page != null && page.covers(id)) {
            String userId = page.userId(id);
            UserModel user = userId == null ? null : local().getUserById(realm, userId);
            if (user != null && componentId.equals(user.getFederationLink())) {
                return user;
            }
            if (userId != null) {
                // Changed since the sync read its map (removed, or relinked by an administrator): ask again.
                return lookUp(id);
            }
            return null;
        }
        return lookUp(id);
    }

    private UserModel lookUp(Long id) {
        return local().searchForUserByUserAttributeStream(realm, ClaromentisProfile.CLAROMENTIS_ID, Long.toString(id))
                .filter(user -> componentId.equals(user.getFederationLink()))
                .findFirst().orElse(null);
    }

    /**
     * Imports {@code person} or brings its Keycloak user up to date; {@code known} is the Keycloak user already
     * found for them (e.g. by {@link org.keycloak.storage.user.ImportedUserValidation#validate}), or null to look it up.
     */
    Outcome apply(ClaromentisUser person, UserModel known) {
        return apply(person, known, true);
    }

    /**
     * As {@link #apply(ClaromentisUser, UserModel)}; {@code memberships} false leaves the user's groups and roles as
     * they are, for a person read without them (a changed sync's list).
     */
    Outcome apply(ClaromentisUser person, UserModel known, boolean memberships) {
        String username = person.username();
        if (LogSafe.hasControlCharacters(username)) {
            return Outcome.failed("Claromentis user " + person.id() + " not imported: its username '" + LogSafe.of(username)
                    + "' holds control characters, which no Keycloak username may");
        }
        UserProvider local = local();
        UserModel target = known != null ? known : byClaromentisId(person.id());
        // A person found by id under the same username needs no look-up by name (nor, below, by an unchanged
        // email): an unchanged person of a full sync then costs the one look-up by id.
        UserModel byName = target != null && target.getUsername().equalsIgnoreCase(username) ? target
                : local.getUserByUsername(realm, username);
        if (target == null && byName != null) {
            if (!componentId.equals(byName.getFederationLink())) {
                return Outcome.skipped("'" + LogSafe.of(username) + "' skipped: Keycloak already has a user of that "
                        + "username from " + source(byName) + ", which this provider does not manage");
            }
            Long linked = ClaromentisUserMapper.claromentisId(byName);
            if (linked != null && person.id() != null && !linked.equals(person.id())) {
                return Outcome.failed("'" + LogSafe.of(username) + "' not imported: the Keycloak user of that username "
                        + "belongs to Claromentis user " + linked + "; run a full sync to follow its rename first");
            }
            target = byName;
        }
        if (target != null && byName != null && !byName.getId().equals(target.getId())) {
            return Outcome.failed("'" + LogSafe.of(target.getUsername()) + "' was renamed to '" + LogSafe.of(username)
                    + "' in Claromentis but not here: Keycloak already has another user '" + LogSafe.of(username) + "'");
        }
        String email = person.email() == null || person.email().isBlank() ? null
                : person.email().trim().toLowerCase(Locale.ROOT);
        boolean sameEmail = target != null && email != null && email.equalsIgnoreCase(target.getEmail());
        if (email != null && !sameEmail && !realm.isDuplicateEmailsAllowed()) {
            UserModel holder = local.getUserByEmail(realm, email);
            if (holder != null && (target == null || !holder.getId().equals(target.getId()))) {
                return Outcome.failed("'" + LogSafe.of(username) + "' not imported: email already used by Keycloak user '"
                        + LogSafe.of(holder.getUsername()) + "'");
            }
        }
        boolean added = target == null;
        boolean changed = false;
        if (added && config.writeBack() && deletionPending(username)) {
            return Outcome.skipped("'" + LogSafe.of(username) + "' not imported: it was deleted in Keycloak and the "
                    + "deletion is on its way to Claromentis");
        }
        if (added) {
            target = local.addUser(realm, username);
            target.setFederationLink(componentId);
        } else if (!target.getUsername().equalsIgnoreCase(username)) {
            LOG.infof("Provider '%s': '%s' was renamed to '%s' in Claromentis; renamed here too",
                    LogSafe.of(componentName), LogSafe.of(target.getUsername()), LogSafe.of(username));
            UserCache cache = UserStorageUtil.userCache(session);
            if (cache != null) {
                // Evicted before the rename, while the cache can still find the entry under the old username.
                cache.evict(realm, target);
            }
            target.setUsername(username);
            changed = true;
        }
        if (!added && config.writeBack() && writeBackPending(target)) {
            return Outcome.skipped("'" + LogSafe.of(target.getUsername()) + "' left as it is: a change made in Keycloak is "
                    + "waiting to be written back to Claromentis");
        }
        changed |= ClaromentisUserMapper.apply(withManager(person), target);
        String loaded = target.getId();
        if (memberships && config.syncGroups()) {
            changed |= this.memberships.syncGroups(target, person.groups(), added,
                    page == null ? null : page.groupIds(loaded));
        }
        if (memberships && config.syncRoles()) {
            changed |= this.memberships.syncRoles(target, person.roles(), added,
                    page == null ? null : page.roleIds(loaded));
        }
        return new Outcome(added ? Kind.ADDED : changed ? Kind.UPDATED : Kind.UNCHANGED, target, null);
    }

    /** Fills the manager's username from the imported users when the answer gave only their id: no request. */
    private ClaromentisUser withManager(ClaromentisUser person) {
        if (person.managerId() == null || person.managerUsername() != null) {
            return person;
        }
        UserModel manager = byClaromentisId(person.managerId());
        return manager == null ? person : person.toBuilder().managerUsername(manager.getUsername()).build();
    }

    /** Read from Keycloak's own database (the outbox): an edit saved here but not yet delivered must not be undone. */
    private boolean writeBackPending(UserModel user) {
        ProvisioningQueue queue = session.getProvider(ProvisioningQueue.class);
        return queue != null && queue.pending(realm, user.getId());
    }

    private boolean deletionPending(String username) {
        ProvisioningQueue queue = session.getProvider(ProvisioningQueue.class);
        return queue != null && queue.deletionPending(realm, username);
    }

    private String source(UserModel user) {
        if (user.getFederationLink() == null) {
            return "Keycloak itself (or a sign-in through an identity provider)";
        }
        var component = realm.getComponent(user.getFederationLink());
        return component == null ? "another provider" : "provider '" + LogSafe.of(component.getName()) + "'";
    }

    private UserProvider local() {
        return UserStoragePrivateUtil.userLocalStorage(session);
    }

}
