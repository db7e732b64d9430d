package com.claromentis.keycloak.it.directory;

import com.claromentis.keycloak.it.outbox.OutboxFixture;
import com.claromentis.keycloak.testing.LdapFederation;
import com.claromentis.keycloak.testing.RealKeycloak;
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
import org.keycloak.representations.idm.RoleRepresentation;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Directory role groups as realm roles, from a real slapd into Keycloak and on into Claromentis's roles: granted and
 * revoked by deltas at every sync (a change made on the role group's entry alone included), and never a way to
 * administer Keycloak, however the role groups are named or what an administrator maps onto their roles later.
 */
@RealDirectory
@RealKeycloak
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("Given an OpenLDAP directory with role groups, synced with the openldap preset and a roles DN")
class DirectoryRolesIT {

    private static final Duration DELIVERY = Duration.ofSeconds(90);
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
    private static final String ERIN = "erin" + SUFFIX;
    private static final String FRANK = "frank" + SUFFIX;
    private static final String EDITORS = "Editors " + SUFFIX;
    /** Named like the realm role an administrator made for the help desk, which manages users. */
    private static final String HELPDESK = "helpdesk-" + SUFFIX;

    private static OutboxFixture outbox;
    private static LdapFederation ldap;
    private static String frankDn;
    private static String editorsDn;
    private static String realmManagement;
    private static JsonNode firstSync;

    @BeforeAll
    static void syncTheDirectory(TestRealm realm, Slapd slapd) {
        outbox = OutboxFixture.provisioning(realm);
        outbox.sandbox.addRole(EDITORS);
        realmManagement = realm.admin().get(realm.adminPath() + "/clients?clientId=realm-management")
                .get(0).path("id").asText();
        RoleRepresentation helpdesk = new RoleRepresentation();
        helpdesk.setName(HELPDESK);
        realm.admin().post(realm.adminPath() + "/roles", helpdesk);
        realm.admin().post(realm.adminPath() + "/roles/" + HELPDESK + "/composites",
                List.of(clientRole(realm, "manage-users")));

        String people = slapd.addOrganizationalUnit("roles-people-" + SUFFIX);
        String groups = slapd.addOrganizationalUnit("roles-groups-" + SUFFIX);
        String roles = slapd.addOrganizationalUnit("roles-" + SUFFIX);
        String erinDn = slapd.addUser(DirectoryUser.builder(ERIN).in(people).givenName("Erin").surname("Evans")
                .mail(ERIN + "@example.test").build());
        frankDn = slapd.addUser(DirectoryUser.builder(FRANK).in(people).givenName("Frank").surname("Ford")
                .mail(FRANK + "@example.test").build());
        editorsDn = slapd.addGroup(EDITORS, roles, List.of(erinDn, frankDn));
        slapd.addGroup(HELPDESK, roles, List.of(erinDn));

        ldap = LdapFederation.addInetOrgPerson(realm.admin(), realm.name(), slapd.ldapUrl(), slapd.bindDn(),
                slapd.bindPassword(), people);
        realm.admin().exchangeJson("POST", realm.adminPath() + "/claromentis-directory/" + ldap.id()
                + "/preset/openldap?groupsDn=" + URLEncoder.encode(groups, StandardCharsets.UTF_8)
                + "&rolesDn=" + URLEncoder.encode(roles, StandardCharsets.UTF_8));
        firstSync = ldap.syncAllUsers();
        outbox.awaitDrained(DELIVERY);
    }

    private static RoleRepresentation clientRole(TestRealm realm, String name) {
        return realm.admin().get(realm.adminPath() + "/clients/" + realmManagement + "/roles/" + name,
                RoleRepresentation.class);
    }

    private static List<String> realmRoles(TestRealm realm, String username) {
        String id = realm.findUser(username).orElseThrow().getId();
        List<String> names = new ArrayList<>();
        realm.admin().get(realm.adminPath() + "/users/" + id + "/role-mappings/realm")
                .forEach(role -> names.add(role.path("name").asText()));
        return names;
    }

    /** What the user may do in realm-management, through every composite. */
    private static String administration(TestRealm realm, String username) {
        String id = realm.findUser(username).orElseThrow().getId();
        return realm.admin().get(realm.adminPath() + "/users/" + id + "/role-mappings/clients/" + realmManagement
                + "/composite").toString();
    }

    @Test
    @Order(1)
    @DisplayName("when the first full sync runs, then the members of a role group hold the realm role of its name, and are members of Claromentis's role of that name")
    void rolesGranted(TestRealm realm) {
        assertThat(firstSync.path("failed").asInt()).as(firstSync.toString()).isZero();
        assertThat(realmRoles(realm, ERIN)).contains(EDITORS);
        assertThat(realmRoles(realm, FRANK)).contains(EDITORS);
        JsonNode role = realm.admin().get(realm.adminPath() + "/roles/" + URLEncoder.encode(EDITORS,
                StandardCharsets.UTF_8).replace("+", "%20"));
        assertThat(role.path("composite").asBoolean()).isFalse();

        await().atMost(DELIVERY).untilAsserted(() -> assertThat(outbox.roleMembers(EDITORS)).containsExactlyInAnyOrder(
                outbox.requireInClaromentis(ERIN).id(), outbox.requireInClaromentis(FRANK).id()));
    }

    @Test
    @Order(2)
    @DisplayName("then a role group named like a realm role the provider did not create (one that manages users) grants nothing, and the administrator reads why")
    void namesakeOfAnAdministratorsRoleGrantsNothing(TestRealm realm) {
        assertThat(realmRoles(realm, ERIN)).doesNotContain(HELPDESK);
        assertThat(administration(realm, ERIN)).doesNotContain("manage-users");
        JsonNode report = realm.admin().get(realm.adminPath() + "/claromentis-directory/" + ldap.id() + "/last-sync");
        assertThat(report.path("refusedRoles").toString()).as(report.toString()).contains(HELPDESK);
    }

    @Test
    @Order(3)
    @DisplayName("when an unchanged directory is synced again, then nothing more is sent to Claromentis's roles")
    void unchangedSendsNothing() {
        long before = outbox.requests("PUT /roles/{id}/users");
        assertThat(before).as("the first sync wrote Claromentis's role").isPositive();

        ldap.syncAllUsers();
        outbox.awaitDrained(DELIVERY);

        assertThat(outbox.requests("PUT /roles/{id}/users")).isEqualTo(before);
    }

    @Test
    @Order(4)
    @DisplayName("when someone leaves the role group on the directory (only the group's entry changes), then a changed-users sync revokes that role here and in Claromentis, and nobody else's")
    void leavingTheRoleGroup(TestRealm realm, Slapd slapd) throws InterruptedException {
        // Changed-users sync compares modifyTimestamp with the last sync, to the second.
        Thread.sleep(1_100);
        slapd.removeMember(editorsDn, frankDn);

        ldap.syncChangedUsers();

        assertThat(realmRoles(realm, FRANK)).doesNotContain(EDITORS);
        assertThat(realmRoles(realm, FRANK)).as("Keycloak's default roles stay").contains("default-roles-" + realm.name());
        assertThat(realmRoles(realm, ERIN)).contains(EDITORS);
        await().atMost(DELIVERY).untilAsserted(() -> assertThat(outbox.roleMembers(EDITORS))
                .containsExactly(outbox.requireInClaromentis(ERIN).id()));
    }

    @Test
    @Order(5)
    @DisplayName("when an administrator later makes a directory role administer Keycloak, then the next sync takes that away and its members do not administer Keycloak")
    void privilegeMappedLaterIsWithdrawn(TestRealm realm) {
        String path = realm.adminPath() + "/roles/" + URLEncoder.encode(EDITORS, StandardCharsets.UTF_8).replace("+", "%20");
        realm.admin().post(path + "/composites", List.of(clientRole(realm, "realm-admin")));
        assertThat(administration(realm, ERIN)).as("before the sync").contains("realm-admin");

        ldap.syncChangedUsers();

        assertThat(realm.admin().get(path + "/composites").toString()).doesNotContain("realm-admin");
        assertThat(administration(realm, ERIN)).doesNotContain("realm-admin").doesNotContain("manage-");
        assertThat(realmRoles(realm, ERIN)).as("the role itself stays granted").contains(EDITORS);
    }
}
