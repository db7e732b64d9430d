package com.claromentis.keycloak.it.peopleapi;

import com.claromentis.keycloak.sandbox.SandboxConfig;
import com.claromentis.keycloak.sandbox.SandboxGroup;
import com.claromentis.keycloak.sandbox.SandboxServer;
import com.claromentis.keycloak.sandbox.SandboxUser;
import com.claromentis.keycloak.testing.SignInResult;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.TestRealm;
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
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@RealKeycloak
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
@DisplayName("Given people an HR system created in Claromentis through the People API")
class PeopleApiStorageIT {

    private static SandboxServer sandbox;
    private static String componentId;

    @BeforeAll
    static void hrCreatesPeople(TestRealm realm) throws IOException {
        sandbox = SandboxServer.start(SandboxConfig.builder()
                .basicCredentials(PeopleApiComponent.API_USER, PeopleApiComponent.API_PASSWORD).build());
        SandboxUser boss = sandbox.addUser(SandboxUser.builder("mgreen").firstname("Maria").surname("Green")
                .email("maria.green@example.org").jobTitle("Head of People").office("Leeds").department("HR").build());
        SandboxUser jane = sandbox.addUser(SandboxUser.builder("jdoe").firstname("Jane").surname("Doe")
                .email("Jane.Doe@example.org").phone("+44 113 496 0000").jobTitle("Engineer").office("London")
                .department("IT").externalId("HR-42").build());
        sandbox.setManager(jane.id(), boss.id());
        sandbox.addUser(SandboxUser.builder("left.early").firstname("Leo").surname("Left")
                .email("leo@example.org").active(false).build());
        sandbox.addUser(SandboxUser.builder("soon.gone").firstname("Sam").surname("Gone")
                .email("sam@example.org").build());
        SandboxGroup engineering = sandbox.addGroup("Engineering");
        sandbox.addGroupMember(engineering.id(), jane.id());
        SandboxGroup editors = sandbox.addRole("News Editor");
        sandbox.addRoleMember(editors.id(), jane.id());

        componentId = PeopleApiComponent.against(sandbox).add(realm);
    }

    @AfterAll
    static void stopSandbox() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Nested
    @Order(1)
    @DisplayName("when the administrator runs a full sync")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class FullSync {

        @Test
        @Order(1)
        @DisplayName("then every person is imported with name, email, job title, office, department, phone and manager")
        void importsEveryAttribute(TestRealm realm) {
            JsonNode result = PeopleApiComponent.fullSync(realm, componentId);

            assertThat(result.path("added").asInt()).isEqualTo(4);
            assertThat(result.path("failed").asInt()).isZero();
            UserRepresentation jane = realm.findUser("jdoe").orElseThrow();
            assertThat(jane.getFirstName()).isEqualTo("Jane");
            assertThat(jane.getLastName()).isEqualTo("Doe");
            assertThat(jane.getEmail()).isEqualTo("jane.doe@example.org");
            assertThat(jane.isEnabled()).isTrue();
            assertThat(jane.getFederationLink()).isEqualTo(componentId);
            assertThat(jane.getAttributes())
                    .containsEntry("jobTitle", List.of("Engineer"))
                    .containsEntry("office", List.of("London"))
                    .containsEntry("department", List.of("IT"))
                    .containsEntry("phone", List.of("+44 113 496 0000"))
                    .containsEntry("manager", List.of("mgreen"))
                    .containsEntry("externalId", List.of("HR-42"));
        }

        @Test
        @Order(2)
        @DisplayName("then Claromentis groups and roles become Keycloak groups and realm roles")
        void mapsGroupsAndRoles(TestRealm realm) {
            String id = realm.findUser("jdoe").orElseThrow().getId();

            GroupRepresentation[] groups = realm.admin().get(realm.adminPath() + "/users/" + id + "/groups", GroupRepresentation[].class);
            RoleRepresentation[] roles = realm.admin().get(realm.adminPath() + "/users/" + id + "/role-mappings/realm", RoleRepresentation[].class);

            assertThat(Arrays.stream(groups).map(GroupRepresentation::getName)).containsExactly("Engineering");
            assertThat(Arrays.stream(roles).map(RoleRepresentation::getName)).contains("News Editor");
        }

        @Test
        @Order(3)
        @DisplayName("then a person made inactive in Claromentis is disabled")
        void inactiveIsDisabled(TestRealm realm) {
            assertThat(realm.findUser("left.early").orElseThrow().isEnabled()).isFalse();
        }

        @Test
        @Order(4)
        @DisplayName("then a person deleted in Claromentis is removed at the next full sync")
        void deletedIsRemoved(TestRealm realm) {
            long id = sandbox.findUserByUsername("soon.gone").orElseThrow().id();
            HttpResponse<String> deleted = deleteInSandbox(id);
            assertThat(deleted.statusCode()).isEqualTo(204);

            JsonNode result = PeopleApiComponent.fullSync(realm, componentId);

            assertThat(result.path("removed").asInt()).isEqualTo(1);
            assertThat(realm.findUser("soon.gone")).isEmpty();
            assertThat(realm.findUser("jdoe")).isPresent();
        }
    }

    @Nested
    @Order(2)
    @DisplayName("when HR creates someone after the last sync and the administrator searches for them")
    class OnDemand {

        @Test
        @DisplayName("then the admin console finds them and imports them")
        void searchFindsNewPerson(TestRealm realm) {
            sandbox.addUser(SandboxUser.builder("new.starter").firstname("Nina").surname("Starter")
                    .email("nina@example.org").jobTitle("Analyst").build());

            UserRepresentation[] found = realm.admin().get(realm.adminPath() + "/users?search=new.starter", UserRepresentation[].class);

            assertThat(found).extracting(UserRepresentation::getUsername).containsExactly("new.starter");
            assertThat(realm.findUser("new.starter").orElseThrow().getAttributes()).containsEntry("jobTitle", List.of("Analyst"));
        }
    }

    @Nested
    @Order(3)
    @DisplayName("when an imported person with a Keycloak password signs in twice")
    class RepeatedLogin {

        @Test
        @DisplayName("then the second sign-in asks the People API nothing")
        void warmCacheMakesNoCall(TestRealm realm) {
            PeopleApiComponent.fullSync(realm, componentId);
            String id = realm.findUser("mgreen").orElseThrow().getId();
            PeopleApiComponent.setPassword(realm.admin(), realm, id, "Maria-Pass-1");
            SignInResult first = realm.loginClient().login("mgreen", "Maria-Pass-1");
            assertThat(first.succeeded()).as(first.error()).isTrue();

            long before = totalRequests();
            SignInResult second = realm.loginClient().login("mgreen", "Maria-Pass-1");

            assertThat(second.succeeded()).as(second.error()).isTrue();
            assertThat(totalRequests() - before).isZero();
        }
    }

    private static long totalRequests() {
        return sandbox.requestCounts().values().stream().mapToLong(Long::longValue).sum();
    }

    private static HttpResponse<String> deleteInSandbox(long id) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(sandbox.apiBaseUrl() + "users/" + id))
                    .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                            (PeopleApiComponent.API_USER + ":" + PeopleApiComponent.API_PASSWORD).getBytes()))
                    .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
