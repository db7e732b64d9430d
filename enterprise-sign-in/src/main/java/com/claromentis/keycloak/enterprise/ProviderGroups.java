package com.claromentis.keycloak.enterprise;

import com.claromentis.keycloak.common.LogSafe;
import com.claromentis.keycloak.profile.ClaromentisProfile;
import com.claromentis.keycloak.profile.PrivilegeGuard;
import org.jboss.logging.Logger;
import org.keycloak.models.GroupModel;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The Keycloak groups an identity provider's group claim fills: only groups directly under one top-level group named
 * after the provider's alias, which the bundle creates, so a claim can never name a group an administrator made for
 * something else. A group that is, or sits under one that, maps a role administering Keycloak
 * ({@link PrivilegeGuard}) is never joined, whatever the claim says.
 */
final class ProviderGroups {

    private static final Logger LOG = Logger.getLogger(ProviderGroups.class);

    private final KeycloakSession session;
    private final RealmModel realm;
    private final IdentityProviderModel provider;

    ProviderGroups(KeycloakSession session, RealmModel realm, IdentityProviderModel provider) {
        this.session = session;
        this.realm = realm;
        this.provider = provider;
    }

    /** The path of the provider's parent group, e.g. {@code /company-saml}. */
    String path() {
        return "/" + parentName();
    }

    /** Why the provider's groups cannot be placed (the parent group, or a group below it, grants administration). */
    Optional<String> refusal() {
        return parent().filter(ProviderGroups::grantsAdministration).map(g -> "The group " + LogSafe.of(path())
                + " or a group below it grants Keycloak administration (a realm-management role); the groups of "
                + "identity provider '" + LogSafe.of(provider.getAlias()) + "' are never placed there. Remove that "
                + "role mapping or rename the group.");
    }

    /** Creates the parent group when missing. */
    GroupModel ensureParent() {
        return parent().orElseGet(() -> {
            GroupModel created = session.groups().createGroup(realm, parentName());
            created.setSingleAttribute(ClaromentisProfile.MANAGED_BY, provider.getInternalId());
            LOG.infof("Created group '%s' in realm %s for the groups of identity provider '%s'", LogSafe.of(parentName()),
                    realm.getName(), LogSafe.of(provider.getAlias()));
            return created;
        });
    }

    /**
     * Makes the user a member of exactly the claim's groups among the provider's groups, and records the names for
     * the provisioning outbox (which then brings Claromentis memberships in step).
     */
    void sync(UserModel user, GroupClaim claim) {
        String alias = LogSafe.of(provider.getAlias());
        if (claim.refusedWhole()) {
            LOG.warnf("Identity provider '%s' named %d groups for user '%s' (at most %d are accepted): the group claim "
                    + "is ignored and the user's groups are left as they were", alias, claim.tooMany(),
                    LogSafe.of(user.getUsername()), GroupClaim.MAX_GROUPS);
            return;
        }
        claim.refused().forEach((value, reason) -> LOG.warnf("Identity provider '%s' named group '%s' for user '%s', "
                + "which is refused: %s", alias, value, LogSafe.of(user.getUsername()), reason));
        GroupModel parent = ensureParent();
        // Only the parent's own roles (and its parents') stop every membership; a privileged group below it is
        // skipped on its own, below.
        if (PrivilegeGuard.isPrivileged(parent)) {
            LOG.warnf("The group %s grants Keycloak administration: user '%s' joins none of the groups of identity "
                    + "provider '%s'", LogSafe.of(path()), LogSafe.of(user.getUsername()), alias);
            return;
        }
        Map<String, GroupModel> existing = parent.getSubGroupsStream()
                .collect(Collectors.toMap(GroupModel::getName, Function.identity(), (a, b) -> a));
        Set<String> held = new HashSet<>();
        List<String> recorded = new ArrayList<>();
        for (String name : claim.accepted()) {
            GroupModel group = existing.get(name);
            if (group == null) {
                group = session.groups().createGroup(realm, name, parent);
                group.setSingleAttribute(ClaromentisProfile.MANAGED_BY, provider.getInternalId());
            }
            if (PrivilegeGuard.isPrivileged(group)) {
                LOG.warnf("Identity provider '%s' named group '%s' for user '%s', which grants Keycloak administration: "
                        + "not joined", alias, LogSafe.of(group.getName()), LogSafe.of(user.getUsername()));
                continue;
            }
            held.add(group.getId());
            recorded.add(name);
            if (!user.isMemberOf(group)) {
                user.joinGroup(group);
            }
        }
        List<GroupModel> left = user.getGroupsStream()
                .filter(g -> parent.getId().equals(g.getParentId()) && !held.contains(g.getId())).toList();
        left.forEach(user::leaveGroup);
        if (recorded.isEmpty()) {
            user.removeAttribute(ClaromentisProfile.DIRECTORY_GROUPS);
        } else {
            user.setAttribute(ClaromentisProfile.DIRECTORY_GROUPS, recorded);
        }
    }

    private Optional<GroupModel> parent() {
        String name = parentName();
        return session.groups().getTopLevelGroupsStream(realm).filter(g -> name.equals(g.getName())).findFirst();
    }

    private String parentName() {
        // A slash would make the alias a path of several groups.
        return provider.getAlias().replace('/', '-');
    }

    private static boolean grantsAdministration(GroupModel group) {
        return grantsAdministration(group, new HashSet<>());
    }

    private static boolean grantsAdministration(GroupModel group, Set<String> seen) {
        if (!seen.add(group.getId())) {
            return false;
        }
        return PrivilegeGuard.isPrivileged(group)
                || group.getSubGroupsStream().anyMatch(child -> grantsAdministration(child, seen));
    }
}
