package com.claromentis.keycloak.directory.manager;

import javax.naming.ldap.LdapName;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * What a user's manager becomes: a username, or cleared, with the reason an administrator reads in the warning.
 *
 * @param username the manager's username, empty when cleared
 * @param problem  why the value was cleared, empty when there was nothing wrong (a manager, or no manager at all)
 */
public record ManagerResolution(Optional<String> username, Optional<String> problem) {

    /** Longest chain of managers followed to find a cycle; no organisation is this deep. */
    static final int MAX_CHAIN = 64;

    static ManagerResolution of(ManagerReference reference, LdapName userDn, ManagerCache cache, ManagerDirectory directory) {
        return switch (reference.kind()) {
            case NONE -> new ManagerResolution(Optional.empty(), Optional.empty());
            case NOT_A_DN -> cleared("the manager value is not a DN");
            case SELF -> cleared("the manager DN is the user's own");
            case OUTSIDE_USERS -> cleared("the manager DN is outside the provider's users");
            case CANDIDATE -> found(reference, userDn, cache, directory);
        };
    }

    /** Resolves {@code raw} for the user at {@code userDn}. */
    public static ManagerResolution resolve(String raw, LdapName userDn, LdapName usersDn, boolean subtree,
                                            ManagerCache cache, ManagerDirectory directory) {
        return of(ManagerReference.classify(raw, userDn, usersDn, subtree), userDn, cache, directory);
    }

    private static ManagerResolution found(ManagerReference reference, LdapName userDn, ManagerCache cache,
                                           ManagerDirectory directory) {
        Optional<ManagerDirectory.Entry> manager = cache.entryAt(reference.dn(), directory);
        if (manager.isEmpty()) {
            return cleared("no synced user at the manager DN");
        }
        if (leadsBackTo(userDn, reference.dn(), manager.get(), cache, directory)) {
            return cleared("the managers form a cycle back to the user");
        }
        return new ManagerResolution(Optional.of(manager.get().username()), Optional.empty());
    }

    /**
     * Follows the chain of managers above {@code first} (each DN read once per sync, through the cache) and says
     * whether it comes back to the user. A chain that ends, leaves the synced users, loops above the user without
     * them, or runs past {@link #MAX_CHAIN} managers does not.
     */
    private static boolean leadsBackTo(LdapName user, LdapName first, ManagerDirectory.Entry entry, ManagerCache cache,
                                       ManagerDirectory directory) {
        Set<LdapName> seen = new HashSet<>();
        seen.add(first);
        ManagerDirectory.Entry current = entry;
        for (int hop = 0; hop < MAX_CHAIN; hop++) {
            Optional<LdapName> parsed = ManagerReference.parse(current.managerDn());
            if (parsed.isEmpty()) {
                return false;
            }
            LdapName next = parsed.get();
            if (next.equals(user)) {
                return true;
            }
            if (!seen.add(next)) {
                return false;
            }
            Optional<ManagerDirectory.Entry> above = cache.entryAt(next, directory);
            if (above.isEmpty()) {
                return false;
            }
            current = above.get();
        }
        return false;
    }

    private static ManagerResolution cleared(String problem) {
        return new ManagerResolution(Optional.empty(), Optional.of(problem));
    }
}
