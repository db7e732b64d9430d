package com.claromentis.keycloak.profile;

import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.GroupModel;
import org.keycloak.models.RoleContainerModel;
import org.keycloak.models.RoleModel;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * The one rule every source of this bundle (People API, directories, token claims) follows before it gives a
 * Keycloak user a role or a group: it never hands out administration of Keycloak.
 *
 * <p>A role is privileged when it is a client role of a realm's {@code realm-management} client, or of one of the
 * master realm's {@code <realm>-realm} clients (which administer other realms), or when it composes such a role,
 * however deeply. A group is privileged when it, or any group above it (whose roles its members inherit), maps a
 * privileged role.
 */
public final class PrivilegeGuard {

    /** Suffix of the master realm's clients that administer one realm each. */
    private static final String MASTER_ADMIN_CLIENT_SUFFIX = "-realm";

    private PrivilegeGuard() {
    }

    /** Whether granting {@code role} would give administration of Keycloak, directly or through its composites. */
    public static boolean isPrivileged(RoleModel role) {
        if (role == null) {
            return false;
        }
        Set<String> seen = new HashSet<>();
        Deque<RoleModel> todo = new ArrayDeque<>();
        todo.push(role);
        while (!todo.isEmpty()) {
            RoleModel next = todo.pop();
            if (!seen.add(next.getId())) {
                continue;
            }
            if (isAdministrationRole(next)) {
                return true;
            }
            if (next.isComposite()) {
                next.getCompositesStream().forEach(todo::push);
            }
        }
        return false;
    }

    /** Whether joining {@code group} would give administration of Keycloak through its or its parents' roles. */
    public static boolean isPrivileged(GroupModel group) {
        Set<String> seen = new HashSet<>();
        for (GroupModel at = group; at != null && seen.add(at.getId()); at = at.getParent()) {
            if (at.getRoleMappingsStream().anyMatch(PrivilegeGuard::isPrivileged)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isAdministrationRole(RoleModel role) {
        if (!role.isClientRole()) {
            return false;
        }
        RoleContainerModel container = role.getContainer();
        if (!(container instanceof ClientModel client)) {
            return false;
        }
        String clientId = client.getClientId();
        return Constants.REALM_MANAGEMENT_CLIENT_ID.equals(clientId)
                || (clientId != null && clientId.endsWith(MASTER_ADMIN_CLIENT_SUFFIX)
                    && client.getRealm() != null && "master".equals(client.getRealm().getName()));
    }

    /**
     * Takes every role that administers Keycloak off a group a source fills, and returns those taken: whoever can
     * put people into that group at the source must never make them Keycloak administrators.
     */
    public static java.util.List<RoleModel> withdraw(GroupModel group) {
        java.util.List<RoleModel> privileged = group.getRoleMappingsStream().filter(PrivilegeGuard::isPrivileged).toList();
        privileged.forEach(group::deleteRoleMapping);
        return privileged;
    }
}
