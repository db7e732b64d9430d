package com.claromentis.keycloak.it.peopleapi;

import com.claromentis.keycloak.sandbox.SandboxConfig;
import com.claromentis.keycloak.sandbox.SandboxServer;
import com.claromentis.keycloak.sandbox.SandboxUser;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.util.JsonSerialization;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@RealKeycloak
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("Given people imported from Claromentis with write-back off")
class PeopleApiReadOnlyIT {

    private static SandboxServer sandbox;
    private static String componentId;
    private static long janeId;

    @BeforeAll
    static void setUp(TestRealm realm) throws IOException {
        sandbox = SandboxServer.start(SandboxConfig.builder()
                .basicCredentials(PeopleApiComponent.API_USER, PeopleApiComponent.API_PASSWORD).build());
        janeId = sandbox.addUser(SandboxUser.builder("jdoe").firstname("Jane").surname("Doe").email("jane@example.org")
                .jobTitle("Engineer").build()).id();
        componentId = PeopleApiComponent.against(sandbox).add(realm);
        PeopleApiComponent.fullSync(realm, componentId);
    }

    @AfterAll
    static void stopSandbox() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    @Order(1)
    @DisplayName("when the administrator edits a job title, then it is refused with a message naming Claromentis")
    void editRefused(TestRealm realm) throws IOException {
        UserRepresentation jane = realm.findUser("jdoe").orElseThrow();
        jane.getAttributes().put("jobTitle", List.of("Architect"));

        HttpResponse<String> response = realm.admin().exchange("PUT", realm.adminPath() + "/users/" + jane.getId(), jane);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JsonSerialization.mapper.readTree(response.body()).path("errorMessage").asText())
                .contains("managed by Claromentis").contains("write-back");
        assertThat(realm.findUser("jdoe").orElseThrow().getAttributes()).containsEntry("jobTitle", List.of("Engineer"));
        assertThat(sandbox.getUser(janeId).orElseThrow().jobTitle()).isEqualTo("Engineer");
    }

    @Test
    @Order(2)
    @DisplayName("when someone is changed in Claromentis after a full sync, then a changed-users sync brings it over")
    void changedSync(TestRealm realm) {
        sandbox.updateUser(janeId, u -> u.toBuilder().jobTitle("Principal Engineer").surname("Smith").build());
        sandbox.addUser(SandboxUser.builder("late.joiner").firstname("Late").surname("Joiner").email("late@example.org").build());

        JsonNode result = PeopleApiComponent.changedSync(realm, componentId);

        assertThat(result.path("failed").asInt()).isZero();
        assertThat(result.path("added").asInt()).isEqualTo(1);
        assertThat(result.path("updated").asInt()).isGreaterThanOrEqualTo(1);
        UserRepresentation jane = realm.findUser("jdoe").orElseThrow();
        assertThat(jane.getLastName()).isEqualTo("Smith");
        assertThat(jane.getAttributes()).containsEntry("jobTitle", List.of("Principal Engineer"));
        assertThat(realm.findUser("late.joiner")).isPresent();
    }

    @Test
    @Order(3)
    @DisplayName("when someone is made inactive in Claromentis, then a changed-users sync disables them")
    void inactiveDisabled(TestRealm realm) {
        sandbox.updateUser(janeId, u -> u.toBuilder().active(false).build());

        PeopleApiComponent.changedSync(realm, componentId);

        assertThat(realm.findUser("jdoe").orElseThrow().isEnabled()).isFalse();
    }

    @Test
    @Order(4)
    @DisplayName("when deleted people are set to be disabled, then a full sync disables the deleted person instead of removing them")
    void deletedDisabled(TestRealm realm) {
        PeopleApiComponent.update(realm, componentId, "deletedUsers", "disable");
        long lateId = sandbox.findUserByUsername("late.joiner").orElseThrow().id();
        deleteInSandbox(lateId); // as HR would, through the API

        JsonNode result = PeopleApiComponent.fullSync(realm, componentId);

        assertThat(result.path("removed").asInt()).isZero();
        assertThat(realm.findUser("late.joiner").orElseThrow().isEnabled()).isFalse();
    }

    private static void deleteInSandbox(long id) {
        try {
            HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(sandbox.apiBaseUrl() + "users/" + id))
                    .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                            (PeopleApiComponent.API_USER + ":" + PeopleApiComponent.API_PASSWORD).getBytes()))
                    .DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(204);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
