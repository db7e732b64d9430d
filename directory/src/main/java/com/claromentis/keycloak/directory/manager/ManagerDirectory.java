package com.claromentis.keycloak.directory.manager;

import javax.naming.ldap.LdapName;
import java.util.Optional;

/** One read of the directory: the synced user at a DN, with the DN of their own manager. */
@FunctionalInterface
public interface ManagerDirectory {

    /** The synced user at a DN: their username, and the raw value of their own manager attribute (or null). */
    record Entry(String username, String managerDn) {
    }

    /**
     * @return the user at {@code dn}, or empty when no synced user is there (no entry, or not a user the provider
     * syncs); a directory that cannot answer throws, so a failed read never clears a manager
     */
    Optional<Entry> entryAt(LdapName dn);
}
