package com.claromentis.keycloak.profile;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.representations.userprofile.config.UPAttribute;
import org.keycloak.representations.userprofile.config.UPAttributePermissions;
import org.keycloak.representations.userprofile.config.UPConfig;
import org.keycloak.userprofile.UserProfileProvider;

import java.util.List;
import java.util.Set;

/**
 * The Claromentis user model's fields as Keycloak user attributes: their names, and their declaration in a realm's
 * user profile.
 *
 * <p>Keycloak 26 drops attributes its user profile does not declare, so every provider that fills these
 * attributes (People API storage, LDAP mappers, identity-provider mappers) calls {@link #declare} when an
 * administrator adds it.
 */
public final class ClaromentisProfile {

    public static final String JOB_TITLE = "jobTitle";
    public static final String OFFICE = "office";
    public static final String DEPARTMENT = "department";
    public static final String PHONE = "phone";
    /** The manager's Claromentis username. */
    public static final String MANAGER = "manager";
    public static final String EXTERNAL_ID = "externalId";
    /** The user's id in Claromentis, kept so a renamed user is still found. */
    public static final String CLAROMENTIS_ID = "claromentisId";

    /**
     * Local, unmanaged attribute: the DNs (lower case) of the directory groups an LDAP user was last read in. The
     * provisioning fingerprint includes it, so a change of membership alone queues the user for Claromentis.
     */
    public static final String DIRECTORY_GROUPS = "claromentis.directoryGroups";
    /**
     * Local, unmanaged attribute: the names of the realm roles a directory's role groups last granted the user, so
     * the next sync revokes exactly those the directory took away, and the provisioning fingerprint notices it.
     */
    public static final String DIRECTORY_ROLES = "claromentis.directoryRoles";
    /**
     * On a Keycloak group or role: the id of the component (People API provider, LDAP provider) that created and
     * manages it. A source grants only what it created itself, so a directory or Claromentis group named like an
     * administrator's role never hands that role out.
     */
    public static final String MANAGED_BY = "claromentis.managedBy";
    /** Local, unmanaged attribute: when (epoch ms) a directory sync disabled the user as gone from the directory. */
    public static final String DIRECTORY_REMOVED = "claromentis.directoryRemoved";

    /** Attributes a directory or Claromentis owns; users see them but cannot edit them. */
    public static final List<String> DIRECTORY_OWNED = List.of(JOB_TITLE, OFFICE, DEPARTMENT, PHONE, MANAGER);
    /** Attributes only administrators see. */
    public static final List<String> ADMIN_ONLY = List.of(EXTERNAL_ID, CLAROMENTIS_ID);

    private static final Logger LOG = Logger.getLogger(ClaromentisProfile.class);
    private static final String GROUP = "claromentis";

    private ClaromentisProfile() {
    }

    /**
     * Adds the Claromentis attributes to the session realm's user profile where missing; attributes an
     * administrator already declared are left as they are.
     */
    public static void declare(KeycloakSession session) {
        UserProfileProvider provider = session.getProvider(UserProfileProvider.class);
        UPConfig config = provider.getConfiguration();
        boolean changed = false;
        for (String name : DIRECTORY_OWNED) {
            changed |= addIfMissing(config, name, Set.of("admin", "user"));
        }
        for (String name : ADMIN_ONLY) {
            changed |= addIfMissing(config, name, Set.of("admin"));
        }
        if (changed) {
            provider.setConfiguration(config);
            LOG.infof("Declared the Claromentis attributes in the user profile of realm %s",
                    session.getContext().getRealm().getName());
        }
    }

    private static boolean addIfMissing(UPConfig config, String name, Set<String> viewers) {
        if (config.getAttribute(name) != null) {
            return false;
        }
        // Only administrators (and the providers themselves) write these: the source of truth is elsewhere.
        UPAttribute attribute = new UPAttribute(name, new UPAttributePermissions(viewers, Set.of("admin")));
        attribute.setDisplayName("${claromentis.attribute." + name + "}");
        attribute.setMultivalued(false);
        config.addOrReplaceAttribute(attribute);
        return true;
    }
}
