package com.claromentis.keycloak.it.ldap;

import com.claromentis.keycloak.testing.DevFileDatabase;
import com.claromentis.keycloak.testing.EmbeddedLdap;
import com.claromentis.keycloak.testing.KeycloakServer;
import com.claromentis.keycloak.testing.LdapFederation;
import com.claromentis.keycloak.testing.Prometheus;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keycloak's own LDAP provider (id {@code ldap}) runs its syncs under the bundle's sync lease: counted in the sync
 * metrics under {@code provider="ldap"}, and answered with Keycloak's "ignored" while another holder has the lease
 * row in {@code CLAROMENTIS_LEASE} (as another node of a cluster would during a long sync).
 */
@RealKeycloak
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
@DisplayName("Given a realm federated with an LDAP directory through Keycloak's own 'ldap' provider")
class LdapSyncLeaseIT {

    private static final String PEOPLE = "ou=people,dc=example,dc=test";
    private static final String RUNS = "claromentis_sync_runs_total";
    private static final String USERS = "claromentis_sync_users_total";
    private static final String LDAP = "provider=\"ldap\"";

    private static EmbeddedLdap ldap;
    private static LdapFederation federation;
    private static KeycloakServer server;

    @BeforeAll
    static void federate(TestRealm realm, KeycloakServer keycloak) {
        server = keycloak;
        ldap = EmbeddedLdap.builder("dc=example,dc=test").ldif("ldap/small-org.ldif").start();
        federation = LdapFederation.addInetOrgPerson(realm.admin(), realm.name(), ldap.url(), ldap.bindDn(),
                ldap.bindPassword(), PEOPLE);
    }

    @AfterAll
    static void stopDirectory() {
        if (ldap != null) {
            ldap.close();
        }
    }

    private static void addPerson(String uid, String givenName) throws Exception {
        ldap.directory().add("dn: uid=" + uid + "," + PEOPLE, "objectClass: top", "objectClass: person",
                "objectClass: organizationalPerson", "objectClass: inetOrgPerson", "uid: " + uid,
                "cn: " + givenName + " Lease", "givenName: " + givenName, "sn: Lease", "mail: " + uid + "@example.test");
    }

    private static String leaseKey() {
        return "ldap-sync:" + federation.id();
    }

    private static void holdLeaseElsewhere(long heldUntil) {
        DevFileDatabase.of(server).update("MERGE INTO CLAROMENTIS_LEASE (LEASE_KEY, HOLDER, HELD_UNTIL) KEY (LEASE_KEY)"
                + " VALUES (?, ?, ?)", leaseKey(), "other-node/1234@elsewhere#1", heldUntil);
    }

    private static long importedUsers(TestRealm realm, String username) {
        return DevFileDatabase.of(server).queryLong("SELECT COUNT(*) FROM USER_ENTITY WHERE REALM_ID = ? AND USERNAME = ?",
                realm.representation().getId(), username);
    }

    @Nested
    @Order(1)
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("when an administrator runs 'Synchronize all users'")
    class FullSync {

        private JsonNode result;
        private Prometheus before;
        private Prometheus after;

        @BeforeAll
        void sync() {
            before = Prometheus.scrape(server);
            result = federation.syncAllUsers();
            after = Prometheus.scrape(server);
        }

        @Test
        @DisplayName("then Keycloak imports the directory's two people and says so")
        void imports(TestRealm realm) {
            assertThat(result.path("ignored").asBoolean()).as(result.toString()).isFalse();
            assertThat(result.path("added").asInt()).isEqualTo(2);
            assertThat(realm.findUser("alice")).get().extracting(u -> u.getFederationLink()).isEqualTo(federation.id());
            assertThat(realm.findUser("bob")).isPresent();
        }

        @Test
        @DisplayName("then /metrics counts one successful full sync and two added users under provider=\"ldap\"")
        void counted() {
            assertThat(after.increaseSince(before, RUNS, LDAP, "kind=\"full\"", "outcome=\"success\"")).isEqualTo(1);
            assertThat(after.increaseSince(before, USERS, LDAP, "kind=\"full\"", "change=\"added\"")).isEqualTo(2);
        }

        @Test
        @DisplayName("then the server log shows the sync starting and ending on this node, and the lease given up")
        void loggedAndReleased() throws Exception {
            String log = Files.readString(server.logFile());
            assertThat(log).contains("Provider 'ldap': full sync started on this node")
                    .contains("Provider 'ldap': full sync ended on this node: ");
            assertThat(DevFileDatabase.of(server).queryLong(
                    "SELECT COUNT(*) FROM CLAROMENTIS_LEASE WHERE LEASE_KEY = ? AND HELD_UNTIL = 0", leaseKey()))
                    .as("the provider's lease row, given up (held until 0)").isEqualTo(1);
        }
    }

    @Nested
    @Order(2)
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("when a person joins the directory and the administrator runs 'Sync changed users'")
    class ChangedSync {

        private JsonNode result;
        private Prometheus before;
        private Prometheus after;

        @BeforeAll
        void sync() throws Exception {
            // The changed-users sync looks for entries modified since the last sync, at LDAP's one-second precision.
            Thread.sleep(1100);
            addPerson("carol", "Carol");
            before = Prometheus.scrape(server);
            result = federation.syncChangedUsers();
            after = Prometheus.scrape(server);
        }

        @Test
        @DisplayName("then Keycloak imports her")
        void imports(TestRealm realm) {
            assertThat(result.path("ignored").asBoolean()).as(result.toString()).isFalse();
            assertThat(result.path("added").asInt()).isEqualTo(1);
            assertThat(realm.findUser("carol")).isPresent();
        }

        @Test
        @DisplayName("then /metrics counts one successful changed sync under provider=\"ldap\"")
        void counted() {
            assertThat(after.increaseSince(before, RUNS, LDAP, "kind=\"changed\"", "outcome=\"success\"")).isEqualTo(1);
            assertThat(after.increaseSince(before, USERS, LDAP, "kind=\"changed\"", "change=\"added\"")).isEqualTo(1);
        }
    }

    @Nested
    @Order(3)
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("when another node holds the provider's sync lease (its row in CLAROMENTIS_LEASE) and a person joins")
    class LeaseHeldElsewhere {

        private JsonNode full;
        private JsonNode changed;
        private Prometheus before;
        private Prometheus after;

        @BeforeAll
        void syncWhileHeld() throws Exception {
            Thread.sleep(1100);
            addPerson("dave", "Dave");
            holdLeaseElsewhere(System.currentTimeMillis() + Duration.ofMinutes(10).toMillis());
            before = Prometheus.scrape(server);
            full = federation.syncAllUsers();
            changed = federation.syncChangedUsers();
            after = Prometheus.scrape(server);
        }

        @Test
        @DisplayName("then both syncs answer Keycloak's 'ignored' and import nobody")
        void ignored(TestRealm realm) {
            assertThat(full.path("ignored").asBoolean()).as(full.toString()).isTrue();
            assertThat(full.path("added").asInt() + full.path("updated").asInt() + full.path("removed").asInt()).isZero();
            assertThat(changed.path("ignored").asBoolean()).as(changed.toString()).isTrue();
            // Read from the database: a user search through the admin API would ask the directory and import her.
            assertThat(importedUsers(realm, "dave")).as("Keycloak users named dave").isZero();
        }

        @Test
        @DisplayName("then /metrics counts each as skipped, and the log says another node is running a sync")
        void countedAsSkipped() throws Exception {
            assertThat(after.increaseSince(before, RUNS, LDAP, "kind=\"full\"", "outcome=\"skipped\"")).isEqualTo(1);
            assertThat(after.increaseSince(before, RUNS, LDAP, "kind=\"changed\"", "outcome=\"skipped\"")).isEqualTo(1);
            assertThat(after.increaseSince(before, RUNS, LDAP, "outcome=\"success\"")).isZero();
            assertThat(Files.readString(server.logFile()))
                    .contains("Provider 'ldap': full sync skipped, another node is running a sync of it")
                    .contains("Provider 'ldap': changed sync skipped, another node is running a sync of it");
        }

        @Test
        @DisplayName("then the other holder's lease is left as it was")
        void leaseUntouched() {
            assertThat(DevFileDatabase.of(server).queryLong(
                    "SELECT COUNT(*) FROM CLAROMENTIS_LEASE WHERE LEASE_KEY = ? AND HOLDER = ?", leaseKey(),
                    "other-node/1234@elsewhere#1")).isEqualTo(1);
        }
    }

    @Nested
    @Order(4)
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("when the other holder's lease has run out (it died without giving it up)")
    class LeaseRunOut {

        private JsonNode result;

        @BeforeAll
        void syncAfterExpiry() {
            holdLeaseElsewhere(System.currentTimeMillis() - 1);
            result = federation.syncAllUsers();
        }

        @Test
        @DisplayName("then the next full sync runs and imports the person who joined meanwhile")
        void runsAgain(TestRealm realm) {
            assertThat(result.path("ignored").asBoolean()).as(result.toString()).isFalse();
            assertThat(result.path("added").asInt()).isEqualTo(1);
            assertThat(importedUsers(realm, "dave")).isEqualTo(1);
        }
    }
}
