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

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Write-back through the provisioning outbox: Keycloak saves at once, Claromentis gets the change after the commit.
 * The realm does not switch on the {@code claromentis-provisioning} event listener: write-back is the People API
 * provider's own setting.
 */
@RealKeycloak
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("Given the Claromentis provider with write-back on (and no provisioning event listener), when an administrator manages people in the admin console")
class PeopleApiWriteBackIT {

    private static final Duration DELIVERY = Duration.ofSeconds(60);
    private static final String OUTBOX = "/claromentis-outbox";

    private static SandboxServer sandbox;
    private static String componentId;

    @BeforeAll
    static void setUp(TestRealm realm) throws IOException {
        sandbox = SandboxServer.start(SandboxConfig.builder()
                .basicCredentials(PeopleApiComponent.API_USER, PeopleApiComponent.API_PASSWORD).build());
        componentId = PeopleApiComponent.against(sandbox).with("writeBack", "true").add(realm);
        assertThat(realm.admin().get(realm.adminPath() + OUTBOX).path("enabled").asBoolean())
                .as("the realm does not provision through the event listener").isFalse();
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

    private static HttpResponse<String> update(TestRealm realm, String id, Consumer<UserRepresentation> change) {
        UserRepresentation user = realm.admin().get(realm.adminPath() + "/users/" + id, UserRepresentation.class);
        if (user.getAttributes() != null) {
            user.setAttributes(new HashMap<>(user.getAttributes()));
        }
        change.accept(user);
        return realm.admin().exchange("PUT", realm.adminPath() + "/users/" + id, user);
    }

    private static SandboxUser inClaromentis(String username) {
        return sandbox.findUserByUsername(username).orElseThrow();
    }

    private static Optional<JsonNode> deadLetterOf(TestRealm realm, String username) {
        JsonNode letters = realm.admin().get(realm.adminPath() + OUTBOX + "/dead-letters");
        JsonNode items = letters.isArray() ? letters : letters.path("items");
        return StreamSupport.stream(items.spliterator(), false)
                .filter(letter -> username.equals(letter.path("username").asText()))
                .findFirst();
    }

    private static long pending(TestRealm realm) {
        return realm.admin().get(realm.adminPath() + OUTBOX).path("pending").asLong();
    }

    @Test
    @Order(1)
    @DisplayName("then a person created in Keycloak is created in Claromentis after commit and linked by its Claromentis id")
    void create(TestRealm realm) {
        String id = realm.admin().post(realm.adminPath() + "/users", newPerson("ada"));

        await().atMost(DELIVERY).until(() -> sandbox.findUserByUsername("ada").isPresent());
        SandboxUser created = inClaromentis("ada");
        assertThat(created.firstname()).isEqualTo("Ada");
        assertThat(created.surname()).isEqualTo("Lovelace");
        assertThat(created.email()).isEqualTo("ada@example.org");
        assertThat(created.jobTitle()).isEqualTo("Analyst");
        assertThat(created.office()).isEqualTo("London");
        await().atMost(DELIVERY).untilAsserted(() -> assertThat(realm.admin()
                .get(realm.adminPath() + "/users/" + id, UserRepresentation.class).getAttributes())
                .containsEntry("claromentisId", List.of(Long.toString(created.id()))));
        UserRepresentation local = realm.admin().get(realm.adminPath() + "/users/" + id, UserRepresentation.class);
        assertThat(local.getFederationLink()).isEqualTo(componentId);
        assertThat(sandbox.userCount()).isEqualTo(1);
    }

    @Test
    @Order(2)
    @DisplayName("then editing the first name and job title saves at once and updates Claromentis after commit")
    void edit(TestRealm realm) {
        String id = realm.findUser("ada").orElseThrow().getId();

        HttpResponse<String> response = update(realm, id, user -> {
            user.setFirstName("Augusta");
            user.getAttributes().put("jobTitle", List.of("Mathematician"));
        });

        assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
        await().atMost(DELIVERY).untilAsserted(() -> {
            SandboxUser updated = inClaromentis("ada");
            assertThat(updated.firstname()).isEqualTo("Augusta");
            assertThat(updated.jobTitle()).isEqualTo("Mathematician");
        });
        assertThat(inClaromentis("ada").office()).as("untouched fields stay").isEqualTo("London");
        assertThat(sandbox.userCount()).as("updated, not created again").isEqualTo(1);
    }

    @Test
    @Order(3)
    @DisplayName("then an edit while Claromentis is down is saved in Keycloak and reaches Claromentis once it is back")
    void editDuringOutage(TestRealm realm) {
        String id = realm.findUser("ada").orElseThrow().getId();
        sandbox.faults().outage(Faults.Outage.STATUS_503);

        HttpResponse<String> response = update(realm, id, user -> user.setLastName("Byron"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
        assertThat(realm.findUser("ada").orElseThrow().getLastName()).isEqualTo("Byron");
        assertThat(inClaromentis("ada").surname()).as("not delivered during the outage").isEqualTo("Lovelace");
        assertThat(pending(realm)).as("waiting in the outbox").isEqualTo(1);

        sandbox.faults().reset();

        await().atMost(DELIVERY).until(() -> "Byron".equals(inClaromentis("ada").surname()));
        assertThat(realm.findUser("ada").orElseThrow().getLastName()).isEqualTo("Byron");
    }

    @Test
    @Order(4)
    @DisplayName("then a full sync while an edit waits to be written back leaves the edit in Keycloak, and it arrives")
    void syncWhileWaiting(TestRealm realm) {
        String id = realm.findUser("ada").orElseThrow().getId();
        // 409 is retried: the edit waits in the outbox while every read of Claromentis works.
        sandbox.faults().refuseUserWrites(409);

        HttpResponse<String> response = update(realm, id, user -> user.getAttributes().put("office", List.of("Paris")));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
        PeopleApiComponent.fullSync(realm, componentId);

        assertThat(realm.findUser("ada").orElseThrow().getAttributes()).containsEntry("office", List.of("Paris"));
        assertThat(inClaromentis("ada").office()).isEqualTo("London");
        sandbox.faults().reset();
        await().atMost(DELIVERY).until(() -> "Paris".equals(inClaromentis("ada").office()));
    }

    @Test
    @Order(5)
    @DisplayName("then an edit Claromentis refuses stays saved in Keycloak and becomes a dead letter that says why")
    void refusedEditIsDeadLetter(TestRealm realm) {
        String id = realm.findUser("ada").orElseThrow().getId();
        sandbox.faults().refuseUserWrites(400);

        HttpResponse<String> response = update(realm, id, user -> user.setFirstName("Refused"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
        JsonNode letter = await().atMost(DELIVERY).until(() -> deadLetterOf(realm, "ada"), Optional::isPresent).orElseThrow();
        assertThat(letter.path("type").asText()).isEqualTo("UPDATE");
        assertThat(letter.path("lastError").asText()).contains("400").contains("this change is not accepted");
        assertThat(inClaromentis("ada").firstname()).isEqualTo("Augusta");
        assertThat(realm.findUser("ada").orElseThrow().getFirstName()).isEqualTo("Refused");

        sandbox.faults().reset();
        HttpResponse<String> replay = realm.admin().exchange("POST",
                realm.adminPath() + OUTBOX + "/dead-letters/" + letter.path("id").asLong() + "/replay", null);
        assertThat(replay.statusCode()).as(replay.body()).isBetween(200, 204);

        await().atMost(DELIVERY).until(() -> "Refused".equals(inClaromentis("ada").firstname()));
    }

    @Test
    @Order(6)
    @DisplayName("then disabling the person deactivates them in Claromentis after commit")
    void disable(TestRealm realm) {
        String id = realm.findUser("ada").orElseThrow().getId();

        HttpResponse<String> response = update(realm, id, user -> user.setEnabled(false));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
        await().atMost(DELIVERY).until(() -> !inClaromentis("ada").active());
        update(realm, id, user -> user.setEnabled(true));
        await().atMost(DELIVERY).until(() -> inClaromentis("ada").active());
    }

    @Test
    @Order(7)
    @DisplayName("then a username Claromentis already has is refused as a conflict")
    void createDuplicate(TestRealm realm) {
        sandbox.addUser(SandboxUser.builder("taken").firstname("Someone").surname("Else").email("else@example.org").build());
        UserRepresentation person = newPerson("taken");
        person.setEmail("other@example.org");

        // Keycloak first looks the username up through the provider, which imports Claromentis' "taken".
        HttpResponse<String> response = realm.admin().exchange("POST", realm.adminPath() + "/users", person);

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(inClaromentis("taken").email()).isEqualTo("else@example.org");
    }

    @Test
    @Order(8)
    @DisplayName("then deleting the person deletes the linked Claromentis user after commit, and a search meanwhile does not bring them back")
    void delete(TestRealm realm) {
        String id = realm.findUser("ada").orElseThrow().getId();
        // Claromentis takes its time over the deletion: until it arrives, "ada" still exists there.
        sandbox.faults().userWriteLatency(4_000);

        HttpResponse<String> response = realm.admin().exchange("DELETE", realm.adminPath() + "/users/" + id, null);

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(sandbox.findUserByUsername("ada")).as("still in Claromentis while the deletion is delivered").isPresent();
        assertThat(realm.findUser("ada")).as("a search while the deletion is on its way").isEmpty();
        await().atMost(DELIVERY).until(() -> sandbox.findUserByUsername("ada").isEmpty());
        sandbox.faults().reset();
        assertThat(realm.findUser("ada")).as("a search once it is deleted there").isEmpty();
        assertThat(sandbox.findUserByUsername("taken")).as("nobody else is deleted").isPresent();
    }

    @Test
    @Order(9)
    @DisplayName("then a person created while Claromentis is down is saved in Keycloak and created there once it is back")
    void createDuringOutage(TestRealm realm) {
        sandbox.faults().outage(Faults.Outage.CLOSE_CONNECTION);

        // Keycloak asks the provider whether the username exists first; during an outage it answers "not known".
        HttpResponse<String> response = realm.admin().exchange("POST", realm.adminPath() + "/users", newPerson("grace"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(realm.findUser("grace")).isPresent();
        sandbox.faults().reset();
        await().atMost(DELIVERY).until(() -> sandbox.findUserByUsername("grace").isPresent());
    }
}
