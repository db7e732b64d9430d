package com.claromentis.keycloak.it.directory;

import com.claromentis.keycloak.it.outbox.OutboxFixture;
import com.claromentis.keycloak.testing.LdapFederation;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.SignInResult;
import com.claromentis.keycloak.testing.TestRealm;
import com.claromentis.keycloak.testing.directory.DirectoryUser;
import com.claromentis.keycloak.testing.directory.RealDirectory;
import com.claromentis.keycloak.testing.directory.SambaAd;
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
 * Directory sync from a real Samba AD domain controller over LDAPS, limited to the members of one sync group
 * (nested membership followed through LDAP_MATCHING_RULE_IN_CHAIN), into Keycloak and on into Claromentis. The steps
 * build on each other.
 */
@RealDirectory
@RealKeycloak
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("Given Active Directory synced over LDAPS with the ad preset and one sync group, into a realm that provisions into Claromentis")
class ActiveDirectorySyncIT {

    private static final Duration DELIVERY = Duration.ofSeconds(90);
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
    private static final String ALICE = "alice-" + SUFFIX;
    private static final String BOB = "bob-" + SUFFIX;
    private static final String CAROL = "carol-" + SUFFIX;
    private static final String ERIN = "erin-" + SUFFIX;

    private static OutboxFixture outbox;
    private static LdapFederation ldap;
    private static String aliceDn;
    private static String bobDn;
    private static String engineersDn;
    private static JsonNode firstSync;

    @BeforeAll
    static void syncTheDirectory(TestRealm realm, SambaAd ad) {
        outbox = OutboxFixture.provisioning(realm);
        String ou = ad.addOrganizationalUnit("sync-" + SUFFIX);
        aliceDn = ad.addUser(DirectoryUser.builder(ALICE).in(ou).givenName("Alice").surname("Archer")
                .mail(ALICE + "@example.test").title("Head of IT").office("London").password("Alice-Passw0rd!").build());
        bobDn = ad.addUser(DirectoryUser.builder(BOB).in(ou).givenName("Bob").surname("Baker")
                .mail(BOB + "@example.test").managerDn(aliceDn).password("Bob-Passw0rd!").build());
        String carolDn = ad.addUser(DirectoryUser.builder(CAROL).in(ou).givenName("Carol").surname("Cole")
                .mail(CAROL + "@example.test").password("Carol-Passw0rd!").build());
        String erinDn = ad.addUser(DirectoryUser.builder(ERIN).in(ou).givenName("Erin").surname("Evans")
                .mail(ERIN + "@example.test").password("Erin-Passw0rd!").build());
        engineersDn = ad.addGroup("engineers-" + SUFFIX, ou, List.of(bobDn, erinDn));
        String staffDn = ad.addGroup("staff-" + SUFFIX, ou, List.of(aliceDn, engineersDn));
        ad.addGroup("visitors-" + SUFFIX, ou, List.of(carolDn));

        ldap = LdapFederation.addInetOrgPerson(realm.admin(), realm.name(), ad.ldapsUrl(), ad.bindDn(),
                ad.bindPassword(), ou);
        realm.admin().exchangeJson("POST", realm.adminPath() + "/claromentis-directory/" + ldap.id() + "/preset/ad"
                + "?groupsDn=" + URLEncoder.encode(ou, StandardCharsets.UTF_8)
                + "&syncGroup=" + URLEncoder.encode(staffDn, StandardCharsets.UTF_8));
        ldap.updateMapper("claromentis directory sync", "removal.max.percent", "50");
        firstSync = ldap.syncAllUsers();
        outbox.awaitDrained(DELIVERY);
    }

    @Test
    @Order(1)
    @DisplayName("when the first full sync runs, then only the sync group's members, nested ones included, become users here and in Claromentis")
    void onlySyncGroupMembers(TestRealm realm) {
        assertThat(firstSync.path("added").asInt()).as(firstSync.toString()).isEqualTo(3);
        assertThat(realm.findUser(CAROL)).as("not in the sync group").isEmpty();
        assertThat(outbox.inClaromentis(CAROL)).isEmpty();

        assertThat(outbox.requireInClaromentis(ALICE).jobTitle()).isEqualTo("Head of IT");
        assertThat(outbox.requireInClaromentis(BOB).managerId()).as("bob, in staff through engineers").isEqualTo(outbox.requireInClaromentis(ALICE).id());
        assertThat(outbox.requireInClaromentis(ERIN).active()).isTrue();
    }

    @Test
    @Order(2)
    @DisplayName("when an account is disabled in Active Directory (userAccountControl), then a changed-users sync deactivates them in Claromentis")
    void disabledInAd(TestRealm realm, SambaAd ad) throws InterruptedException {
        Thread.sleep(1_100);
        ad.replace(aliceDn, "userAccountControl", "514");

        ldap.syncChangedUsers();

        assertThat(realm.findUser(ALICE).orElseThrow().isEnabled()).isFalse();
        await().atMost(DELIVERY).until(() -> !outbox.requireInClaromentis(ALICE).active());
        assertThat(outbox.requireInClaromentis(BOB).active()).isTrue();
    }

    @Test
    @Order(3)
    @DisplayName("when someone leaves the nested group (a group edit; their own entry is untouched), then the next full sync disables them here and in Claromentis")
    void leftTheSyncGroup(TestRealm realm, SambaAd ad) {
        ad.removeMember(engineersDn, bobDn);

        JsonNode sync = ldap.syncAllUsers();

        assertThat(sync.path("failed").asInt()).as(sync.toString()).isZero();
        assertThat(realm.findUser(BOB).orElseThrow().isEnabled()).isFalse();
        await().atMost(DELIVERY).until(() -> !outbox.requireInClaromentis(BOB).active());
        assertThat(realm.findUser(ERIN).orElseThrow().isEnabled()).isTrue();
        assertThat(outbox.requireInClaromentis(ERIN).active()).isTrue();
    }

    @Test
    @Order(4)
    @DisplayName("then a member of the sync group signs in with the directory password over LDAPS, and one who left cannot")
    void signIn(TestRealm realm) {
        SignInResult erin = realm.loginClient().login(ERIN, "Erin-Passw0rd!");
        SignInResult bob = realm.loginClient().login(BOB, "Bob-Passw0rd!");

        assertThat(erin.succeeded()).as(erin.describe()).isTrue();
        assertThat(bob.succeeded()).isFalse();
    }
}
