package com.claromentis.keycloak.directory.manager;

import javax.naming.ldap.LdapName;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The synced users read as managers, by DN, so one sync (or one sign-in's transaction) reads each distinct manager DN once. Bounded:
 * past {@link #MAX_ENTRIES} DNs it still answers, reading the directory for the ones it no longer has room for.
 * Not thread-safe: a cache belongs to one sync thread or one session.
 */
public final class ManagerCache {

    static final int MAX_ENTRIES = 200_000;

    private final Map<LdapName, Optional<ManagerDirectory.Entry>> entries = new HashMap<>();
    private final int maxEntries;

    public ManagerCache() {
        this(MAX_ENTRIES);
    }

    ManagerCache(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    Optional<ManagerDirectory.Entry> entryAt(LdapName dn, ManagerDirectory directory) {
        Optional<ManagerDirectory.Entry> known = entries.get(dn);
        if (known != null) {
            return known;
        }
        Optional<ManagerDirectory.Entry> read = directory.entryAt(dn);
        if (entries.size() < maxEntries) {
            entries.put(dn, read);
        }
        return read;
    }

    int size() {
        return entries.size();
    }
}
