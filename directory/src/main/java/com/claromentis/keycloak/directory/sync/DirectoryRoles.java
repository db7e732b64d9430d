package com.claromentis.keycloak.directory.sync;

import com.claromentis.keycloak.common.LogSafe;
import com.claromentis.keycloak.directory.manager.ManagerReference;
import com.claromentis.keycloak.profile.ClaromentisProfile;
import com.claromentis.keycloak.profile.PrivilegeGuard;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;

import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * Directory role groups as Keycloak realm roles: a user who is a member of a group directly under the roles DN holds
 * the realm role of the group's name, kept in step on every sync by deltas (roles gained are granted, roles the
 * directory took away are revoked, nothing else of the user's is touched).
 *
 * <p>A directory never hands out a role it did not create: a role group named like an existing realm role (an
 * administrator's, another provider's, Keycloak's default roles) grants nothing, and neither does one of its own
 * roles that someone has since made administer Keycloak ({@link PrivilegeGuard}). Whoever can create a group in the
 * directory must not become a Keycloak administrator.
 */
final class DirectoryRoles {

    /** Keycloak's column for a role name. */
    static final int MAX_NAME = 255;

    private DirectoryRoles() {
    }

    /**
     * The role names among {@code membershipValues}: the RDN values of the DNs directly under {@code rolesDn}, in the
     * directory's spelling (case kept, as Claromentis role names are compared exactly).
     *
     * @param rolesDn normalised ({@link DirectoryGroups#normalize})
     */
    static Set<String> names(String rolesDn, Collection<String> membershipValues) {
        Set<String> names = new TreeSet<>();
        if (rolesDn == null || membershipValues == null) {
            return names;
        }
        for (String value : membershipValues) {
            if (value == null || value.length() > 1024) {
                continue;
            }
            Optional<LdapName> parsed = ManagerReference.parse(value);
            if (parsed.isEmpty() || parsed.get().size() < 2) {
                continue;
            }
            LdapName dn = parsed.get();
            String parent = DirectoryGroups.normalize(dn.getPrefix(dn.size() - 1).toString());
            if (!rolesDn.equals(parent)) {
                continue;
            }
            Rdn leaf = dn.getRdn(dn.size() - 1);
            String name = leaf.getValue() instanceof String text ? text.strip() : null;
            if (name != null && isAcceptable(name)) {
                names.add(name);
                if (names.size() == DirectoryGroups.MAX_GROUPS) {
                    break;
                }
            }
        }
        return names;
    }

    /**
     * Brings the user's directory-granted realm roles to {@code wanted}: grants those missing, revokes those the
     * directory granted before and no longer names, and records what it granted on the user.
     *
     * @param ownerId the LDAP provider's id: the roles it creates carry it ({@link ClaromentisProfile#MANAGED_BY})
     * @param refused told (role name, reason) for a wanted role that is not granted
     * @return whether anything changed
     */
    static boolean apply(RealmModel realm, UserModel user, String ownerId, Set<String> wanted,
                         BiConsumer<String, String> refused) {
        Set<String> before = new TreeSet<>(user.getAttributeStream(ClaromentisProfile.DIRECTORY_ROLES).toList());
        if (before.isEmpty() && wanted.isEmpty()) {
            return false;
        }
        // One read of the user's role mappings, not one per role.
        Set<String> held = user.getRoleMappingsStream().map(RoleModel::getId).collect(java.util.stream.Collectors.toSet());
        Set<String> granted = new TreeSet<>();
        boolean changed = false;
        for (String name : wanted) {
            RoleModel role = realm.getRole(name);
            if (role == null) {
                role = realm.addRole(name);
                role.setDescription("Directory role");
                role.setSingleAttribute(ClaromentisProfile.MANAGED_BY, ownerId);
            } else if (!ownerId.equals(role.getFirstAttribute(ClaromentisProfile.MANAGED_BY))) {
                refused.accept(name, "the realm role '" + LogSafe.of(name) + "' was not created by this provider");
                continue;
            } else if (PrivilegeGuard.isPrivileged(role)) {
                refused.accept(name, "the realm role '" + LogSafe.of(name) + "' administers Keycloak");
                continue;
            }
            granted.add(name);
            if (!held.contains(role.getId())) {
                user.grantRole(role);
                changed = true;
            }
        }
        for (String name : before) {
            if (granted.contains(name)) {
                continue;
            }
            RoleModel role = realm.getRole(name);
            if (role != null && ownerId.equals(role.getFirstAttribute(ClaromentisProfile.MANAGED_BY))
                    && held.contains(role.getId())) {
                user.deleteRoleMapping(role);
                changed = true;
            }
        }
        if (!granted.equals(before)) {
            if (granted.isEmpty()) {
                user.removeAttribute(ClaromentisProfile.DIRECTORY_ROLES);
            } else {
                user.setAttribute(ClaromentisProfile.DIRECTORY_ROLES, List.copyOf(granted));
            }
            changed = true;
        }
        return changed;
    }

    /** A role name Keycloak can hold and an administrator can read: not blank, not too long, no control characters. */
    static boolean isAcceptable(String name) {
        return !name.isBlank() && name.length() <= MAX_NAME && name.codePoints().noneMatch(Character::isISOControl);
    }
}
