package com.claromentis.keycloak.benchmarks;

import com.claromentis.keycloak.testing.EmbeddedLdap;
import com.claromentis.keycloak.testing.KeycloakAdminClient;
import com.claromentis.keycloak.testing.LdapFederation;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldif.LDIFException;

/**
 * The company directory of the sign-in measurement: an UnboundID in-memory LDAP server (the testing module's
 * {@link EmbeddedLdap}) with generated inetOrgPerson staff who all have a name and an email, so a first sign-in
 * imports them without asking for a profile update.
 */
final class StaffDirectory implements AutoCloseable {

    static final String PASSWORD = "Bench-Pass-2026!";
    private static final String BASE = "dc=bench,dc=test";
    private static final String PEOPLE = "ou=people," + BASE;

    private final EmbeddedLdap ldap;

    private StaffDirectory(EmbeddedLdap ldap) {
        this.ldap = ldap;
    }

    static final String STAFF = "staff";
    static final String WARM_UP = "warm";

    /** A directory with {@value #STAFF}.0 .. {@value #STAFF}.(staff-1) and {@value #WARM_UP}.0 .. .(warmUp-1). */
    static StaffDirectory start(int staff, int warmUp) {
        EmbeddedLdap ldap = EmbeddedLdap.builder(BASE).start();
        try {
            ldap.directory().add("dn: " + BASE, "objectClass: top", "objectClass: domain", "dc: bench");
            ldap.directory().add("dn: " + PEOPLE, "objectClass: top", "objectClass: organizationalUnit", "ou: people");
            addPeople(ldap, STAFF, staff);
            addPeople(ldap, WARM_UP, warmUp);
            return new StaffDirectory(ldap);
        } catch (LDAPException | LDIFException e) {
            ldap.close();
            throw new IllegalStateException("Cannot fill the benchmark directory: " + e.getMessage(), e);
        }
    }

    private static void addPeople(EmbeddedLdap ldap, String prefix, int count) throws LDAPException, LDIFException {
        for (int i = 0; i < count; i++) {
            String uid = prefix + "." + i;
            ldap.directory().add("dn: uid=" + uid + "," + PEOPLE,
                    "objectClass: inetOrgPerson", "objectClass: organizationalPerson", "objectClass: person",
                    "objectClass: top", "uid: " + uid, "cn: Staff " + uid, "givenName: Staff",
                    "sn: " + uid, "mail: " + uid + "@company.test", "userPassword: " + PASSWORD);
        }
    }

    /** Keycloak's stock LDAP federation on this directory, as the integration tests configure it. */
    void federate(KeycloakAdminClient admin, String realm) {
        LdapFederation.addInetOrgPerson(admin, realm, ldap.url(), ldap.bindDn(), ldap.bindPassword(), PEOPLE);
    }

    @Override
    public void close() {
        ldap.close();
    }
}
