package com.claromentis.keycloak.it.directory;

import com.claromentis.keycloak.it.outbox.OutboxFixture;
import com.claromentis.keycloak.sandbox.SandboxUser;
import com.claromentis.keycloak.testing.LdapFederation;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.SignInResult;
import com.claromentis.keycloak.testing.TestRealm;
import com.claromentis.keycloak.testing.directory.DirectoryUser;
import com.claromentis.keycloak.testing.directory.RealDirectory;
import com.claromentis.keycloak.testing.directory.Slapd;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile and malformed directory data through the openldap preset and the directory sync, on a slapd of the test's
 * own (so it can be stopped): every case ends with a finished sync, a clear outcome, and nobody else affected.
 */
@RealDirectory
@RealKeycloak
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
@DisplayName("Given a directory holding hostile and malformed entries, synced with the openldap preset into a provisioning realm")
class DirectorySyncHostileDataIT {

    private static final Duration DELIVERY = Duration.ofSeconds(120);
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
    private static final String FILTER_USERNAME = "x*)(uid=*";
    private static final String LONG_TITLE = "T".repeat(10_000);
    private static final int BIG_GROUP = 5_000;

    private static Slapd slapd;
    private static OutboxFixture outbox;
    private static LdapFederation ldap;
    private static JsonNode firstSync;

    @BeforeAll
    static void shapeAndSync(TestRealm realm) throws InterruptedException {
        // A slapd of this class's own: the last step stops it.
        slapd = Slapd.start();
        outbox = OutboxFixture.provisioning(realm);
        String people = slapd.addOrganizationalUnit("hostile-" + SUFFIX);
        String groups = slapd.addOrganizationalUnit("hostile-groups-" + SUFFIX);
        String zoe = slapd.addUser(DirectoryUser.builder("zoe").in(people).givenName("Zoë").surname("Ångström-Łukasiewicz")
                .mail("zoe@example.test").office("Zürich").password("Zoe-Pass-1").build());
        slapd.addUser(DirectoryUser.builder("nomail").in(people).givenName("No").surname("Mail").build());
        slapd.addUser(DirectoryUser.builder("twin1").in(people).givenName("Twin").surname("One").mail("twins@example.test").build());
        slapd.addUser(DirectoryUser.builder("twin2").in(people).givenName("Twin").surname("Two").mail("twins@example.test").build());
        slapd.addUser(DirectoryUser.builder(FILTER_USERNAME).in(people).givenName("Filter").surname("Chars")
                .mail("filter@example.test").password("Filter-Pass-1").build());
        slapd.addUser(DirectoryUser.builder("longtitle").in(people).givenName("Long").surname("Title").title(LONG_TITLE)
                .mail("long@example.test").build());
        slapd.addUser(DirectoryUser.builder("dangling").in(people).givenName("Dangling").surname("Manager")
                .managerDn("uid=nobody," + people).mail("dangling@example.test").build());
        // A group of 5,000 members, all but one of them DNs where nobody is.
        List<String> members = new ArrayList<>();
        members.add(zoe);
        for (int i = 0; i < BIG_GROUP - 1; i++) {
            members.add("uid=ghost" + i + "," + people);
        }
        slapd.addGroup("everyone", groups, members);

        ldap = LdapFederation.addInetOrgPerson(realm.admin(), realm.name(), slapd.ldapUrl(), slapd.bindDn(),
                slapd.bindPassword(), people);
        realm.admin().exchangeJson("POST", realm.adminPath() + "/claromentis-directory/" + ldap.id()
                + "/preset/openldap?groupsDn=" + URLEncoder.encode(groups, StandardCharsets.UTF_8));
        outbox.sandbox.addGroup("everyone");
        // Keycloak's changed-users sync compares timestamps to the second: an entry written in the second the full
        // sync starts is read again by the changed sync below, and twin2, whose email is taken, fails again there.
        Thread.sleep(1_100);
        firstSync = ldap.syncAllUsers();
        outbox.awaitDrained(DELIVERY);
    }

    @AfterAll
    static void stopTheDirectory() {
        if (slapd != null) {
            slapd.close();
        }
    }

    @Nested
    @DisplayName("when the administrator runs a full sync")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    @Order(1)
    class FullSync {

        @Test
        @DisplayName("then it finishes, and only the second person of a shared email fails, with Keycloak's reason")
        void finishes() {
            assertThat(firstSync.path("added").asInt()).as(firstSync.toString()).isEqualTo(6);
            assertThat(firstSync.path("failed").asInt()).as(firstSync.toString()).isEqualTo(1);
        }

        @Test
        @DisplayName("then non-ASCII names and offices arrive unchanged in Keycloak and in Claromentis")
        void nonAscii(TestRealm realm) {
            assertThat(realm.findUser("zoe").orElseThrow().getLastName()).isEqualTo("Ångström-Łukasiewicz");
            SandboxUser zoe = outbox.requireInClaromentis("zoe");
            assertThat(zoe.firstname()).isEqualTo("Zoë");
            assertThat(zoe.office()).isEqualTo("Zürich");
        }

        @Test
        @DisplayName("then a person without mail is imported and created in Claromentis without an email")
        void missingMail(TestRealm realm) {
            assertThat(realm.findUser("nomail").orElseThrow().getEmail()).isNull();
            assertThat(outbox.requireInClaromentis("nomail").email()).isNull();
        }

        @Test
        @DisplayName("then of two people with one email the first is imported and the second is not, here or in Claromentis")
        void duplicateEmail(TestRealm realm) {
            assertThat(realm.findUser("twin1")).isPresent();
            assertThat(realm.findUser("twin2")).isEmpty();
            assertThat(outbox.inClaromentis("twin2")).isEmpty();
        }

        @Test
        @DisplayName("then a username made of LDAP filter characters is that one person, and its password lets in nobody else")
        void filterCharacters(TestRealm realm) {
            assertThat(realm.findUser(FILTER_USERNAME)).hasValueSatisfying(user -> assertThat(user.getUsername()).isEqualTo(FILTER_USERNAME));
            SignInResult asFilter = realm.loginClient().login(FILTER_USERNAME, "Filter-Pass-1");
            SignInResult wildcard = realm.loginClient().login("*", "Filter-Pass-1");

            assertThat(asFilter.succeeded()).as(asFilter.describe()).isTrue();
            assertThat(wildcard.succeeded()).isFalse();
        }

        @Test
        @DisplayName("then a 10,000-character job title is imported here, and Claromentis's refusal is a dead letter naming the person and why")
        void longValue(TestRealm realm) {
            assertThat(realm.findUser("longtitle")).isPresent();
            assertThat(outbox.inClaromentis("longtitle")).isEmpty();

            String deadLetters = realm.admin().get(realm.adminPath() + "/claromentis-outbox/dead-letters").toString();

            assertThat(deadLetters).contains("longtitle").contains("job_title is too long");
            assertThat(outbox.summary().path("dead").asLong()).as("nobody else").isEqualTo(1);
        }

        @Test
        @DisplayName("then a manager DN where nobody is leaves the manager empty, and the person is still provisioned")
        void danglingManager(TestRealm realm) {
            assertThat(realm.findUser("dangling").orElseThrow().firstAttribute("manager")).isNull();
            assertThat(outbox.requireInClaromentis("dangling").managerId()).isNull();
        }

        @Test
        @DisplayName("then the one real member of a 5,000-member group is in its Claromentis group")
        void bigGroup() {
            await().atMost(DELIVERY).untilAsserted(() -> assertThat(outbox.sandbox.groups().stream()
                    .filter(g -> g.name().equals("everyone")).findFirst().orElseThrow().members())
                    .containsExactly(outbox.requireInClaromentis("zoe").id()));
        }
    }

    @Nested
    @DisplayName("when the 5,000-member group changes and the administrator runs a changed-users sync")
    @Order(2)
    class BigGroupChange {

        @Test
        @DisplayName("then the sync finishes without failure")
        void changedSync() throws InterruptedException {
            Thread.sleep(1_100);
            String groupDn = "cn=everyone,ou=hostile-groups-" + SUFFIX + "," + Slapd.BASE_DN;
            slapd.addMember(groupDn, "uid=ghost-late," + "ou=hostile-" + SUFFIX + "," + Slapd.BASE_DN);

            JsonNode changed = ldap.syncChangedUsers();

            assertThat(changed.path("failed").asInt()).as(changed.toString()).isZero();
        }
    }

    @Nested
    @DisplayName("when the directory goes away and the administrator runs a full sync")
    @Order(3)
    class DirectoryGone {

        @Test
        @DisplayName("then the sync imports and removes nothing, and nobody is deactivated in Claromentis")
        void nobodyDisabled(TestRealm realm) {
            slapd.close();

            var sync = realm.admin().exchange("POST", realm.adminPath() + "/user-storage/" + ldap.id()
                    + "/sync?action=triggerFullSync", null);
            outbox.awaitDrained(DELIVERY);

            // Keycloak logs the failure and answers with an empty result; the directory sync mapper logs that it could
            // not list the directory and removes nobody.
            assertThat(sync.body()).contains("\"added\":0").contains("\"removed\":0");
            for (String username : List.of("zoe", "nomail", "twin1", "dangling")) {
                assertThat(outbox.requireInClaromentis(username).active()).as(username).isTrue();
            }
        }
    }
}
