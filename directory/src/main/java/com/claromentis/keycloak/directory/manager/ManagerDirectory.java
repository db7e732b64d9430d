package com.claromentis.keycloak.directory.manager;

import javax.naming.ldap.LdapName;
import java.util.Optional;

/** One read of the directory: the username of the synced user at a DN. */
@FunctionalInterface
public interface ManagerDirectory {

    /**
     * @return the username at {@code dn}, or empty when no synced user is there (no entry, or not a user the provider
     * syncs); a directory that cannot answer throws, so a failed read never clears a manager
     */
    Optional<String> usernameAt(LdapName dn);
}
