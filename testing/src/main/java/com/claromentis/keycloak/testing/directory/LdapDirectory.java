package com.claromentis.keycloak.testing.directory;

import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPInterface;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import com.unboundid.ldap.sdk.RDN;
import com.unboundid.ldap.sdk.SearchResultEntry;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** What {@link SambaAd} and {@link Slapd} share: the administrator connection and schema-neutral operations. */
abstract class LdapDirectory implements Directory {

    private final int ldapPort;
    private final int ldapsPort;
    private final String baseDn;
    private final String bindDn;
    private final String bindPassword;
    /** Stops the server if the JVM ends without {@link #close()}, so no run leaves a daemon on the machine. */
    private final Thread shutdownHook = new Thread(this::stopServer, getClass().getSimpleName() + "-stop");
    private LDAPConnectionPool pool;
    private int usersAdded;
    private long userAddNanos;

    LdapDirectory(int ldapPort, int ldapsPort, String baseDn, String bindDn, String bindPassword) {
        this.ldapPort = ldapPort;
        this.ldapsPort = ldapsPort;
        this.baseDn = baseDn;
        this.bindDn = bindDn;
        this.bindPassword = bindPassword;
    }

    /** Whether this fixture started a server that is still running. */
    abstract boolean running();

    /** The fixture's working folder, where its timings are recorded. */
    public abstract Path home();

    /** Stops the server process, if any; safe to call twice and from the shutdown hook. */
    abstract void stopServer();

    /** Called by the subclass just before it launches its server. */
    final void stopAtExit() {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    @Override
    public final synchronized void close() {
        if (running()) {
            recordTiming(home(), userAddTiming());
        }
        closeConnection();
        stopServer();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is what is running us.
        }
    }

    final int ldapPort() {
        return ldapPort;
    }

    final int ldapsPort() {
        return ldapsPort;
    }

    @Override
    public final String ldapUrl() {
        return "ldap://127.0.0.1:" + ldapPort;
    }

    @Override
    public final String ldapsUrl() {
        return "ldaps://127.0.0.1:" + ldapsPort;
    }

    @Override
    public final String baseDn() {
        return baseDn;
    }

    @Override
    public final String bindDn() {
        return bindDn;
    }

    @Override
    public final String bindPassword() {
        return bindPassword;
    }

    @Override
    public final Path truststore() {
        return DirectoryTls.shared().truststore();
    }

    /** Called by the subclass once the server answers. */
    final void connected(LDAPConnectionPool pool) {
        this.pool = Objects.requireNonNull(pool);
    }

    /** The user entry in this directory's schema. */
    abstract Entry userEntry(String dn, DirectoryUser user);

    /** The group entry in this directory's schema. */
    abstract Entry groupEntry(String dn, String name, List<String> memberDns);

    abstract String organizationalUnitRdnAttribute();

    /** Spelled as the server spells it, so DNs read back compare equal. */
    abstract String groupRdnAttribute();

    abstract String userRdnValue(DirectoryUser user);

    abstract String userRdnAttribute();

    @Override
    public String addOrganizationalUnit(String name, String parentDn) {
        String dn = child(organizationalUnitRdnAttribute(), name, parentDn);
        add(new Entry(dn, new Attribute("objectClass", "top", "organizationalUnit"), new Attribute("ou", name)));
        return dn;
    }

    @Override
    public String addUser(DirectoryUser user) {
        String dn = child(userRdnAttribute(), userRdnValue(user), user.parentDn());
        long begin = System.nanoTime();
        add(userEntry(dn, user));
        synchronized (this) {
            usersAdded++;
            userAddNanos += System.nanoTime() - begin;
        }
        return dn;
    }

    @Override
    public String addGroup(String name, String parentDn, List<String> memberDns) {
        String dn = child(groupRdnAttribute(), name, parentDn);
        add(groupEntry(dn, name, List.copyOf(memberDns)));
        return dn;
    }

    @Override
    public void addMember(String groupDn, String memberDn) {
        modify(groupDn, new Modification(ModificationType.ADD, "member", memberDn));
    }

    @Override
    public void removeMember(String groupDn, String memberDn) {
        modify(groupDn, new Modification(ModificationType.DELETE, "member", memberDn));
    }

    @Override
    public void replace(String dn, String attribute, String... values) {
        modify(dn, new Modification(ModificationType.REPLACE, attribute, values));
    }

    @Override
    public void delete(String dn) {
        try {
            pool().delete(dn);
        } catch (LDAPException e) {
            throw failure("delete " + dn, e);
        }
    }

    @Override
    public SearchResultEntry read(String dn) {
        try {
            return pool().getEntry(dn, "*", "+");
        } catch (LDAPException e) {
            throw failure("read " + dn, e);
        }
    }

    @Override
    public LDAPInterface connection() {
        return pool();
    }

    final void add(Entry entry) {
        try {
            pool().add(entry);
        } catch (LDAPException e) {
            throw failure("add " + entry.getDN(), e);
        }
    }

    final void modify(String dn, Modification... modifications) {
        try {
            pool().modify(dn, modifications);
        } catch (LDAPException e) {
            throw failure("modify " + dn, e);
        }
    }

    /** Appends a line to {@code timings.txt} in {@code home}, for the run's record of start and write times. */
    static void recordTiming(java.nio.file.Path home, String line) {
        try {
            java.nio.file.Files.writeString(home.resolve("timings.txt"), line + "\n", java.nio.charset.StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            java.util.logging.Logger.getLogger(LdapDirectory.class.getName()).warning(() -> "Cannot write timings: " + e);
        }
    }

    /** "N users added in M ms (R/s)". */
    final synchronized String userAddTiming() {
        long millis = userAddNanos / 1_000_000;
        return usersAdded + " users added in " + millis + " ms"
                + (millis > 0 ? String.format(" (%.1f/s)", usersAdded * 1000.0 / millis) : "");
    }

    final void closeConnection() {
        if (pool != null) {
            pool.close();
            pool = null;
        }
    }

    private LDAPConnectionPool pool() {
        if (pool == null) {
            throw new IllegalStateException(getClass().getSimpleName() + " is not running");
        }
        return pool;
    }

    static String child(String attribute, String value, String parentDn) {
        try {
            return new DN(new RDN(attribute, value), new DN(parentDn)).toString();
        } catch (LDAPException e) {
            throw new IllegalArgumentException("Not a DN: " + parentDn, e);
        }
    }

    private IllegalStateException failure(String what, LDAPException e) {
        return new IllegalStateException(getClass().getSimpleName() + " could not " + what + ": "
                + e.getResultCode() + " " + e.getDiagnosticMessage(), e);
    }
}
