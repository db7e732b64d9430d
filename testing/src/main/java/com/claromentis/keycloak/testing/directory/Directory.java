package com.claromentis.keycloak.testing.directory;

import com.unboundid.ldap.sdk.LDAPInterface;
import com.unboundid.ldap.sdk.SearchResultEntry;

import java.nio.file.Path;
import java.util.List;

/**
 * A real directory server started by the tests on loopback ({@link SambaAd}, {@link Slapd}), with the operations
 * tests need to shape it. Every write goes through the fixture's own administrator connection (UnboundID).
 */
public interface Directory extends AutoCloseable {

    /** {@code ldap://127.0.0.1:port}. */
    String ldapUrl();

    /** {@code ldaps://127.0.0.1:port}, served with a certificate issued by {@link DirectoryTls}. */
    String ldapsUrl();

    /** The naming context, e.g. {@code DC=example,DC=test}. */
    String baseDn();

    /** DN of the administrator account Keycloak can bind as. */
    String bindDn();

    String bindPassword();

    /** PEM of the CA that issued the server's LDAPS certificate. */
    Path caCertificate();

    /** PKCS12 truststore with {@link #caCertificate()}, password {@link DirectoryTls#TRUSTSTORE_PASSWORD}. */
    Path truststore();

    /** Adds an organizational unit directly below the base DN and returns its DN. */
    default String addOrganizationalUnit(String name) {
        return addOrganizationalUnit(name, baseDn());
    }

    String addOrganizationalUnit(String name, String parentDn);

    /** Adds a person and returns the DN. */
    String addUser(DirectoryUser user);

    /** Adds a group with these members (users or groups, for nesting) and returns its DN. */
    String addGroup(String name, String parentDn, List<String> memberDns);

    void addMember(String groupDn, String memberDn);

    void removeMember(String groupDn, String memberDn);

    /** Replaces an attribute's values; no values removes the attribute. */
    void replace(String dn, String attribute, String... values);

    /** Deletes one entry (a leaf). */
    void delete(String dn);

    /** The entry with its user and operational attributes, or {@code null} when there is none. */
    SearchResultEntry read(String dn);

    /** The value Keycloak stores as the user's {@code LDAP_ID} (AD {@code objectGUID} in text form, {@code entryUUID}). */
    String uuidOf(String dn);

    /** The fixture's administrator connection, for anything the methods above do not cover. */
    LDAPInterface connection();

    /** Stops the server and removes nothing it wrote (the folder stays under {@code target/} for the logs). */
    @Override
    void close();
}
