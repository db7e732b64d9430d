package com.claromentis.keycloak.directory.sync;

import com.claromentis.keycloak.connection.ComponentSettings;
import org.keycloak.component.ComponentModel;

import java.util.Locale;

/** The directory sync mapper's settings, read once from its component; each declared here with its default and bounds. */
record DirectorySyncSettings(Removal removal, int maxRemovalPercent, String membershipAttribute, String rolesDn) {

    /** What a full sync does with a Keycloak user whose directory entry is gone (or left the provider's filter). */
    enum Removal {
        /** Disabled in Keycloak and deactivated in Claromentis; back when the entry is back. */
        DISABLE,
        /** Deleted from Keycloak after Claromentis is told to deactivate them. */
        DELETE,
        /** Left as they are: removal is off. */
        KEEP
    }

    static final String REMOVAL = "removal";
    static final String MAX_REMOVAL_PERCENT = "removal.max.percent";
    static final String MEMBERSHIP_ATTRIBUTE = "membership.ldap.attribute";
    /** Optional: the groups directly under this DN are the directory's roles (normalised; null = no roles). */
    static final String ROLES_DN = "roles.dn";

    static final String DEFAULT_REMOVAL = "disable";
    static final int DEFAULT_MAX_REMOVAL_PERCENT = 20;
    static final String DEFAULT_MEMBERSHIP_ATTRIBUTE = "memberOf";

    static DirectorySyncSettings of(ComponentModel model) {
        String removal = first(model, REMOVAL);
        String membership = first(model, MEMBERSHIP_ATTRIBUTE);
        String roles = first(model, ROLES_DN);
        String rolesDn = null;
        if (roles != null && !roles.isBlank()) {
            rolesDn = DirectoryGroups.normalize(roles.trim());
            if (rolesDn == null) {
                throw ComponentSettings.invalid("The roles DN must be a DN, not '" + ComponentSettings.abbreviate(roles) + "'");
            }
        }
        return new DirectorySyncSettings(
                parseRemoval(removal == null || removal.isBlank() ? DEFAULT_REMOVAL : removal),
                ComponentSettings.integer(model, MAX_REMOVAL_PERCENT, "Largest share removed in one sync (%)",
                        DEFAULT_MAX_REMOVAL_PERCENT, 1, 100),
                membership == null || membership.isBlank() ? DEFAULT_MEMBERSHIP_ATTRIBUTE : membership.trim(), rolesDn);
    }

    /** Refuses values the mapper would not act on, at save time, with the setting named. */
    static void validate(ComponentModel model) {
        DirectorySyncSettings settings = of(model);
        if (!settings.membershipAttribute().matches("[A-Za-z][A-Za-z0-9-]{0,127}|[0-9]+(\\.[0-9]+){1,63}")) {
            throw ComponentSettings.invalid("The membership LDAP attribute must be an LDAP attribute name");
        }
    }

    private static Removal parseRemoval(String value) {
        try {
            return Removal.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ComponentSettings.invalid("Removal must be disable, delete or keep, not '"
                    + ComponentSettings.abbreviate(value) + "'");
        }
    }

    private static String first(ComponentModel model, String key) {
        return model.getConfig() == null ? null : model.getConfig().getFirst(key);
    }
}
