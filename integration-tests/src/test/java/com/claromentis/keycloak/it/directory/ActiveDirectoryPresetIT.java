package com.claromentis.keycloak.it.directory;

import com.claromentis.keycloak.testing.LdapFederation;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.TestRealm;
import com.claromentis.keycloak.testing.directory.DirectoryUser;
import com.claromentis.keycloak.testing.directory.RealDirectory;
import com.claromentis.keycloak.testing.directory.SambaAd;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The Active Directory vendor preset on a real Samba AD domain controller. */
@RealDirectory
@RealKeycloak
@DisplayName("Given a Samba AD domain controller and an LDAP provider given the ad vendor preset")
class ActiveDirectoryPresetIT {

    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
    private static final String ALICE = "alice-" + SUFFIX;
    private static final String BOB = "bob-" + SUFFIX;
    private static final String CAROL = "carol-" + SUFFIX;
    private static final String TEAM = "team-" + SUFFIX;

    private static LdapFederation ldap;
    private static String aliceDn;
    private static Map<String, Map<String, List<String>>> mappersAfterFirst;
    private static Map<String, Map<String, List<String>>> mappersAfterSecond;
    private static JsonNode fullSync;

    @BeforeAll
    static void applyThePresetAndSync(TestRealm realm, SambaAd ad) {
        String staff = ad.addOrganizationalUnit("preset-" + SUFFIX);
        aliceDn = ad.addUser(DirectoryUser.builder(ALICE).in(staff).givenName("Alice").surname("Archer")
                .mail(ALICE + "@example.test").title("Head of IT").office("London").department("IT")
                .telephoneNumber("+44 20 7946 0001").employeeNumber("E-1001").password("Alice-Passw0rd!").build());
        String bob = ad.addUser(DirectoryUser.builder(BOB).in(staff).givenName("Bob").surname("Baker")
                .mail(BOB + "@example.test").managerDn(aliceDn).password("Bob-Passw0rd!").build());
        ad.addUser(DirectoryUser.builder(CAROL).in(staff).givenName("Carol").surname("Cole")
                .password("Carol-Passw0rd!").disabled().build());
        ad.addGroup(TEAM, staff, List.of(aliceDn, bob));

        ldap = LdapFederation.addInetOrgPerson(realm.admin(), realm.name(), ad.ldapUrl(), ad.bindDn(),
                ad.bindPassword(), staff);
        String preset = realm.adminPath() + "/claromentis-directory/" + ldap.id() + "/preset/ad";
        realm.admin().exchangeJson("POST", preset + "?groupsDn=" + URLEncoder.encode(staff, StandardCharsets.UTF_8));
        mappersAfterFirst = ldap.mapperConfigs();
        realm.admin().exchangeJson("POST", preset);
        mappersAfterSecond = ldap.mapperConfigs();
        fullSync = ldap.syncAllUsers();
    }

    @Nested
    @DisplayName("when the administrator runs a full sync")
    class Applied {

        @Test
        @DisplayName("then everyone is imported by sAMAccountName, keyed by objectGUID, without failure")
        void keyedByObjectGuid(TestRealm realm, SambaAd ad) {
            assertThat(fullSync.path("added").asInt()).as(fullSync.toString()).isEqualTo(3);
            assertThat(fullSync.path("failed").asInt()).isZero();
            UserRepresentation alice = realm.findUser(ALICE).orElseThrow();
            assertThat(alice.getAttributes().get("LDAP_ID")).containsExactly(ad.uuidOf(aliceDn));
        }

        @Test
        @DisplayName("then every Claromentis field and the manager reach Keycloak")
        void everyField(TestRealm realm) {
            UserRepresentation alice = realm.findUser(ALICE).orElseThrow();

            assertThat(alice.getFirstName()).isEqualTo("Alice");
            assertThat(alice.getLastName()).isEqualTo("Archer");
            assertThat(alice.getEmail()).isEqualTo(ALICE + "@example.test");
            assertThat(alice.firstAttribute("phone")).isEqualTo("+44 20 7946 0001");
            assertThat(alice.firstAttribute("jobTitle")).isEqualTo("Head of IT");
            assertThat(alice.firstAttribute("office")).isEqualTo("London");
            assertThat(alice.firstAttribute("department")).isEqualTo("IT");
            assertThat(alice.firstAttribute("externalId")).isEqualTo("E-1001");
            assertThat(realm.findUser(BOB).orElseThrow().firstAttribute("manager")).isEqualTo(ALICE);
        }

        @Test
        @DisplayName("then an account disabled in AD (userAccountControl 514) is disabled in Keycloak, the others enabled")
        void disabled(TestRealm realm) {
            assertThat(realm.findUser(CAROL).orElseThrow().isEnabled()).isFalse();
            assertThat(realm.findUser(ALICE).orElseThrow().isEnabled()).isTrue();
        }

        @Test
        @DisplayName("then AD groups land under the provider's parent group")
        void groups(TestRealm realm) {
            String aliceId = realm.findUser(ALICE).orElseThrow().getId();
            GroupRepresentation[] groups = realm.admin().get(realm.adminPath() + "/users/" + aliceId + "/groups",
                    GroupRepresentation[].class);

            assertThat(Arrays.stream(groups).map(GroupRepresentation::getPath)).contains("/ldap/" + TEAM)
                    .allMatch(path -> path.startsWith("/ldap/"));
        }
    }

    @Nested
    @DisplayName("when the preset is applied a second time")
    class Twice {

        @Test
        @DisplayName("then the mappers are the same in number and configuration")
        void idempotent() {
            assertThat(mappersAfterSecond).isEqualTo(mappersAfterFirst);
            assertThat(mappersAfterFirst.keySet()).contains("msad-user-account-control-mapper:MSAD account controls",
                    "claromentis-manager-mapper:manager", "group-ldap-mapper:claromentis groups");
        }
    }
}
