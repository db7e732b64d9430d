package com.claromentis.keycloak.it.directory;

import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.SignInResult;
import com.claromentis.keycloak.testing.TestRealm;
import com.claromentis.keycloak.testing.directory.DirectoryUser;
import com.claromentis.keycloak.testing.directory.RealDirectory;
import com.claromentis.keycloak.testing.directory.SambaAd;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.representations.idm.ComponentRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Proves the {@link SambaAd} fixture with Keycloak's stock LDAP federation, vendor Active Directory. */
@RealDirectory
@RealKeycloak
@DisplayName("Given a real Samba AD domain controller federated by Keycloak's stock LDAP provider (vendor Active Directory)")
class SambaAdFederationIT {

    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
    private static final String ALICE = "alice-" + SUFFIX;
    private static final String BOB = "bob-" + SUFFIX;
    private static final String CAROL = "carol-" + SUFFIX;
    private static final String DAVE = "dave-" + SUFFIX;
    private static final String ERIN = "erin-" + SUFFIX;
    private static final String ALICE_PASSWORD = "Alice-Passw0rd!";
    private static final String ERIN_PASSWORD = "Erin-Passw0rd!";

    private static String aliceDn;
    private static String bobDn;
    private static String carolDn;
    private static String daveDn;
    private static String teamDn;
    private static String everyoneDn;
    private static String ldapFederation;
    private static String ldapsFederation;
    private static JsonNode fullSync;

    @BeforeAll
    static void shapeTheDirectory(TestRealm realm, SambaAd ad) {
        String staff = ad.addOrganizationalUnit("staff-" + SUFFIX);
        aliceDn = ad.addUser(DirectoryUser.builder(ALICE).in(staff).givenName("Alice").surname("Archer")
                .mail(ALICE + "@example.test").title("Head of IT").office("London").department("IT")
                .telephoneNumber("+44 20 7946 0001").employeeNumber("E-1001").password(ALICE_PASSWORD).build());
        bobDn = ad.addUser(DirectoryUser.builder(BOB).in(staff).givenName("Bob").surname("Baker")
                .mail(BOB + "@example.test").managerDn(aliceDn).password("Bob-Passw0rd!").build());
        carolDn = ad.addUser(DirectoryUser.builder(CAROL).in(staff).givenName("Carol").surname("Cole")
                .password("Carol-Passw0rd!").disabled().build());
        daveDn = ad.addUser(DirectoryUser.builder(DAVE).in(staff).givenName("Dave").surname("Dunn").build());
        teamDn = ad.addGroup("team-" + SUFFIX, staff, List.of(bobDn, carolDn));
        everyoneDn = ad.addGroup("everyone-" + SUFFIX, staff, List.of(teamDn, aliceDn));

        String tls = ad.addOrganizationalUnit("tls-" + SUFFIX);
        ad.addUser(DirectoryUser.builder(ERIN).in(tls).givenName("Erin").surname("Evans").password(ERIN_PASSWORD).build());

        ldapFederation = addActiveDirectory(realm, "ad-ldap", ad.ldapUrl(), ad, staff);
        ldapsFederation = addActiveDirectory(realm, "ad-ldaps", ad.ldapsUrl(), ad, tls);
        fullSync = realm.admin().exchangeJson("POST", realm.adminPath() + "/user-storage/" + ldapFederation
                + "/sync?action=triggerFullSync");
    }

    @Nested
    @DisplayName("when the administrator runs a full sync over LDAP")
    class FullSync {

        @Test
        @DisplayName("then every account of the OU is imported and none fails")
        void importsEveryone(TestRealm realm) {
            assertThat(fullSync.path("added").asInt()).as(fullSync.toString()).isEqualTo(4);
            assertThat(fullSync.path("failed").asInt()).isZero();
            for (String username : List.of(ALICE, BOB, CAROL, DAVE)) {
                assertThat(realm.findUser(username)).as(username).get()
                        .extracting(UserRepresentation::getFederationLink).isEqualTo(ldapFederation);
            }
        }

        @Test
        @DisplayName("then each user is keyed by the AD objectGUID and named from sAMAccountName, givenName, sn and mail")
        void keysByObjectGuid(TestRealm realm, SambaAd ad) {
            UserRepresentation alice = realm.findUser(ALICE).orElseThrow();

            assertThat(alice.getAttributes().get("LDAP_ID")).containsExactly(ad.uuidOf(aliceDn));
            assertThat(alice.getAttributes().get("LDAP_ENTRY_DN").get(0)).isEqualToIgnoringCase(aliceDn);
            assertThat(alice.getFirstName()).isEqualTo("Alice");
            assertThat(alice.getLastName()).isEqualTo("Archer");
            assertThat(alice.getEmail()).isEqualTo(ALICE + "@example.test");
        }

        @Test
        @DisplayName("then the disabled account (userAccountControl 514) is imported disabled, the others enabled")
        void disabledAccountImportsDisabled(TestRealm realm, SambaAd ad) {
            assertThat(ad.read(carolDn).getAttributeValue("userAccountControl")).isEqualTo("514");
            assertThat(ad.read(daveDn).getAttributeValue("userAccountControl")).isEqualTo("544");

            assertThat(realm.findUser(CAROL).orElseThrow().isEnabled()).isFalse();
            assertThat(realm.findUser(ALICE).orElseThrow().isEnabled()).isTrue();
            assertThat(realm.findUser(DAVE).orElseThrow().isEnabled()).isTrue();
        }
    }

    @Nested
    @DisplayName("when a synced user signs in over LDAP")
    class SignInOverLdap {

        @Test
        @DisplayName("then the AD password lets them in")
        void adPasswordWorks(TestRealm realm) {
            SignInResult result = realm.loginClient().login(ALICE, ALICE_PASSWORD);

            assertThat(result.succeeded()).as(result.describe()).isTrue();
            assertThat(result.idTokenClaims().path("preferred_username").asText()).isEqualTo(ALICE);
        }

        @Test
        @DisplayName("then a wrong password is refused")
        void wrongPasswordIsRefused(TestRealm realm) {
            SignInResult result = realm.loginClient().login(ALICE, "not-" + ALICE_PASSWORD);

            assertThat(result.succeeded()).isFalse();
            assertThat(result.error()).isEqualTo("Invalid username or password.");
        }
    }

    @Nested
    @DisplayName("when Keycloak talks to the DC over LDAPS, its certificate trusted through Keycloak's truststore")
    class OverLdaps {

        @Test
        @DisplayName("then the admin console's connection and authentication test passes")
        void connectionTestPasses(TestRealm realm, SambaAd ad) {
            Map<String, String> test = new LinkedHashMap<>();
            test.put("action", "testAuthentication");
            test.put("connectionUrl", ad.ldapsUrl());
            test.put("authType", "simple");
            test.put("bindDn", ad.bindDn());
            test.put("bindCredential", ad.bindPassword());
            test.put("useTruststoreSpi", "always");
            test.put("connectionTimeout", "5000");
            test.put("startTls", "false");

            HttpResponse<String> answer = realm.admin().exchange("POST", realm.adminPath() + "/testLDAPConnection", test);

            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(204);
        }

        @Test
        @DisplayName("then a directory user signs in with the AD password and is linked to the LDAPS provider")
        void signsInOverLdaps(TestRealm realm) {
            SignInResult result = realm.loginClient().login(ERIN, ERIN_PASSWORD);

            assertThat(result.succeeded()).as(result.describe()).isTrue();
            assertThat(realm.findUser(ERIN).orElseThrow().getFederationLink()).isEqualTo(ldapsFederation);
        }
    }

    @Nested
    @DisplayName("when a test shapes the directory through the fixture")
    class FixtureOperations {

        @Test
        @DisplayName("then nested groups, manager links and the member-of back links are what AD reports")
        void groupsAndManager(SambaAd ad) {
            assertThat(ad.read(everyoneDn).getAttributeValues("member")).containsExactlyInAnyOrder(teamDn, aliceDn);
            assertThat(ad.read(bobDn).getAttributeValues("memberOf")).containsExactly(teamDn);
            assertThat(ad.read(bobDn).getAttributeValue("manager")).isEqualToIgnoringCase(aliceDn);
            assertThat(ad.read(aliceDn).getAttributeValue("physicalDeliveryOfficeName")).isEqualTo("London");
            assertThat(ad.read(aliceDn).getAttributeValue("employeeNumber")).isEqualTo("E-1001");
        }

        @Test
        @DisplayName("then an attribute replaced and an entry deleted show in the directory at once")
        void modifyAndDelete(SambaAd ad) {
            String user = ad.addUser(DirectoryUser.builder("frank-" + SUFFIX).in(ad.addOrganizationalUnit("scratch-" + SUFFIX))
                    .title("Clerk").build());

            ad.replace(user, "title", "Manager");
            assertThat(ad.read(user).getAttributeValue("title")).isEqualTo("Manager");

            ad.delete(user);
            assertThat(ad.read(user)).isNull();
        }
    }

    @Nested
    @DisplayName("when a test needs Kerberos")
    class Kerberos {

        @Test
        @DisplayName("then a ticket the DC's KDC issues for HTTP/localhost is decrypted with the exported keytab")
        void keytabDecryptsServiceTickets(SambaAd ad) throws Exception {
            Path keytab = ad.keycloakKeytab();
            assertThat(Files.readString(ad.krb5Conf(), StandardCharsets.UTF_8)).contains("kdc = 127.0.0.1:88");
            Map<String, String> environment = Map.of("KRB5_CONFIG", ad.krb5Conf().toString(),
                    "KRB5CCNAME", "FILE:" + ad.home().resolve("krb5cc-it-" + SUFFIX));

            run(environment, SambaAd.ADMIN_PASSWORD + "\n", "kinit", SambaAd.ADMIN_PRINCIPAL);
            String kvno = run(environment, "", "kvno", "-k", keytab.toString(), "HTTP/localhost@" + SambaAd.REALM);

            assertThat(kvno).contains("keytab entry valid");
        }

        private static String run(Map<String, String> environment, String input, String... command) throws Exception {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(environment);
            Process process = builder.start();
            process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().close();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
            return output;
        }
    }

    /** Keycloak's LDAP provider as an administrator fills it in for Active Directory. */
    private static String addActiveDirectory(TestRealm realm, String name, String url, SambaAd ad, String usersDn) {
        ComponentRepresentation component = new ComponentRepresentation();
        component.setName(name);
        component.setProviderId("ldap");
        component.setProviderType("org.keycloak.storage.UserStorageProvider");
        component.setParentId(realm.representation().getId());
        Map<String, String> values = new LinkedHashMap<>();
        values.put("enabled", "true");
        values.put("priority", "0");
        values.put("vendor", "ad");
        values.put("editMode", "READ_ONLY");
        values.put("connectionUrl", url);
        values.put("usersDn", usersDn);
        values.put("authType", "simple");
        values.put("bindDn", ad.bindDn());
        values.put("bindCredential", ad.bindPassword());
        values.put("usernameLDAPAttribute", "sAMAccountName");
        values.put("rdnLDAPAttribute", "cn");
        values.put("uuidLDAPAttribute", "objectGUID");
        values.put("userObjectClasses", "person, organizationalPerson, user");
        values.put("searchScope", "1");
        values.put("pagination", "true");
        values.put("importEnabled", "true");
        values.put("syncRegistrations", "false");
        values.put("trustEmail", "true");
        values.put("useTruststoreSpi", "always");
        values.put("connectionTimeout", "5000");
        MultivaluedHashMap<String, String> config = new MultivaluedHashMap<>();
        values.forEach(config::putSingle);
        component.setConfig(config);
        return realm.addComponent(component);
    }
}
