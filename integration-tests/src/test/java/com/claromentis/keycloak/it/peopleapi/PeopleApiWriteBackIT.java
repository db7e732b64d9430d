package com.claromentis.keycloak.it.peopleapi;

import com.claromentis.keycloak.sandbox.Faults;
import com.claromentis.keycloak.sandbox.SandboxConfig;
import com.claromentis.keycloak.sandbox.SandboxServer;
import com.claromentis.keycloak.sandbox.SandboxUser;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
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
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@RealKeycloak
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("Given the Claromentis provider with write-back on, when an administrator manages people in the admin console")
class PeopleApiWriteBackIT {

    private static SandboxServer sandbox;
    private static String componentId;

    @BeforeAll
    static void setUp(TestRealm realm) throws IOException {
        sandbox = SandboxServer.start(SandboxConfig.builder()
                .basicCredentials(PeopleApiComponent.API_USER, PeopleApiComponent.API_PASSWORD).build());
        componentId = PeopleApiComponent.against(sandbox).with("writeBack", "true").add(realm);
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

    private static UserRepresentation newPerson(String username) {
        UserRepresentation user = new UserRepresentation();
        user.setUsername(username);
        user.setFirstName("Ada");
        user.setLastName("Lovelace");
        user.setEmail(username + "@example.org");
        user.setEnabled(true);
        user.setAttributes(Map.of("jobTitle", List.of("Analyst"), "office", List.of("London")));
        return user;
    }

    private static String errorOf(HttpResponse<String> response) {
        try {
            return JsonSerialization.mapper.readTree(response.body()).path("errorMessage").asText(response.body());
        } catch (IOException e) {
            return response.body();
        }
    }

    private static HttpResponse<String> update(TestRealm realm, String id, java.util.function.Consumer<UserRepresentation> change) {
        UserRepresentation user = realm.admin().get(realm.adminPath() + "/users/" + id, UserRepresentation.class);
        change.accept(user);
        return realm.admin().exchange("PUT", realm.adminPath() + "/users/" + id, user);
    }

    @Test
    @Order(1)
    @DisplayName("then a person created in Keycloak is created in Claromentis with the same fields and linked by id")
    void create(TestRealm realm) {
        String id = realm.admin().post(realm.adminPath() + "/users", newPerson("ada"));

        SandboxUser created = sandbox.findUserByUsername("ada").orElseThrow();
        assertThat(created.firstname()).isEqualTo("Ada");
        assertThat(created.surname()).isEqualTo("Lovelace");
        assertThat(created.email()).isEqualTo("ada@example.org");
        assertThat(created.jobTitle()).isEqualTo("Analyst");
        assertThat(created.office()).isEqualTo("London");
        UserRepresentation local = realm.admin().get(realm.adminPath() + "/users/" + id, UserRepresentation.class);
        assertThat(local.getFederationLink()).isEqualTo(componentId);
        assertThat(local.getAttributes()).containsEntry("claromentisId", List.of(Long.toString(created.id())));
    }

    @Test
    @Order(2)
    @DisplayName("then editing the first name and job title updates Claromentis")
    void edit(TestRealm realm) {
        String id = realm.findUser("ada").orElseThrow().getId();

        HttpResponse<String> response = update(realm, id, user -> {
            user.setFirstName("Augusta");
            user.getAttributes().put("jobTitle", List.of("Mathematician"));
        });

        assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
        SandboxUser updated = sandbox.findUserByUsername("ada").orElseThrow();
        assertThat(updated.firstname()).isEqualTo("Augusta");
        assertThat(updated.jobTitle()).isEqualTo("Mathematician");
        assertThat(updated.office()).as("untouched fields stay").isEqualTo("London");
    }

    @Test
    @Order(3)
    @DisplayName("then an edit while Claromentis is down is refused with a clear message and undone in Keycloak")
    void editDuringOutage(TestRealm realm) {
        String id = realm.findUser("ada").orElseThrow().getId();
        sandbox.faults().outage(Faults.Outage.STATUS_503);

        HttpResponse<String> response = update(realm, id, user -> user.setLastName("Byron"));

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(errorOf(response)).contains("was not updated in Claromentis").contains("not reachable");
        assertThat(response.body()).doesNotContain(PeopleApiComponent.API_PASSWORD);
        sandbox.faults().reset();
        assertThat(realm.findUser("ada").orElseThrow().getLastName()).isEqualTo("Lovelace");
        assertThat(sandbox.findUserByUsername("ada").orElseThrow().surname()).isEqualTo("Lovelace");
    }

    @Test
    @Order(4)
    @DisplayName("then a person created while Claromentis is down is refused and not created in Keycloak either")
    void createDuringOutage(TestRealm realm) {
        sandbox.faults().outage(Faults.Outage.CLOSE_CONNECTION);

        HttpResponse<String> response = realm.admin().exchange("POST", realm.adminPath() + "/users", newPerson("grace"));

        assertThat(response.statusCode()).isNotEqualTo(201).isNotEqualTo(500);
        assertThat(errorOf(response)).contains("was not created in Claromentis");
        sandbox.faults().reset();
        assertThat(realm.findUser("grace")).isEmpty();
        assertThat(sandbox.findUserByUsername("grace")).isEmpty();
    }

    @Test
    @Order(5)
    @DisplayName("then a username Claromentis already has is refused as a conflict")
    void createDuplicate(TestRealm realm) {
        sandbox.addUser(SandboxUser.builder("taken").firstname("Someone").surname("Else").email("else@example.org").build());
        UserRepresentation person = newPerson("taken");
        person.setEmail("other@example.org");

        // Keycloak first looks the username up through the provider, which imports Claromentis' "taken".
        HttpResponse<String> response = realm.admin().exchange("POST", realm.adminPath() + "/users", person);

        assertThat(response.statusCode()).isEqualTo(409);
    }

    @Test
    @Order(6)
    @DisplayName("then a delete while Claromentis is down is refused and the person stays in both")
    void deleteDuringOutage(TestRealm realm) {
        String id = realm.findUser("ada").orElseThrow().getId();
        sandbox.faults().outage(Faults.Outage.STATUS_503);

        HttpResponse<String> response = realm.admin().exchange("DELETE", realm.adminPath() + "/users/" + id, null);

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(errorOf(response)).contains("was not deleted in Claromentis");
        sandbox.faults().reset();
        assertThat(realm.findUser("ada")).isPresent();
        assertThat(sandbox.findUserByUsername("ada")).isPresent();
    }

    @Test
    @Order(7)
    @DisplayName("then deleting the person deletes them in Claromentis")
    void delete(TestRealm realm) {
        String id = realm.findUser("ada").orElseThrow().getId();

        HttpResponse<String> response = realm.admin().exchange("DELETE", realm.adminPath() + "/users/" + id, null);

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(sandbox.findUserByUsername("ada")).isEmpty();
        assertThat(realm.findUser("ada")).isEmpty();
    }
}
