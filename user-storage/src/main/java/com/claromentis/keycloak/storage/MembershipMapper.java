package com.claromentis.keycloak.storage;

import com.claromentis.keycloak.common.LogSafe;
import com.claromentis.keycloak.peopleapi.ClaromentisGroup;
import com.claromentis.keycloak.profile.ClaromentisProfile;
import com.claromentis.keycloak.profile.PrivilegeGuard;
import com.claromentis.keycloak.profile.SourceGroups;
import org.jboss.logging.Logger;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Claromentis groups as Keycloak groups and Claromentis roles as realm roles, each one created by this component
 * and marked with its id. A group or role Keycloak already had (an administrator's, another source's) is never
 * joined, filled or emptied because its name matches: the clash is reported instead. Neither a group nor a role
 * that gives administration of Keycloak ({@link PrivilegeGuard}) is ever given, even one this component created
 * and an administrator later made privileged.
 *
 * <p>The component's groups live under one top-level group of its own, named after the component and marked with
 * {@link #PARENT_OF}, so an administrator's top-level group of the same name is never touched. Its roles are realm
 * roles carrying {@link #MANAGED_BY}: only roles this component created carry it.
 */
final class MembershipMapper {

    /** On a Keycloak group or role: the id of the People API component that created and manages it. */
    static final String MANAGED_BY = ClaromentisProfile.MANAGED_BY;
    static final String SOURCE_ID = "claromentis.id";
    /** On the top-level group holding a component's groups: that component's id. */
    static final String PARENT_OF = SourceGroups.PARENT_OF;

    private static final Logger LOG = Logger.getLogger(MembershipMapper.class);

    private final RealmModel realm;
    private final String componentId;
    private final String componentName;
    private final KeycloakSession session;
    private final SyncReport report;
    private final Map<String, Optional<GroupModel>> groups = new HashMap<>();
    private final Map<String, Optional<RoleModel>> roles = new HashMap<>();
    private GroupModel parent;

    /**
     * @param report where clashes are reported once per name; a fresh one for a single sign-in or lookup
     */
    MembershipMapper(KeycloakSession session, RealmModel realm, String componentId, String componentName, SyncReport report) {
        this.session = session;
        this.realm = realm;
        this.componentId = componentId;
        this.componentName = componentName;
        this.report = report;
    }

    /**
     * Makes the user's memberships of this component's groups exactly {@code wanted} (minus clashes); returns
     * whether any changed.
     *
     * @param newUser a user created in this transaction has no memberships yet, so none are read
     * @param current the ids of the groups the user is in, when already read (a sync's {@link ImportedPage}), or
     *                null to read them
     */
    boolean syncGroups(UserModel user, Collection<ClaromentisGroup> wanted, boolean newUser, Set<String> current) {
        // One read of the current memberships, then decisions in memory: a query per group would make the store
        // flush and re-check everything it holds each time.
        Set<String> held = newUser ? Set.of() : current != null ? current
                : user.getGroupsStream().map(GroupModel::getId).collect(Collectors.toSet());
        Set<String> wantedIds = new HashSet<>();
        boolean changed = false;
        for (ClaromentisGroup group : wanted) {
            Optional<GroupModel> model = group(group);
            if (model.isEmpty()) {
                continue;
            }
            wantedIds.add(model.get().getId());
            if (!held.contains(model.get().getId())) {
                user.joinGroup(model.get());
                changed = true;
            }
        }
        for (String id : held) {
            if (!wantedIds.contains(id)) {
                GroupModel group = session.groups().getGroupById(realm, id);
                if (group != null && ownedGroup(group)) {
                    user.leaveGroup(group);
                    changed = true;
                }
            }
        }
        return changed;
    }

    /**
     * Makes the user's grants of this component's realm roles exactly {@code wanted} (minus clashes).
     *
     * @param current the ids of the roles granted to the user directly, when already read, or null to read them
     */
    boolean syncRoles(UserModel user, Collection<ClaromentisGroup> wanted, boolean newUser, Set<String> current) {
        Set<String> held = newUser ? Set.of() : current != null ? current
                : user.getRealmRoleMappingsStream().map(RoleModel::getId).collect(Collectors.toSet());
        Set<String> wantedIds = new HashSet<>();
        boolean changed = false;
        for (ClaromentisGroup role : wanted) {
            Optional<RoleModel> model = role(role);
            if (model.isEmpty()) {
                continue;
            }
            wantedIds.add(model.get().getId());
            if (!held.contains(model.get().getId())) {
                user.grantRole(model.get());
                changed = true;
            }
        }
        for (String id : held) {
            if (!wantedIds.contains(id)) {
                // Client roles and roles of other sources carry no mark of this component: left as they are.
                RoleModel role = session.roles().getRoleById(realm, id);
                if (role != null && componentId.equals(role.getFirstAttribute(MANAGED_BY))) {
                    user.deleteRoleMapping(role);
                    changed = true;
                }
            }
        }
        return changed;
    }

    private boolean ownedGroup(GroupModel group) {
        return componentId.equals(group.getFirstAttribute(MANAGED_BY)) && group.getParentId() != null
                && group.getParentId().equals(parent().getId());
    }

    private Optional<GroupModel> group(ClaromentisGroup source) {
        return groups.computeIfAbsent(source.name(), name -> {
            GroupModel under = parent();
            GroupModel existing = session.groups().getGroupByName(realm, under, name);
            if (existing == null) {
                GroupModel created = session.groups().createGroup(realm, name, under);
                mark(created, source);
                return Optional.of(created);
            }
            if (!componentId.equals(existing.getFirstAttribute(MANAGED_BY))) {
                clash("group", name, "Keycloak group '" + LogSafe.of(existing.getName()) + "' under '"
                        + LogSafe.of(under.getName()) + "' was not created by this provider; its members are left as they are");
                return Optional.empty();
            }
            if (PrivilegeGuard.isPrivileged(existing)) {
                clash("group", name, "Keycloak group '" + LogSafe.of(name) + "' grants administration of Keycloak; "
                        + "nobody is added to it by this provider");
                return Optional.empty();
            }
            return Optional.of(existing);
        });
    }

    private Optional<RoleModel> role(ClaromentisGroup source) {
        return roles.computeIfAbsent(source.name(), name -> {
            RoleModel existing = realm.getRole(name);
            if (existing == null) {
                RoleModel created = realm.addRole(name);
                created.setDescription("Claromentis role");
                mark(created, source);
                return Optional.of(created);
            }
            if (!componentId.equals(existing.getFirstAttribute(MANAGED_BY))) {
                clash("role", name, "Keycloak realm role '" + LogSafe.of(name)
                        + "' was not created by this provider; it is not granted to its Claromentis members");
                return Optional.empty();
            }
            if (PrivilegeGuard.isPrivileged(existing)) {
                clash("role", name, "Keycloak realm role '" + LogSafe.of(name) + "' grants administration of Keycloak; "
                        + "it is not granted by this provider");
                return Optional.empty();
            }
            return Optional.of(existing);
        });
    }

    /** The top-level group holding this component's groups ({@link SourceGroups}). */
    private GroupModel parent() {
        if (parent == null) {
            parent = SourceGroups.parentOf(session, realm, componentId, componentName);
        }
        return parent;
    }

    private void mark(org.keycloak.models.RoleModel role, ClaromentisGroup source) {
        role.setSingleAttribute(MANAGED_BY, componentId);
        role.setSingleAttribute(SOURCE_ID, Long.toString(source.id()));
    }

    private void mark(GroupModel group, ClaromentisGroup source) {
        group.setSingleAttribute(MANAGED_BY, componentId);
        group.setSingleAttribute(SOURCE_ID, Long.toString(source.id()));
    }

    private void clash(String kind, String name, String text) {
        if (report.note(kind + ":" + name, text)) {
            LOG.warnf("Provider '%s': %s", LogSafe.of(componentName), text);
        }
    }
}
