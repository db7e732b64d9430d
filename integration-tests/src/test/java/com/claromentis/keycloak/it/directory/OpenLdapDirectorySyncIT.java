package com.claromentis.keycloak.it.directory;

import com.claromentis.keycloak.it.outbox.OutboxFixture;
import com.claromentis.keycloak.sandbox.SandboxGroup;
import com.claromentis.keycloak.sandbox.SandboxUser;
import com.claromentis.keycloak.testing.LdapFederation;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.SignInResult;
import com.claromentis.keycloak.testing.TestRealm;
import com.claromentis.keycloak.testing.directory.DirectoryUser;
import com.claromentis.keycloak.testing.directory.RealDirectory;
import com.claromentis.keycloak.testing.directory.Slapd;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Directory sync from a real OpenLDAP slapd into Keycloak and on into Claromentis (the People API sandbox) through
 * the provisioning outbox, with no sign-in: the openldap preset, full and changed syncs, a membership change made on
 * the group alone, removal, and directory answers that must not remove anyone. The steps build on each other.
 */
@RealDirectory
@RealKeycloak
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("Given an OpenLDAP directory synced with the openldap preset into a realm that provisions into Claromentis")
class OpenLdapDirectorySyncIT {

    private static final Duration DELIVERY = Duration.ofSeconds(90);
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
    private static final String ALICE = "alice" + SUFFIX;
    private static final String BOB = "bob" + SUFFIX;
    private static final String CAROL = "carol" + SUFFIX;
    private static final String DAN = "dan" + SUFFIX;
    private static final String TEAM = "team" + SUFFIX;

    private static OutboxFixture outbox;
    private static LdapFederation ldap;
    private static String people;
    private static String carolDn;
    private static String danDn;
    private static String bobDn;
    private static String teamDn;
    private static SandboxGroup claromentisTeam;
    private static JsonNode firstSync;

    @BeforeAll
    static void syncTheDirectory(TestRealm realm, Slapd slapd) {
        outbox = OutboxFixture.provisioning(realm);
        claromentisTeam = outbox.sandbox.addGroup(TEAM);
        people = slapd.addOrganizationalUnit("sync-" + SUFFIX);
        String groups = slapd.addOrganizationalUnit("sync-groups-" + SUFFIX);
        String aliceDn = slapd.addUser(DirectoryUser.builder(ALICE).in(people).givenName("Alice").surname("Archer")
                .mail(ALICE + "@example.test").title("Head of IT").office("London").department("IT")
                .employeeNumber("E-1001").password("Alice-Pass-1").build());
        bobDn = slapd.addUser(DirectoryUser.builder(BOB).in(people).givenName("Bob").surname("Baker")
                .mail(BOB + "@example.test").title("Engineer").managerDn(aliceDn).password("Bob-Pass-1").build());
        carolDn = slapd.addUser(DirectoryUser.builder(CAROL).in(people).givenName("Carol").surname("Cole")
                .mail(CAROL + "@example.test").build());
        danDn = slapd.addUser(DirectoryUser.builder(DAN).in(people).givenName("Dan").surname("Dunn")
                .mail(DAN + "@example.test").build());
        teamDn = slapd.addGroup(TEAM, groups, List.of(aliceDn, bobDn));

        ldap = LdapFederation.addInetOrgPerson(realm.admin(), realm.name(), slapd.ldapUrl(), slapd.bindDn(),
                slapd.bindPassword(), people);
        realm.admin().exchangeJson("POST", realm.adminPath() + "/claromentis-directory/" + ldap.id()
                + "/preset/openldap?groupsDn=" + URLEncoder.encode(groups, StandardCharsets.UTF_8));
        firstSync = ldap.syncAllUsers();
        outbox.awaitDrained(DELIVERY);
    }

    private static long userWrites() {
        return outbox.requests("POST /users") + outbox.requests("PUT /users/{id}");
    }

    @Test
    @Order(1)
    @DisplayName("when the administrator runs the first full sync, then everyone reaches Claromentis with every field and the manager, with no sign-in")
    void fullSyncReachesClaromentis(TestRealm realm) {
        assertThat(firstSync.path("added").asInt()).as(firstSync.toString()).isEqualTo(4);
        assertThat(firstSync.path("failed").asInt()).isZero();

        SandboxUser alice = outbox.requireInClaromentis(ALICE);
        assertThat(alice.firstname()).isEqualTo("Alice");
        assertThat(alice.jobTitle()).isEqualTo("Head of IT");
        assertThat(alice.office()).isEqualTo("London");
        assertThat(alice.department()).isEqualTo("IT");
        assertThat(alice.externalId()).isEqualTo("E-1001");
        assertThat(alice.active()).isTrue();
        assertThat(outbox.requireInClaromentis(BOB).managerId()).isEqualTo(alice.id());
        assertThat(realm.findUser(BOB).orElseThrow().firstAttribute("manager")).isEqualTo(ALICE);
    }

    @Test
    @Order(2)
    @DisplayName("then the directory group's members are members of the Claromentis group of that name")
    void groupsReachClaromentis() {
        await().atMost(DELIVERY).untilAsserted(() -> assertThat(outbox.groupMembers(TEAM))
                .containsExactlyInAnyOrder(outbox.requireInClaromentis(ALICE).id(), outbox.requireInClaromentis(BOB).id()));
    }

    @Test
    @Order(3)
    @DisplayName("when nothing changed in the directory, then another full sync queues nothing for Claromentis")
    void unchangedQueuesNothing() {
        long before = userWrites();
        long groupWrites = outbox.requests("PUT /groups/{id}/users");

        JsonNode again = ldap.syncAllUsers();
        outbox.awaitDrained(DELIVERY);

        assertThat(again.path("failed").asInt()).as(again.toString()).isZero();
        assertThat(userWrites()).isEqualTo(before);
        assertThat(outbox.requests("PUT /groups/{id}/users")).isEqualTo(groupWrites);
    }

    @Test
    @Order(4)
    @DisplayName("when a job title changes in the directory, then a changed-users sync brings it to Keycloak and to Claromentis")
    void changedAttribute(TestRealm realm, Slapd slapd) throws InterruptedException {
        // Changed-users sync compares modifyTimestamp with the last sync, to the second.
        Thread.sleep(1_100);
        slapd.replace(bobDn, "title", "Lead Engineer");

        JsonNode changed = ldap.syncChangedUsers();

        assertThat(changed.path("updated").asInt()).as(changed.toString()).isEqualTo(1);
        assertThat(realm.findUser(BOB).orElseThrow().firstAttribute("jobTitle")).isEqualTo("Lead Engineer");
        await().atMost(DELIVERY).until(() -> "Lead Engineer".equals(outbox.requireInClaromentis(BOB).jobTitle()));
    }

    @Test
    @Order(5)
    @DisplayName("when someone is added to and someone removed from a group (the group's entry changes, not theirs), then a changed-users sync brings both to Claromentis")
    void membershipChangedOnTheGroup(Slapd slapd) throws InterruptedException {
        Thread.sleep(1_100);
        slapd.addMember(teamDn, carolDn);
        slapd.removeMember(teamDn, bobDn);

        ldap.syncChangedUsers();

        await().atMost(DELIVERY).untilAsserted(() -> assertThat(outbox.groupMembers(TEAM))
                .containsExactlyInAnyOrder(outbox.requireInClaromentis(ALICE).id(), outbox.requireInClaromentis(CAROL).id()));
    }

    @Test
    @Order(6)
    @DisplayName("when the directory answers with no users at all (an emptied users DN), then a full sync disables nobody, here or in Claromentis")
    void emptyAnswerDisablesNobody(TestRealm realm, Slapd slapd) {
        String empty = slapd.addOrganizationalUnit("empty-" + SUFFIX);
        ldap.updateSetting("usersDn", empty);
        try {
            ldap.syncAllUsers();
        } finally {
            ldap.updateSetting("usersDn", people);
        }

        for (String username : List.of(ALICE, BOB, CAROL, DAN)) {
            assertThat(realm.findUser(username).orElseThrow().isEnabled()).as(username).isTrue();
            assertThat(outbox.requireInClaromentis(username).active()).as(username).isTrue();
        }
    }

    @Test
    @Order(7)
    @DisplayName("when a person's entry is deleted but they are more than the share one sync may remove, then nobody is deactivated in Claromentis")
    void tooManyToRemove(TestRealm realm, Slapd slapd) {
        slapd.delete(danDn);

        JsonNode sync = ldap.syncAllUsers();
        outbox.awaitDrained(DELIVERY);

        // One of four is 25%, above the default 20%.
        assertThat(sync.path("failed").asInt()).as(sync.toString()).isZero();
        assertThat(outbox.requireInClaromentis(DAN).active()).isTrue();
        JsonNode report = lastSync(realm);
        assertThat(report.path("kind").asText()).isEqualTo("full");
        assertThat(report.path("removed").asInt()).isZero();
        assertThat(report.path("warnings").toString()).contains("Largest share removed in one sync");
    }

    private static JsonNode lastSync(TestRealm realm) {
        return realm.admin().get(realm.adminPath() + "/claromentis-directory/" + ldap.id() + "/last-sync");
    }

    @Test
    @Order(8)
    @DisplayName("when the administrator raises the share, then the next full sync disables them here and deactivates them in Claromentis, and nobody else")
    void removal(TestRealm realm) {
        ldap.updateMapper("claromentis directory sync", "removal.max.percent", "50");

        JsonNode sync = ldap.syncAllUsers();

        assertThat(sync.path("failed").asInt()).as(sync.toString()).isZero();
        assertThat(realm.findUser(DAN).orElseThrow().isEnabled()).isFalse();
        assertThat(lastSync(realm).path("removed").asInt()).as("what the administrator reads of the sync").isEqualTo(1);
        await().atMost(DELIVERY).until(() -> !outbox.requireInClaromentis(DAN).active());
        for (String username : List.of(ALICE, BOB, CAROL)) {
            assertThat(realm.findUser(username).orElseThrow().isEnabled()).as(username).isTrue();
            assertThat(outbox.requireInClaromentis(username).active()).as(username).isTrue();
        }
    }

    @Test
    @Order(9)
    @DisplayName("when the administrator switches removal to delete, then the next full sync deletes the disabled person here, once Claromentis was told, and Claromentis keeps them deactivated")
    void deleteAfterClaromentisWasTold(TestRealm realm) {
        outbox.awaitDrained(DELIVERY);
        ldap.updateMapper("claromentis directory sync", "removal", "delete");

        ldap.syncAllUsers();

        assertThat(realm.findUser(DAN)).isEmpty();
        assertThat(outbox.requireInClaromentis(DAN).active()).isFalse();
        assertThat(realm.findUser(ALICE)).isPresent();
        assertThat(lastSync(realm).path("removed").asInt()).isEqualTo(1);
    }

    @Test
    @Order(10)
    @DisplayName("then a synced person still signs in with the directory password")
    void signIn(TestRealm realm) {
        SignInResult result = realm.loginClient().login(ALICE, "Alice-Pass-1");

        assertThat(result.succeeded()).as(result.describe()).isTrue();
    }

}
