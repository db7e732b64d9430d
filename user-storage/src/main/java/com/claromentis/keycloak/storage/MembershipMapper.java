package com.claromentis.keycloak.storage;

import com.claromentis.keycloak.peopleapi.ClaromentisGroup;
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
import java.util.Set;

/**
 * Claromentis groups as Keycloak groups and Claromentis roles as realm roles, marked with the component that
 * manages them so a sync never touches memberships that other sources or administrators gave.
 */
final class MembershipMapper {

    /** On a Keycloak group or role: the id of the People API component that manages it. */
    static final String MANAGED_BY = "claromentis.managedBy";
    static final String SOURCE_ID = "claromentis.id";

    private static final Logger LOG = Logger.getLogger(MembershipMapper.class);

    private final RealmModel realm;
    private final String componentId;
    private final KeycloakSession session;
    private final Map<String, GroupModel> groups = new HashMap<>();
    private final Map<String, RoleModel> roles = new HashMap<>();

    MembershipMapper(KeycloakSession session, RealmModel realm, String componentId) {
        this.session = session;
        this.realm = realm;
        this.componentId = componentId;
    }

    /**
     * Makes the user's managed group memberships exactly {@code wanted}; returns whether any changed.
     *
     * @param newUser a user created in this transaction has no memberships yet, so none are read
     */
    boolean syncGroups(UserModel user, Collection<ClaromentisGroup> wanted, boolean newUser) {
        // One read of the current memberships, then decisions in memory: a query per group would make the store
        // flush and re-check everything it holds each time.
        Map<String, GroupModel> current = new HashMap<>();
        if (!newUser) {
            user.getGroupsStream().forEach(g -> current.put(g.getId(), g));
        }
        Set<String> wantedIds = new HashSet<>();
        boolean changed = false;
        for (ClaromentisGroup group : wanted) {
            GroupModel model = group(group);
            wantedIds.add(model.getId());
            if (!current.containsKey(model.getId())) {
                user.joinGroup(model);
                changed = true;
            }
        }
        for (GroupModel group : current.values()) {
            if (componentId.equals(group.getFirstAttribute(MANAGED_BY)) && !wantedIds.contains(group.getId())) {
                user.leaveGroup(group);
                changed = true;
            }
        }
        return changed;
    }

    /** Makes the user's managed realm roles exactly {@code wanted}; returns whether any changed. */
    boolean syncRoles(UserModel user, Collection<ClaromentisGroup> wanted, boolean newUser) {
        Map<String, RoleModel> current = new HashMap<>();
        if (!newUser) {
            user.getRealmRoleMappingsStream().forEach(r -> current.put(r.getId(), r));
        }
        Set<String> wantedIds = new HashSet<>();
        boolean changed = false;
        for (ClaromentisGroup role : wanted) {
            RoleModel model = role(role);
            wantedIds.add(model.getId());
            if (!current.containsKey(model.getId())) {
                user.grantRole(model);
                changed = true;
            }
        }
        for (RoleModel role : current.values()) {
            if (componentId.equals(role.getFirstAttribute(MANAGED_BY)) && !wantedIds.contains(role.getId())) {
                user.deleteRoleMapping(role);
                changed = true;
            }
        }
        return changed;
    }


    private GroupModel group(ClaromentisGroup source) {
        return groups.computeIfAbsent(source.name(), name -> {
            GroupModel existing = session.groups().getGroupByName(realm, null, name);
            if (existing != null) {
                if (existing.getFirstAttribute(MANAGED_BY) == null) {
                    // An administrator's group of the same name: take it over rather than creating a twin.
                    LOG.infof("Keycloak group '%s' now also receives members from Claromentis", name);
                    existing.setSingleAttribute(MANAGED_BY, componentId);
                    existing.setSingleAttribute(SOURCE_ID, Long.toString(source.id()));
                }
                return existing;
            }
            GroupModel created = session.groups().createGroup(realm, name);
            created.setSingleAttribute(MANAGED_BY, componentId);
            created.setSingleAttribute(SOURCE_ID, Long.toString(source.id()));
            return created;
        });
    }

    private RoleModel role(ClaromentisGroup source) {
        return roles.computeIfAbsent(source.name(), name -> {
            RoleModel existing = realm.getRole(name);
            if (existing != null) {
                if (existing.getFirstAttribute(MANAGED_BY) == null) {
                    existing.setSingleAttribute(MANAGED_BY, componentId);
                    existing.setSingleAttribute(SOURCE_ID, Long.toString(source.id()));
                }
                return existing;
            }
            RoleModel created = realm.addRole(name);
            created.setDescription("Claromentis role");
            created.setSingleAttribute(MANAGED_BY, componentId);
            created.setSingleAttribute(SOURCE_ID, Long.toString(source.id()));
            return created;
        });
    }
}
