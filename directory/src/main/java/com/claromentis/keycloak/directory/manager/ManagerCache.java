package com.claromentis.keycloak.directory.manager;

import javax.naming.ldap.LdapName;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Managers' usernames by DN, so one sync (or one sign-in's transaction) reads each distinct manager DN once. Bounded:
 * past {@link #MAX_ENTRIES} DNs it still answers, reading the directory for the ones it no longer has room for.
 * Not thread-safe: a cache belongs to one sync thread or one session.
 */
public final class ManagerCache {

    static final int MAX_ENTRIES = 200_000;

    private final Map<LdapName, Optional<String>> usernames = new HashMap<>();
    private final int maxEntries;

    public ManagerCache() {
        this(MAX_ENTRIES);
    }

    ManagerCache(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    Optional<String> usernameAt(LdapName dn, ManagerDirectory directory) {
        Optional<String> known = usernames.get(dn);
        if (known != null) {
            return known;
        }
        Optional<String> read = directory.usernameAt(dn);
        if (usernames.size() < maxEntries) {
            usernames.put(dn, read);
        }
        return read;
    }

    int size() {
        return usernames.size();
    }
}
