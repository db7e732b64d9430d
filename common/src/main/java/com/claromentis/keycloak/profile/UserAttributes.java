package com.claromentis.keycloak.profile;

import org.keycloak.models.UserModel;
import org.keycloak.models.jpa.UserAdapter;
import org.keycloak.models.jpa.entities.UserAttributeEntity;

import java.util.List;

/** Writing one single-valued user attribute the way the syncs need it: cheaply, when it is known to differ. */
public final class UserAttributes {

    private UserAttributes() {
    }

    /**
     * Sets {@code name} to the one value {@code value} (the caller has seen that it differs; null removes it). A
     * user of Keycloak's JPA store holding exactly one value has that value changed in place, as the store's own
     * write does, without the statement the store runs after every single-valued write to delete any further values:
     * a sync changing one or two values per person spent a fifth of its time in that statement.
     */
    public static void replace(UserModel user, String name, String value) {
        if (value == null) {
            user.removeAttribute(name);
        } else if (!replaceInPlace(user, name, value)) {
            user.setSingleAttribute(name, value);
        }
    }

    private static boolean replaceInPlace(UserModel user, String name, String value) {
        if (!(user instanceof UserAdapter jpa)) {
            return false;
        }
        List<UserAttributeEntity> held = jpa.getEntity().getAttributes().stream()
                .filter(attribute -> name.equals(attribute.getName())).toList();
        if (held.size() != 1) {
            return false;
        }
        held.get(0).setValue(value);
        return true;
    }
}
