package com.claromentis.keycloak.graph;

import com.claromentis.keycloak.common.LogSafe;
import com.claromentis.keycloak.profile.ClaromentisProfile;
import com.claromentis.keycloak.profile.PrivilegeGuard;
import com.claromentis.keycloak.profile.SourceGroups;
import org.jboss.logging.Logger;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The chosen Entra groups as Keycloak groups, all under one top-level group of this provider's own (found by its
 * mark, so an administrator's group of the same name is never used), each marked with the provider's id and the
 * Entra group's object id. Membership changes are deltas: a user joins or leaves only the groups that differ. A
 * group that was made to administer Keycloak loses that role at every sync.
 */
final class EntraGroups {

    static final String ENTRA_GROUP_ID = "claromentis.entraGroupId";

    private static final Logger LOG = Logger.getLogger(EntraGroups.class);

    private final KeycloakSession session;
    private final RealmModel realm;
    private final String componentId;
    private final String componentName;
    private final Map<String, String> names;
    private final Consumer<String> warn;
    private final Map<String, String> settledIds;
    private final Map<String, Optional<GroupModel>> groups = new HashMap<>();
    private GroupModel parent;

    /**
     * @param names      the chosen groups' display names by object id, as Graph last gave them
     * @param settledIds the Keycloak group ids this sync already settled, by Entra group id; shared by the sync's
     *                   transactions and filled here
     */
    EntraGroups(KeycloakSession session, RealmModel realm, String componentId, String componentName,
                Map<String, String> names, Map<String, String> settledIds, Consumer<String> warn) {
        this.settledIds = settledIds;
        this.session = session;
        this.realm = realm;
        this.componentId = componentId;
        this.componentName = componentName;
        this.names = names;
        this.warn = warn;
    }

    /** Joins {@code user} to the groups of {@code joined} and takes them out of those of {@code left}. */
    void apply(UserModel user, Set<String> joined, Set<String> left) {
        for (String id : joined) {
            group(id).ifPresent(user::joinGroup);
        }
        for (String id : left) {
            group(id).ifPresent(user::leaveGroup);
        }
    }

    private Optional<GroupModel> group(String id) {
        return groups.computeIfAbsent(id, key -> {
            // Settled earlier in this sync (found or created, renamed, held to the privilege rule): no search again.
            String settled = settledIds.get(key);
            GroupModel known = settled == null ? null : session.groups().getGroupById(realm, settled);
            if (known != null) {
                return Optional.of(known);
            }
            GroupModel under = parent();
            String name = names.get(key);
            GroupModel found = under.getSubGroupsStream()
                    .filter(g -> key.equals(g.getFirstAttribute(ENTRA_GROUP_ID))
                            && componentId.equals(g.getFirstAttribute(ClaromentisProfile.MANAGED_BY)))
                    .findFirst().orElse(null);
            String wanted = name == null || name.isBlank() ? key : name;
            if (found == null) {
                if (session.groups().getGroupByName(realm, under, wanted) != null) {
                    // Display names are not unique in Entra: a second group of the name is told apart by its id.
                    wanted = wanted + " (" + key.substring(0, 8) + ")";
                }
                found = session.groups().createGroup(realm, wanted, under);
                found.setSingleAttribute(ClaromentisProfile.MANAGED_BY, componentId);
                found.setSingleAttribute(ENTRA_GROUP_ID, key);
            } else if (name != null && !name.isBlank() && !found.getName().equals(name)
                    && !found.getName().startsWith(name + " (")) {
                if (session.groups().getGroupByName(realm, under, name) == null) {
                    LOG.infof("Provider '%s': the Entra group '%s' is now called '%s'; renamed here too",
                            LogSafe.of(componentName), LogSafe.of(found.getName()), LogSafe.of(name));
                    found.setName(name);
                }
            }
            if (PrivilegeGuard.isPrivileged(found)) {
                PrivilegeGuard.withdraw(found);
                warn.accept("the Entra group '" + LogSafe.of(found.getName()) + "' had been given a role that "
                        + "administers Keycloak; the role was taken off it");
            }
            settledIds.put(key, found.getId());
            return Optional.of(found);
        });
    }

    private GroupModel parent() {
        if (parent == null) {
            parent = SourceGroups.parentOf(session, realm, componentId, componentName);
        }
        return parent;
    }
}
