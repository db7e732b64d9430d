package com.claromentis.keycloak.it.peopleapi;

import com.claromentis.keycloak.sandbox.Faults;
import com.claromentis.keycloak.sandbox.SandboxConfig;
import com.claromentis.keycloak.sandbox.SandboxGroup;
import com.claromentis.keycloak.sandbox.SandboxServer;
import com.claromentis.keycloak.sandbox.SandboxUser;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.SignInResult;
import com.claromentis.keycloak.testing.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The holes found in review of the People API storage (issue 8), each from the outside: what an administrator sees in
 * the admin API and the sync result, what a user gets at sign-in, what Keycloak writes to its log.
 */
@RealKeycloak
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
@DisplayName("Given a People API provider whose Claromentis holds hostile, clashing and renamed people")
class PeopleApiHardeningIT {

    private static final String PASSWORD = "Hardening-Pass-1!";
    private static final String FORGED = "FORGED-LINE-MARKER";
    private static final String FORGED_LINE = "\n2026-01-01 00:00:00,000 INFO  [org.keycloak.services] (main) " + FORGED;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static SandboxServer sandbox;
    private static String componentId;
    private static JsonNode firstSync;
    private static long renamedId;

    @BeforeAll
    static void setUp(TestRealm realm) throws IOException {
        sandbox = SandboxServer.start(SandboxConfig.builder()
                .basicCredentials(PeopleApiComponent.API_USER, PeopleApiComponent.API_PASSWORD).build());
        // What an administrator set up in Keycloak before adding the provider.
        String adminGroup = realm.admin().post(realm.adminPath() + "/groups", Map.of("name", "kc-admins"));
        realm.admin().post(realm.adminPath() + "/groups/" + adminGroup + "/role-mappings/clients/" + realmManagement(realm),
                List.of(realmManagementRole(realm, "realm-admin")));
        realm.admin().post(realm.adminPath() + "/roles", Map.of("name", "kc-operators"));
        realm.admin().post(realm.adminPath() + "/roles-by-id/" + realmRole(realm, "kc-operators").getId() + "/composites",
                List.of(realmManagementRole(realm, "manage-users")));
        realm.createUser("holder", PASSWORD, Map.of());
        realm.createUser("dir.user", PASSWORD, Map.of());

        // What anyone who can create groups and users in Claromentis did.
        SandboxUser amy = sandbox.addUser(SandboxUser.builder("amy").firstname("Amy").surname("Ames").email("amy@example.org").build());
        SandboxGroup admins = sandbox.addGroup("kc-admins");
        sandbox.addGroupMember(admins.id(), amy.id());
        SandboxGroup operators = sandbox.addRole("kc-operators");
        sandbox.addRoleMember(operators.id(), amy.id());
        renamedId = sandbox.addUser(SandboxUser.builder("ren.old").firstname("Ren").surname("Old").email("ren@example.org").build()).id();
        sandbox.addUser(SandboxUser.builder("dup.person").firstname("Dup").surname("Person").email("holder@example.test").build());
        sandbox.addUser(SandboxUser.builder("dir.user").firstname("Dir").surname("User").email("dir.other@example.org").build());
        sandbox.addUser(SandboxUser.builder("evil" + FORGED_LINE).firstname("Eve" + FORGED_LINE).surname("Vil" + FORGED_LINE)
                .email("eve@example.org").build());
        sandbox.addUser(SandboxUser.builder("lock.one").firstname("Lock").surname("One").email("lock.one@example.org").build());
        sandbox.addUser(SandboxUser.builder("lock.two").firstname("Lock").surname("Two").email("lock.two@example.org").build());

        componentId = PeopleApiComponent.against(sandbox).add(realm);
        firstSync = PeopleApiComponent.fullSync(realm, componentId);
    }

    @AfterAll
    static void stopSandbox() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @AfterEach
    void heal() {
        sandbox.faults().reset();
    }

    @Nested
    @Order(1)
    @DisplayName("when a full sync meets a Claromentis group and role named like Keycloak's administrator group and role")
    class Privilege {

        @Test
        @DisplayName("then the member is not put in the administrator's group and holds no realm-management role")
        void noEscalation(TestRealm realm) {
            String amy = realm.findUser("amy").orElseThrow().getId();

            GroupRepresentation[] groups = realm.admin().get(realm.adminPath() + "/users/" + amy + "/groups", GroupRepresentation[].class);
            RoleRepresentation[] effective = realm.admin().get(realm.adminPath() + "/users/" + amy
                    + "/role-mappings/clients/" + realmManagement(realm) + "/composite", RoleRepresentation[].class);
            RoleRepresentation[] realmRoles = realm.admin().get(realm.adminPath() + "/users/" + amy
                    + "/role-mappings/realm", RoleRepresentation[].class);

            assertThat(Arrays.stream(groups).map(GroupRepresentation::getPath)).containsExactly("/claromentis/kc-admins");
            assertThat(effective).isEmpty();
            assertThat(Arrays.stream(realmRoles).map(RoleRepresentation::getName)).doesNotContain("kc-operators");
        }

        @Test
        @DisplayName("then the sync result names the role it left alone")
        void clashReported() {
            assertThat(firstSync.path("status").asText()).contains("kc-operators").contains("not created by this provider");
        }

        @Test
        @DisplayName("then an imported person's email is not marked verified")
        void emailNotVerified(TestRealm realm) {
            assertThat(realm.findUser("amy").orElseThrow().isEmailVerified()).isFalse();
        }
    }

    @Nested
    @Order(2)
    @DisplayName("when a full sync meets people it cannot or must not import")
    class Reasons {

        @Test
        @DisplayName("then a person whose email another Keycloak user holds fails with that reason")
        void duplicateEmail() {
            assertThat(firstSync.path("status").asText()).contains("'dup.person' not imported: email already used by Keycloak user 'holder'");
        }

        @Test
        @DisplayName("then a username holding a line break is refused with a clear reason and forges no log line")
        void controlCharacters(TestRealm realm) throws IOException {
            assertThat(firstSync.path("status").asText()).contains("holds control characters");
            assertThat(firstSync.path("failed").asInt()).isEqualTo(2);
            List<String> forged = Files.readAllLines(realm.server().logFile()).stream()
                    .filter(line -> line.contains(FORGED) && line.startsWith("2026-01-01")).toList();
            assertThat(forged).isEmpty();
        }

        @Test
        @DisplayName("then a Keycloak user of the same username from elsewhere is reported as skipped, not failed")
        void directoryUserSkipped(TestRealm realm) {
            assertThat(firstSync.path("status").asText()).contains("'dir.user' skipped: Keycloak already has a user");
            assertThat(realm.findUser("dir.user").orElseThrow().getFederationLink()).isNull();
        }
    }

    @Nested
    @Order(3)
    @DisplayName("when the administrator looks people up")
    class Lookups {

        @Test
        @DisplayName("then an exact username lookup returns nobody for a name Claromentis only has as a prefix of another")
        void exactLookup(TestRealm realm) throws IOException {
            sandbox.addUser(SandboxUser.builder("acc.exact.target.longer").firstname("Acc").surname("Longer").email("acc@example.org").build());

            HttpResponse<String> answer = realm.admin().exchange("GET",
                    realm.adminPath() + "/users?username=acc.exact.target&exact=true", null);

            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(answer.body())).isEmpty();
        }

        @Test
        @DisplayName("then listing and searching stay valid JSON when they reach a person who cannot be imported")
        void listingStaysValid(TestRealm realm) throws IOException {
            sandbox.addUser(SandboxUser.builder("dup.later").firstname("Dup").surname("Later").email("holder@example.test").build());

            HttpResponse<String> list = realm.admin().exchange("GET", realm.adminPath() + "/users?max=100", null);
            HttpResponse<String> search = realm.admin().exchange("GET", realm.adminPath() + "/users?search=dup&max=100", null);

            assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
            assertThat(JSON.readTree(list.body()).isArray()).isTrue();
            assertThat(search.statusCode()).as(search.body()).isEqualTo(200);
            assertThat(JSON.readTree(search.body()).isArray()).isTrue();
        }
    }

    @Nested
    @Order(4)
    @DisplayName("when a person is renamed in Claromentis")
    class Rename {

        @Test
        @DisplayName("then the next full sync renames the same Keycloak user in place")
        void renamedInPlace(TestRealm realm) {
            String before = realm.findUser("ren.old").orElseThrow().getId();
            sandbox.updateUser(renamedId, u -> u.toBuilder().username("ren.new").build());

            JsonNode result = PeopleApiComponent.fullSync(realm, componentId);

            assertThat(result.path("removed").asInt()).isZero();
            assertThat(realm.findUser("ren.new").orElseThrow().getId()).isEqualTo(before);
            assertThat(realm.admin().get(realm.adminPath() + "/users?exact=true&username=ren.old", UserRepresentation[].class)).isEmpty();
        }
    }

    @Nested
    @Order(5)
    @DisplayName("when a changed sync runs right after a full sync, every person modified recently")
    class ChangedSync {

        @Test
        @DisplayName("then it reads the changed people's list only: no member list, no person again, nothing updated")
        void readsChangedPeopleOnly(TestRealm realm) {
            Map<String, Long> before = sandbox.requestCounts();

            JsonNode result = PeopleApiComponent.changedSync(realm, componentId);

            Map<String, Long> after = sandbox.requestCounts();
            assertThat(result.path("updated").asInt()).as(result.toString()).isZero();
            assertThat(diff(before, after, "GET /users/{id}/groups")).isZero();
            assertThat(diff(before, after, "GET /users/{id}/roles")).isZero();
            assertThat(diff(before, after, "GET /users/{id}")).isZero();
            assertThat(diff(before, after, "GET /groups/{id}/users")).isZero();
            assertThat(diff(before, after, "GET /roles/{id}/users")).isZero();
        }

        @Test
        @DisplayName("then a person new in Claromentis arrives with their groups, and an existing person's new group waits for the full sync")
        void newPersonWithGroupsExistingMembershipAtFullSync(TestRealm realm) {
            SandboxGroup team = sandbox.addGroup("Changed Sync Team");
            SandboxUser hire = sandbox.addUser(SandboxUser.builder("new.hire").firstname("New").surname("Hire")
                    .email("new.hire@example.org").build());
            sandbox.addGroupMember(team.id(), hire.id());
            long lockOne = sandbox.findUserByUsername("lock.one").orElseThrow().id();
            sandbox.addGroupMember(team.id(), lockOne);
            Map<String, Long> before = sandbox.requestCounts();

            JsonNode changed = PeopleApiComponent.changedSync(realm, componentId);

            Map<String, Long> after = sandbox.requestCounts();
            assertThat(changed.path("added").asInt()).as(changed.toString()).isEqualTo(1);
            assertThat(groupPaths(realm, "new.hire")).contains("/claromentis/Changed Sync Team");
            assertThat(groupPaths(realm, "lock.one")).doesNotContain("/claromentis/Changed Sync Team");
            assertThat(diff(before, after, "GET /users/{id}/groups")).isEqualTo(1);
            assertThat(diff(before, after, "GET /groups/{id}/users")).isZero();

            PeopleApiComponent.fullSync(realm, componentId);

            assertThat(groupPaths(realm, "lock.one")).contains("/claromentis/Changed Sync Team");
        }

        @Test
        @DisplayName("then a person given a new manager in Claromentis gets that manager's username")
        void newManager(TestRealm realm) {
            long amy = sandbox.findUserByUsername("amy").orElseThrow().id();
            long lockTwo = sandbox.findUserByUsername("lock.two").orElseThrow().id();
            sandbox.updateUser(lockTwo, u -> u.toBuilder().managerId(amy).build());

            JsonNode changed = PeopleApiComponent.changedSync(realm, componentId);

            // This class's hostile people fail every sync, as the tests above show; the change is the one update.
            assertThat(changed.path("updated").asInt()).as(changed.toString()).isEqualTo(1);
            assertThat(realm.findUser("lock.two").orElseThrow().getAttributes()).containsEntry("manager", List.of("amy"));
        }

        @Test
        @DisplayName("then a person changed again after a sync, and one changed back to what an earlier changed sync"
                + " applied after a full sync brought another value, each gets Claromentis's value at the next changed sync")
        void peopleReadAgainAreAppliedWhenTheyDiffer(TestRealm realm) {
            long amy = sandbox.findUserByUsername("amy").orElseThrow().id();
            long lockOne = sandbox.findUserByUsername("lock.one").orElseThrow().id();
            sandbox.updateUser(amy, u -> u.toBuilder().jobTitle("Title A").build());
            sandbox.updateUser(lockOne, u -> u.toBuilder().jobTitle("Lock A").build());
            PeopleApiComponent.changedSync(realm, componentId);
            sandbox.updateUser(lockOne, u -> u.toBuilder().jobTitle("Lock B").build());

            JsonNode again = PeopleApiComponent.changedSync(realm, componentId);

            assertThat(again.path("updated").asInt()).as(again.toString()).isEqualTo(1);
            assertThat(realm.findUser("lock.one").orElseThrow().getAttributes()).containsEntry("jobTitle", List.of("Lock B"));
            assertThat(realm.findUser("amy").orElseThrow().getAttributes()).containsEntry("jobTitle", List.of("Title A"));

            sandbox.updateUser(amy, u -> u.toBuilder().jobTitle("Title B").build());
            PeopleApiComponent.fullSync(realm, componentId);
            assertThat(realm.findUser("amy").orElseThrow().getAttributes()).containsEntry("jobTitle", List.of("Title B"));
            sandbox.updateUser(amy, u -> u.toBuilder().jobTitle("Title A").build());

            JsonNode afterFull = PeopleApiComponent.changedSync(realm, componentId);

            assertThat(afterFull.path("updated").asInt()).as(afterFull.toString()).isEqualTo(1);
            assertThat(realm.findUser("amy").orElseThrow().getAttributes()).containsEntry("jobTitle", List.of("Title A"));
        }

        private List<String> groupPaths(TestRealm realm, String username) {
            String id = realm.findUser(username).orElseThrow().getId();
            return Arrays.stream(realm.admin().get(realm.adminPath() + "/users/" + id + "/groups", GroupRepresentation[].class))
                    .map(GroupRepresentation::getPath).toList();
        }
    }

    @Nested
    @Order(6)
    @DisplayName("when Claromentis lists group members as {\"id\": 42} items")
    class IdOnlyMembers {

        @Test
        @DisplayName("then a full sync still maps the members")
        void idOnly(TestRealm realm) {
            SandboxGroup late = sandbox.addGroup("Late Group");
            sandbox.addGroupMember(late.id(), sandbox.findUserByUsername("amy").orElseThrow().id());
            sandbox.faults().idOnlyMembers(true);

            JsonNode result = PeopleApiComponent.fullSync(realm, componentId);

            String amy = realm.findUser("amy").orElseThrow().getId();
            GroupRepresentation[] groups = realm.admin().get(realm.adminPath() + "/users/" + amy + "/groups", GroupRepresentation[].class);
            assertThat(result.path("status").asText()).doesNotContain("could not be read");
            assertThat(Arrays.stream(groups).map(GroupRepresentation::getPath)).contains("/claromentis/Late Group");
        }
    }

    @Nested
    @Order(7)
    @DisplayName("when Claromentis is down and someone Keycloak never saw signs in")
    class Outage {

        @Test
        @DisplayName("then the password grant answers a clear OAuth error, not a 500")
        void passwordGrant(TestRealm realm) throws Exception {
            sandbox.addUser(SandboxUser.builder("never.seen").firstname("Never").surname("Seen").email("never@example.org").build());
            sandbox.faults().outage(Faults.Outage.STATUS_503);

            HttpResponse<String> answer = tokenFor(realm, "never.seen", PASSWORD);

            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
            assertThat(JSON.readTree(answer.body()).path("error").asText()).isEqualTo("temporarily_unavailable");
        }

        @Test
        @DisplayName("then the browser form shows the Claromentis-unavailable page (503, with a reference code), not a server error")
        void browserForm(TestRealm realm) {
            sandbox.faults().outage(Faults.Outage.STATUS_503);

            SignInResult login = realm.loginClient().login("never.seen.either", PASSWORD);

            assertThat(login.succeeded()).isFalse();
            assertThat(login.status()).as("an outage, said as one").isEqualTo(503);
            assertThat(login.page()).contains("data-refusal=\"claromentis-unavailable\"")
                    .contains("id=\"claromentis-refusal-reference\"").doesNotContain("Exception");
        }

        @Test
        @DisplayName("then an administrator impersonating a known person gets an answer, not a server error")
        void impersonation(TestRealm realm) {
            String amy = realm.findUser("amy").orElseThrow().getId();
            sandbox.faults().outage(Faults.Outage.STATUS_503);

            HttpResponse<String> answer = realm.admin().exchange("POST", realm.adminPath() + "/users/" + amy + "/impersonation", Map.of());

            assertThat(answer.statusCode()).as(answer.body()).isLessThan(500);
        }
    }

    @Nested
    @Order(8)
    @DisplayName("when the realm locks accounts for good after failed sign-ins")
    class Lockout {

        private void lockOut(TestRealm realm, String username) throws Exception {
            RealmRepresentation settings = realm.representation();
            settings.setBruteForceProtected(true);
            settings.setPermanentLockout(true);
            settings.setMaxTemporaryLockouts(0);
            settings.setFailureFactor(3);
            settings.setQuickLoginCheckMilliSeconds(1L);
            realm.update(settings);
            PeopleApiComponent.setPassword(realm.admin(), realm, realm.findUser(username).orElseThrow().getId(), PASSWORD);
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> wrong = tokenFor(realm, username, "wrong-" + i);
                assertThat(wrong.statusCode()).as(wrong.body()).isIn(400, 401);
            }
            // Keycloak records failures apart from the sign-in's own answer: on a loaded machine the third one can
            // still be on its way when the next sign-in arrives. Wait until Keycloak itself reports the lockout.
            String id = realm.findUser(username).orElseThrow().getId();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                    .until(() -> realm.admin().get(realm.adminPath() + "/attack-detection/brute-force/users/" + id)
                            .path("disabled").asBoolean(false));
        }

        @Test
        @Order(1)
        @DisplayName("then the right password is refused after too many wrong ones")
        void locked(TestRealm realm) throws Exception {
            lockOut(realm, "lock.one");

            HttpResponse<String> right = tokenFor(realm, "lock.one", PASSWORD);

            assertThat(right.statusCode()).as(right.body()).isNotEqualTo(200);
            assertThat(realm.findUser("lock.one").orElseThrow().isEnabled()).isFalse();
        }

        @Test
        @Order(2)
        @DisplayName("then with write-back on the person stays active in Claromentis, also when a later edit is written back")
        void writeBackLeavesClaromentisAlone(TestRealm realm) throws Exception {
            PeopleApiComponent.update(realm, componentId, "writeBack", "true");
            lockOut(realm, "lock.two");

            HttpResponse<String> right = tokenFor(realm, "lock.two", PASSWORD);

            assertThat(right.statusCode()).as(right.body()).isNotEqualTo(200);
            assertThat(sandbox.findUserByUsername("lock.two").orElseThrow().active()).isTrue();
            // An administrator's edit of the locked-out user is delivered after commit: it carries the new job
            // title, not the lockout.
            UserRepresentation locked = realm.findUser("lock.two").orElseThrow();
            Map<String, List<String>> attributes = new java.util.HashMap<>(
                    locked.getAttributes() == null ? Map.of() : locked.getAttributes());
            attributes.put("jobTitle", List.of("Locked Analyst"));
            locked.setAttributes(attributes);
            HttpResponse<String> edit = realm.admin().exchange("PUT", realm.adminPath() + "/users/" + locked.getId(), locked);
            assertThat(edit.statusCode()).as(edit.body()).isEqualTo(204);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() ->
                    "Locked Analyst".equals(sandbox.findUserByUsername("lock.two").orElseThrow().jobTitle()));
            assertThat(sandbox.findUserByUsername("lock.two").orElseThrow().active()).isTrue();
            assertThat(realm.findUser("lock.two").orElseThrow().isEnabled()).as("still locked out here").isFalse();
        }
    }

    private static HttpResponse<String> tokenFor(TestRealm realm, String username, String password) throws Exception {
        String form = "grant_type=password&client_id=" + TestRealm.TEST_CLIENT
                + "&username=" + URLEncoder.encode(username, StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(realm.realmUrl() + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long diff(Map<String, Long> before, Map<String, Long> after, String key) {
        return after.getOrDefault(key, 0L) - before.getOrDefault(key, 0L);
    }

    private static String realmManagement(TestRealm realm) {
        return realm.admin().get(realm.adminPath() + "/clients?clientId=realm-management", ClientRepresentation[].class)[0].getId();
    }

    private static RoleRepresentation realmManagementRole(TestRealm realm, String name) {
        return realm.admin().get(realm.adminPath() + "/clients/" + realmManagement(realm) + "/roles/" + name, RoleRepresentation.class);
    }

    private static RoleRepresentation realmRole(TestRealm realm, String name) {
        return realm.admin().get(realm.adminPath() + "/roles/" + name, RoleRepresentation.class);
    }
}
