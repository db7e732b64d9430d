package com.claromentis.keycloak.directory.manager;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import java.util.Objects;
import java.util.Optional;

/**
 * What a user's manager value says before the directory is asked: nothing, not a DN, a DN outside the provider's
 * users, the user themself, or a DN worth reading.
 *
 * <p>DNs compare as LDAP does (attribute types and values without regard to case or spacing), so
 * {@code UID=Alice, ou=People} is the same entry as {@code uid=alice,ou=people}.
 */
public record ManagerReference(Kind kind, LdapName dn) {

    public enum Kind {
        /** No manager value: the manager is cleared, quietly. */
        NONE,
        /** A value that does not parse as a DN (e.g. a bare username). */
        NOT_A_DN,
        /** A DN that the provider does not sync (another subtree, or below its one level). */
        OUTSIDE_USERS,
        /** The user's own DN. */
        SELF,
        /** A DN inside the synced users, to be read. */
        CANDIDATE
    }

    public ManagerReference {
        Objects.requireNonNull(kind);
    }

    /**
     * @param raw      the user's manager attribute value, or null
     * @param userDn   the user's own DN
     * @param usersDn  the provider's users DN
     * @param subtree  whether the provider searches the whole subtree (otherwise one level below {@code usersDn})
     */
    public static ManagerReference classify(String raw, LdapName userDn, LdapName usersDn, boolean subtree) {
        if (raw == null || raw.isBlank()) {
            return new ManagerReference(Kind.NONE, null);
        }
        Optional<LdapName> parsed = parse(raw);
        if (parsed.isEmpty()) {
            return new ManagerReference(Kind.NOT_A_DN, null);
        }
        LdapName dn = parsed.get();
        if (dn.equals(userDn)) {
            return new ManagerReference(Kind.SELF, dn);
        }
        boolean below = dn.size() > usersDn.size() && dn.startsWith(usersDn);
        if (!below || (!subtree && dn.size() != usersDn.size() + 1)) {
            return new ManagerReference(Kind.OUTSIDE_USERS, dn);
        }
        return new ManagerReference(Kind.CANDIDATE, dn);
    }

    /** A DN with at least one RDN of the form {@code type=value}, or empty. */
    public static Optional<LdapName> parse(String raw) {
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        try {
            LdapName name = new LdapName(raw.trim());
            return name.isEmpty() ? Optional.empty() : Optional.of(name);
        } catch (InvalidNameException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** {@link #parse} for a DN the provider itself is configured with; a bad one is a configuration error. */
    public static LdapName configured(String dn) {
        return parse(dn).orElseThrow(() -> new IllegalStateException("The LDAP provider's users DN is not a DN"));
    }
}
