package com.claromentis.keycloak.it.directory;

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
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Proves the {@link Slapd} fixture with Keycloak's stock LDAP federation for an inetOrgPerson directory. */
@RealDirectory
@RealKeycloak
@DisplayName("Given a real OpenLDAP slapd (memberof and refint overlays) federated by Keycloak's stock LDAP provider")
class SlapdFederationIT {

    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
    private static final String ALICE_PASSWORD = "Alice-Pass-1";
    private static final String ERIN_PASSWORD = "Erin-Pass-1";

    private static String aliceDn;
    private static String bobDn;
    private static String teamDn;
    private static String everyoneDn;
    private static LdapFederation ldap;
    private static LdapFederation ldaps;
    private static JsonNode fullSync;

    @BeforeAll
    static void shapeTheDirectory(TestRealm realm, Slapd slapd) {
        String people = slapd.addOrganizationalUnit("people-" + SUFFIX);
        String groups = slapd.addOrganizationalUnit("groups-" + SUFFIX);
        aliceDn = slapd.addUser(DirectoryUser.builder("alice").in(people).givenName("Alice").surname("Archer")
                .mail("alice.archer@example.test").title("Head of IT").office("London").department("IT")
                .employeeNumber("E-1001").password(ALICE_PASSWORD).build());
        bobDn = slapd.addUser(DirectoryUser.builder("bob").in(people).givenName("Bob").surname("Baker")
                .mail("bob.baker@example.test").managerDn(aliceDn).password("Bob-Pass-1").build());
        slapd.addUser(DirectoryUser.builder("carol").in(people).givenName("Carol").surname("Cole").build());
        teamDn = slapd.addGroup("team", groups, List.of(aliceDn, bobDn));
        everyoneDn = slapd.addGroup("everyone", groups, List.of(teamDn));

        String tls = slapd.addOrganizationalUnit("tls-" + SUFFIX);
        slapd.addUser(DirectoryUser.builder("erin").in(tls).givenName("Erin").surname("Evans").password(ERIN_PASSWORD).build());

        ldap = LdapFederation.addInetOrgPerson(realm.admin(), realm.name(), slapd.ldapUrl(), slapd.bindDn(),
                slapd.bindPassword(), people).mapGroups(groups).mapAttribute("memberOf", "memberOf");
        ldaps = LdapFederation.addInetOrgPerson(realm.admin(), realm.name(), slapd.ldapsUrl(), slapd.bindDn(),
                slapd.bindPassword(), tls);
        fullSync = ldap.syncAllUsers();
    }

    @Nested
    @DisplayName("when the administrator runs a full sync over LDAP")
    class FullSync {

        @Test
        @DisplayName("then every person of the OU is imported, keyed by entryUUID and named from uid, givenName, sn and mail")
        void importsEveryone(TestRealm realm, Slapd slapd) {
            assertThat(fullSync.path("added").asInt()).as(fullSync.toString()).isEqualTo(3);
            assertThat(fullSync.path("failed").asInt()).isZero();

            UserRepresentation alice = realm.findUser("alice").orElseThrow();
            assertThat(alice.getFederationLink()).isEqualTo(ldap.id());
            assertThat(alice.getAttributes().get("LDAP_ID")).containsExactly(slapd.uuidOf(aliceDn));
            assertThat(alice.getFirstName()).isEqualTo("Alice");
            assertThat(alice.getLastName()).isEqualTo("Archer");
            assertThat(alice.getEmail()).isEqualTo("alice.archer@example.test");
            assertThat(realm.findUser("carol")).isPresent();
        }

        @Test
        @DisplayName("then memberOf, maintained by the memberof overlay, reaches the Keycloak user")
        void memberOfFromTheOverlay(TestRealm realm) {
            UserRepresentation bob = realm.findUser("bob").orElseThrow();

            assertThat(bob.getAttributes().get("memberOf")).containsExactly(teamDn);
        }

        @Test
        @DisplayName("then the directory's groups and their members show in Keycloak")
        void groupsAndMembers(TestRealm realm) {
            String aliceId = realm.findUser("alice").orElseThrow().getId();

            GroupRepresentation[] groups = realm.admin().get(realm.adminPath() + "/users/" + aliceId + "/groups",
                    GroupRepresentation[].class);

            assertThat(Arrays.stream(groups).map(GroupRepresentation::getName)).contains("team");
        }
    }

    @Nested
    @DisplayName("when a synced user signs in")
    class SignIn {

        @Test
        @DisplayName("then over LDAP the directory password lets them in")
        void overLdap(TestRealm realm) {
            SignInResult result = realm.loginClient().login("alice", ALICE_PASSWORD);

            assertThat(result.succeeded()).as(result.describe()).isTrue();
            assertThat(result.idTokenClaims().path("email").asText()).isEqualTo("alice.archer@example.test");
        }

        @Test
        @DisplayName("then over LDAPS, the self-signed certificate trusted through Keycloak's truststore, they get in too")
        void overLdaps(TestRealm realm) {
            SignInResult result = realm.loginClient().login("erin", ERIN_PASSWORD);

            assertThat(result.succeeded()).as(result.describe()).isTrue();
            assertThat(realm.findUser("erin").orElseThrow().getFederationLink()).isEqualTo(ldaps.id());
        }

        @Test
        @DisplayName("then a wrong password is refused")
        void wrongPassword(TestRealm realm) {
            SignInResult result = realm.loginClient().login("alice", "not-" + ALICE_PASSWORD);

            assertThat(result.succeeded()).isFalse();
            assertThat(result.error()).isEqualTo("Invalid username or password.");
        }
    }

    @Nested
    @DisplayName("when a test shapes the directory through the fixture")
    class FixtureOperations {

        @Test
        @DisplayName("then nested groups get memberOf too, and deleting a member removes it from its groups (refint)")
        void overlays(Slapd slapd) {
            assertThat(slapd.read(teamDn).getAttributeValues("memberOf")).containsExactly(everyoneDn);
            String scratch = slapd.addOrganizationalUnit("scratch-" + SUFFIX);
            String frank = slapd.addUser(DirectoryUser.builder("frank").in(scratch).title("Clerk").build());
            String group = slapd.addGroup("scratch", scratch, List.of(frank, aliceDn));

            slapd.replace(frank, "title", "Manager");
            assertThat(slapd.read(frank).getAttributeValue("title")).isEqualTo("Manager");
            assertThat(slapd.read(frank).getAttributeValues("memberOf")).containsExactly(group);

            slapd.delete(frank);
            assertThat(slapd.read(frank)).isNull();
            assertThat(slapd.read(group).getAttributeValues("member")).containsExactly(aliceDn);
        }
    }
}
