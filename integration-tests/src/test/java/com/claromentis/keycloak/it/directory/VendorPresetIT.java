package com.claromentis.keycloak.it.directory;

import com.claromentis.keycloak.testing.LdapFederation;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.TestRealm;
import com.claromentis.keycloak.testing.directory.DirectoryUser;
import com.claromentis.keycloak.testing.directory.RealDirectory;
import com.claromentis.keycloak.testing.directory.Slapd;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ComponentRepresentation;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenLDAP vendor preset on a real slapd, applied through the admin REST API. */
@RealDirectory
@RealKeycloak
@DisplayName("Given an OpenLDAP provider and the openldap vendor preset")
class VendorPresetIT {

    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);

    private static LdapFederation ldap;
    private static String aliceDn;
    private static JsonNode firstApply;
    private static Map<String, Map<String, List<String>>> mappersAfterFirst;
    private static JsonNode secondApply;
    private static Map<String, Map<String, List<String>>> mappersAfterSecond;
    private static JsonNode fullSync;
    private static String adminsGroupId;

    @BeforeAll
    static void applyThePresetAndSync(TestRealm realm, Slapd slapd) {
        String people = slapd.addOrganizationalUnit("preset-people-" + SUFFIX);
        String groups = slapd.addOrganizationalUnit("preset-groups-" + SUFFIX);
        aliceDn = slapd.addUser(DirectoryUser.builder("alice").in(people).givenName("Alice").surname("Archer")
                .mail("alice.archer@example.test").title("Head of IT").office("London").department("IT")
                .telephoneNumber("+44 20 7946 0000").employeeNumber("E-1001").build());
        String bob = slapd.addUser(DirectoryUser.builder("bob").in(people).givenName("Bob").surname("Baker")
                .mail("bob.baker@example.test").managerDn(aliceDn).build());
        slapd.addGroup("staff", groups, List.of(aliceDn, bob));

        ldap = LdapFederation.addInetOrgPerson(realm.admin(), realm.name(), slapd.ldapUrl(), slapd.bindDn(),
                slapd.bindPassword(), people);
        // An administrators' group of the same name as a directory group, granted realm administration.
        GroupRepresentation admins = new GroupRepresentation();
        admins.setName("staff");
        adminsGroupId = realm.admin().post(realm.adminPath() + "/groups", admins);
        String realmManagement = realm.admin().get(realm.adminPath() + "/clients?clientId=realm-management")
                .get(0).path("id").asText();
        RoleRepresentation realmAdmin = realm.admin().get(realm.adminPath() + "/clients/" + realmManagement
                + "/roles/realm-admin", RoleRepresentation.class);
        realm.admin().post(realm.adminPath() + "/groups/" + adminsGroupId + "/role-mappings/clients/" + realmManagement,
                List.of(realmAdmin));
        String preset = presetPath(realm) + "?groupsDn=" + URLEncoder.encode(groups, StandardCharsets.UTF_8);
        firstApply = realm.admin().exchangeJson("POST", preset);
        mappersAfterFirst = ldap.mapperConfigs();
        secondApply = realm.admin().exchangeJson("POST", presetPath(realm));
        mappersAfterSecond = ldap.mapperConfigs();
        fullSync = ldap.syncAllUsers();
    }

    private static String presetPath(TestRealm realm) {
        return realm.adminPath() + "/claromentis-directory/" + ldap.id() + "/preset/openldap";
    }

    @Nested
    @DisplayName("when the administrator applies it and runs a full sync")
    class Applied {

        @Test
        @DisplayName("then the sync imports everyone without failure")
        void syncs() {
            assertThat(firstApply.path("applied").asBoolean()).as(firstApply.toString()).isTrue();
            assertThat(fullSync.path("added").asInt()).as(fullSync.toString()).isEqualTo(2);
            assertThat(fullSync.path("failed").asInt()).isZero();
        }

        @Test
        @DisplayName("then names, email, phone, job title, office, department, employee number and manager reach Keycloak")
        void everyField(TestRealm realm) {
            UserRepresentation alice = realm.findUser("alice").orElseThrow();

            assertThat(alice.getFirstName()).isEqualTo("Alice");
            assertThat(alice.getLastName()).isEqualTo("Archer");
            assertThat(alice.getEmail()).isEqualTo("alice.archer@example.test");
            assertThat(alice.firstAttribute("phone")).isEqualTo("+44 20 7946 0000");
            assertThat(alice.firstAttribute("jobTitle")).isEqualTo("Head of IT");
            assertThat(alice.firstAttribute("office")).isEqualTo("London");
            assertThat(alice.firstAttribute("department")).isEqualTo("IT");
            assertThat(alice.firstAttribute("externalId")).isEqualTo("E-1001");
            assertThat(realm.findUser("bob").orElseThrow().firstAttribute("manager")).isEqualTo("alice");
        }

        @Test
        @DisplayName("then the directory's groups land under the provider's own parent group, not at the top level")
        void groupsUnderTheProvidersParent(TestRealm realm) {
            String aliceId = realm.findUser("alice").orElseThrow().getId();
            GroupRepresentation[] groups = realm.admin().get(realm.adminPath() + "/users/" + aliceId + "/groups",
                    GroupRepresentation[].class);

            assertThat(Arrays.stream(groups).map(GroupRepresentation::getPath)).containsExactly("/ldap/staff");
        }
    }

    @Nested
    @DisplayName("when an administrators' Keycloak group has the name of a directory group")
    class SameNameAsAnAdministratorsGroup {

        @Test
        @DisplayName("then the directory's members join the provider's own group, never the administrators' group or its role")
        void neverTheAdministratorsGroup(TestRealm realm) {
            UserRepresentation[] members = realm.admin().get(realm.adminPath() + "/groups/" + adminsGroupId
                    + "/members", UserRepresentation[].class);
            String aliceId = realm.findUser("alice").orElseThrow().getId();
            JsonNode aliceRoles = realm.admin().get(realm.adminPath() + "/users/" + aliceId + "/role-mappings");

            assertThat(members).isEmpty();
            assertThat(aliceRoles.path("clientMappings").has("realm-management")).as(aliceRoles.toString()).isFalse();
        }
    }

    @Nested
    @DisplayName("when an administrator maps realm-admin onto a directory group after the preset")
    class RoleMappedLater {

        @Test
        @DisplayName("then the next sync takes it off again, and the group's members do not administer Keycloak")
        void withdrawnAtSync(TestRealm realm) {
            GroupRepresentation parent = realm.admin().get(realm.adminPath() + "/groups?search=ldap&exact=true",
                    GroupRepresentation[].class)[0];
            GroupRepresentation staff = java.util.Arrays.stream(realm.admin().get(realm.adminPath() + "/groups/"
                    + parent.getId() + "/children", GroupRepresentation[].class))
                    .filter(g -> g.getName().equals("staff")).findFirst().orElseThrow();
            String realmManagement = realm.admin().get(realm.adminPath() + "/clients?clientId=realm-management")
                    .get(0).path("id").asText();
            RoleRepresentation realmAdmin = realm.admin().get(realm.adminPath() + "/clients/" + realmManagement
                    + "/roles/realm-admin", RoleRepresentation.class);
            realm.admin().post(realm.adminPath() + "/groups/" + staff.getId() + "/role-mappings/clients/"
                    + realmManagement, List.of(realmAdmin));

            ldap.syncChangedUsers();

            JsonNode groupRoles = realm.admin().get(realm.adminPath() + "/groups/" + staff.getId() + "/role-mappings");
            String aliceId = realm.findUser("alice").orElseThrow().getId();
            JsonNode effective = realm.admin().get(realm.adminPath() + "/users/" + aliceId
                    + "/role-mappings/clients/" + realmManagement + "/composite");
            assertThat(groupRoles.path("clientMappings").has("realm-management")).as(groupRoles.toString()).isFalse();
            assertThat(effective.toString()).doesNotContain("realm-admin");
        }
    }

    @Nested
    @DisplayName("when the provider's parent group already grants Keycloak administration")
    class PrivilegedParent {

        @Test
        @DisplayName("then the preset is refused with 409 and adds no group mapper")
        void refused(TestRealm realm, Slapd slapd) {
            String ou = slapd.addOrganizationalUnit("preset-privileged-" + SUFFIX);
            LdapFederation other = LdapFederation.addInetOrgPerson(realm.admin(), realm.name(), slapd.ldapUrl(),
                    slapd.bindDn(), slapd.bindPassword(), ou);
            ComponentRepresentation provider = realm.admin().get(realm.adminPath() + "/components/" + other.id(),
                    ComponentRepresentation.class);
            provider.setName("corp-directory");
            realm.admin().put(realm.adminPath() + "/components/" + other.id(), provider);
            GroupRepresentation parent = new GroupRepresentation();
            parent.setName("corp-directory");
            String parentId = realm.admin().post(realm.adminPath() + "/groups", parent);
            String realmManagement = realm.admin().get(realm.adminPath() + "/clients?clientId=realm-management")
                    .get(0).path("id").asText();
            RoleRepresentation manageUsers = realm.admin().get(realm.adminPath() + "/clients/" + realmManagement
                    + "/roles/manage-users", RoleRepresentation.class);
            realm.admin().post(realm.adminPath() + "/groups/" + parentId + "/role-mappings/clients/" + realmManagement,
                    List.of(manageUsers));

            var response = realm.admin().exchange("POST", realm.adminPath() + "/claromentis-directory/" + other.id()
                    + "/preset/openldap?groupsDn=" + URLEncoder.encode(ou, StandardCharsets.UTF_8), null);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(409);
            assertThat(response.body()).contains("grants Keycloak administration");
            assertThat(other.mappers().stream().map(ComponentRepresentation::getProviderId))
                    .doesNotContain("group-ldap-mapper", "claromentis-manager-mapper");
        }
    }

    @Nested
    @DisplayName("when the administrator applies it a second time")
    class Twice {

        @Test
        @DisplayName("then the mappers are the same, in number and configuration, and the answer says nothing changed")
        void idempotent() {
            assertThat(mappersAfterSecond).isEqualTo(mappersAfterFirst);
            assertThat(secondApply.path("provider").path("action").asText()).isEqualTo("unchanged");
            assertThat(secondApply.path("mappers").findValuesAsText("action")).containsOnly("unchanged");
        }

        @Test
        @DisplayName("then the preview (GET) shows the same nothing-to-do plan without applying")
        void preview(TestRealm realm) {
            JsonNode plan = realm.admin().get(presetPath(realm));

            assertThat(plan.path("applied").asBoolean()).isFalse();
            assertThat(plan.path("groupsPath").asText()).isEqualTo("/ldap");
            assertThat(plan.path("mappers").findValuesAsText("action")).containsOnly("unchanged");
        }
    }
}
