package com.claromentis.keycloak.profile;

import com.claromentis.keycloak.common.LogSafe;
import org.jboss.logging.Logger;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.Map;

/**
 * The top-level Keycloak group under which a source (a People API provider, an Entra directory sync) keeps the groups
 * it fills. It is found by its mark ({@value #PARENT_OF} = the component's id), never by name, so renaming it keeps it
 * and an administrator's top-level group of the same name is never adopted.
 */
public final class SourceGroups {

    /** On the top-level group holding a component's groups: that component's id. */
    public static final String PARENT_OF = "claromentis.groupsOf";

    private static final Logger LOG = Logger.getLogger(SourceGroups.class);

    private SourceGroups() {
    }

    /** The component's parent group, created (named after the component) the first time. */
    public static GroupModel parentOf(KeycloakSession session, RealmModel realm, String componentId, String componentName) {
        GroupModel parent = session.groups().searchGroupsByAttributes(realm, Map.of(PARENT_OF, componentId), 0, 2)
                .filter(g -> g.getParentId() == null).findFirst().orElse(null);
        if (parent != null) {
            return parent;
        }
        String name = componentName;
        if (session.groups().getGroupByName(realm, null, name) != null) {
            // An administrator's group already has the component's name: never adopt it.
            name = componentName + " (" + componentId + ")";
        }
        parent = session.groups().createGroup(realm, name);
        parent.setSingleAttribute(PARENT_OF, componentId);
        LOG.infof("Provider '%s': its groups are kept under the Keycloak group '%s'", LogSafe.of(componentName),
                LogSafe.of(name));
        return parent;
    }
}
