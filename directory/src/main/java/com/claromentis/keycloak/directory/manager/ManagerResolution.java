package com.claromentis.keycloak.directory.manager;

import javax.naming.ldap.LdapName;
import java.util.Optional;

/**
 * What a user's manager becomes: a username, or cleared, with the reason an administrator reads in the warning.
 *
 * @param username the manager's username, empty when cleared
 * @param problem  why the value was cleared, empty when there was nothing wrong (a manager, or no manager at all)
 */
public record ManagerResolution(Optional<String> username, Optional<String> problem) {

    static ManagerResolution of(ManagerReference reference, ManagerCache cache, ManagerDirectory directory) {
        return switch (reference.kind()) {
            case NONE -> new ManagerResolution(Optional.empty(), Optional.empty());
            case NOT_A_DN -> cleared("the manager value is not a DN");
            case SELF -> cleared("the manager DN is the user's own");
            case OUTSIDE_USERS -> cleared("the manager DN is outside the provider's users");
            case CANDIDATE -> found(cache.usernameAt(reference.dn(), directory), reference.dn());
        };
    }

    /** Resolves {@code raw} for the user at {@code userDn}. */
    public static ManagerResolution resolve(String raw, LdapName userDn, LdapName usersDn, boolean subtree,
                                            ManagerCache cache, ManagerDirectory directory) {
        return of(ManagerReference.classify(raw, userDn, usersDn, subtree), cache, directory);
    }

    private static ManagerResolution found(Optional<String> username, LdapName dn) {
        return username.isPresent() ? new ManagerResolution(username, Optional.empty())
                : cleared("no synced user at the manager DN");
    }

    private static ManagerResolution cleared(String problem) {
        return new ManagerResolution(Optional.empty(), Optional.of(problem));
    }
}
