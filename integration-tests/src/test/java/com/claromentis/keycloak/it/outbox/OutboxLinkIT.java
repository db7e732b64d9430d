package com.claromentis.keycloak.it.outbox;

import com.claromentis.keycloak.sandbox.SandboxUser;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.TestMethodOrder;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@RealKeycloak
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
@DisplayName("Given Claromentis holds an HR-created 'ceo' and a realm that provisions into it, with admin events saved")
class OutboxLinkIT {

    private static final Duration DELIVERY = Duration.ofSeconds(60);

    private static OutboxFixture outbox;
    private static long ceoId;

    @BeforeAll
    static void setUp(TestRealm realm) {
        outbox = OutboxFixture.provisioning(realm);
        ceoId = outbox.sandbox.addUser(SandboxUser.builder("ceo").firstname("Carol").surname("Chief")
                .email("carol.chief@company.example").externalId("HR-1").build()).id();
        RealmRepresentation events = new RealmRepresentation();
        events.setRealm(realm.name());
        events.setAdminEventsEnabled(true);
        realm.update(events);
    }

    @Nested
    @Order(1)
    @DisplayName("when an administrator creates a Keycloak user 'ceo' with another email")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class Clash {

        @Test
        @Order(1)
        @DisplayName("then the Claromentis 'ceo' is left as it is and the change is a dead letter that says why")
        void unlinkedUsernameIsNeverUpdated(TestRealm realm) {
            outbox.createUser("ceo");

            await().atMost(DELIVERY).until(() -> deadLetterOf("ceo") != null);
            outbox.awaitDrained(DELIVERY);
            SandboxUser ceo = outbox.inClaromentis("ceo").orElseThrow();
            assertThat(ceo.firstname()).isEqualTo("Carol");
            assertThat(ceo.email()).isEqualTo("carol.chief@company.example");
            assertThat(outbox.requests("PUT /users/{id}")).isZero();
            assertThat(outbox.requests("POST /users")).isZero();
            JsonNode dead = deadLetterOf("ceo");
            assertThat(dead.path("lastError").asText()).isEqualTo("Claromentis already has a user 'ceo' (Claromentis id "
                    + ceoId + ") who is not linked to this Keycloak user; link or discard");
            assertThat(dead.path("claromentisCandidate").asLong()).isEqualTo(ceoId);
        }

        @Test
        @Order(2)
        @DisplayName("and it is deleted from Keycloak, then the Claromentis 'ceo' is not deleted either")
        void unlinkedUsernameIsNeverDeleted(TestRealm realm) {
            outbox.sandbox.addUser(SandboxUser.builder("cfo").firstname("Frank").surname("Finance")
                    .email("frank@company.example").build());
            String id = outbox.createUser("cfo");
            await().atMost(DELIVERY).until(() -> deadLetterOf("cfo") != null);

            realm.admin().delete(realm.adminPath() + "/users/" + id);

            await().atMost(DELIVERY).until(() -> outbox.deadLetters().size() == 3);
            assertThat(outbox.inClaromentis("cfo")).isPresent();
            assertThat(outbox.requests("DELETE /users/{id}")).isZero();
            assertThat(StreamSupport.stream(outbox.deadLetters().spliterator(), false)
                    .filter(d -> d.path("type").asText().equals("DELETE")).findFirst().orElseThrow()
                    .path("lastError").asText()).contains("not linked").contains("not deleting it");
        }
    }

    @Nested
    @Order(2)
    @DisplayName("when the administrator links the dead letter")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class Link {

        @Test
        @Order(1)
        @DisplayName("then the Keycloak user carries the Claromentis id and the replayed change updates 'ceo'")
        void linkThenReplayUpdates(TestRealm realm) {
            long id = deadLetterOf("ceo").path("id").asLong();

            realm.admin().exchangeJson("POST", realm.adminPath() + OutboxFixture.OUTBOX + "/dead-letters/" + id + "/link");

            await().atMost(DELIVERY).until(() -> "ceo@example.test".equals(outbox.inClaromentis("ceo").orElseThrow().email()));
            assertThat(outbox.inClaromentis("ceo").orElseThrow().id()).isEqualTo(ceoId);
            assertThat(outbox.inClaromentis("ceo").orElseThrow().externalId()).as("HR's key is kept").isEqualTo("HR-1");
            UserRepresentation keycloakCeo = realm.findUser("ceo").orElseThrow();
            assertThat(outbox.user(keycloakCeo.getId()).getAttributes().get("claromentisId"))
                    .containsExactly(Long.toString(ceoId));
            assertThat(deadLetterOf("ceo")).isNull();
        }

        @Test
        @Order(2)
        @DisplayName("then a later change of the linked user is delivered without a new dead letter")
        void linkedUserKeepsFlowing(TestRealm realm) {
            String id = realm.findUser("ceo").orElseThrow().getId();
            outbox.updateUser(id, user -> user.setFirstName("Caroline"));

            await().atMost(DELIVERY).until(() -> "Caroline".equals(outbox.inClaromentis("ceo").orElseThrow().firstname()));
            assertThat(deadLetterOf("ceo")).isNull();
        }
    }

    @Nested
    @Order(3)
    @DisplayName("when an administrator replays and discards a dead letter")
    class Audit {

        @Test
        @DisplayName("then both are Keycloak admin events with the resource path and the acting administrator")
        void replayAndDiscardAreAdminEvents(TestRealm realm) {
            long replayed = idOf("cfo", "CREATE");
            long discarded = idOf("cfo", "DELETE");
            String deadLetters = realm.adminPath() + OutboxFixture.OUTBOX + "/dead-letters/";

            realm.admin().exchangeJson("POST", deadLetters + replayed + "/replay");
            // The Keycloak 'cfo' is gone by now: the replayed creation has nothing left to do.
            await().atMost(DELIVERY).until(() -> outbox.deadLetters().size() == 1);
            realm.admin().delete(deadLetters + discarded);

            String adminId = realm.admin().get("/admin/realms/master/users?exact=true&username=admin").get(0)
                    .path("id").asText();
            JsonNode events = realm.admin().get(realm.adminPath() + "/admin-events?max=500");
            List<JsonNode> ours = StreamSupport.stream(events.spliterator(), false)
                    .filter(e -> e.path("resourceType").asText().equals("CLAROMENTIS_OUTBOX")).toList();
            assertThat(ours).anySatisfy(e -> {
                assertThat(e.path("operationType").asText()).isEqualTo("ACTION");
                assertThat(e.path("resourcePath").asText()).isEqualTo("claromentis-outbox/dead-letters/" + replayed + "/replay");
                assertThat(e.path("authDetails").path("userId").asText()).isEqualTo(adminId);
            });
            assertThat(ours).anySatisfy(e -> {
                assertThat(e.path("operationType").asText()).isEqualTo("DELETE");
                assertThat(e.path("resourcePath").asText()).isEqualTo("claromentis-outbox/dead-letters/" + discarded);
                assertThat(e.path("authDetails").path("userId").asText()).isEqualTo(adminId);
            });
            assertThat(ours).anySatisfy(e -> assertThat(e.path("resourcePath").asText()).endsWith("/link"));
            assertThat(outbox.deadLetters()).isEmpty();
        }
    }

    /** The realm's dead letter of a CREATE/UPDATE of {@code username}, or null. */
    private static JsonNode deadLetterOf(String username) {
        return StreamSupport.stream(outbox.deadLetters().spliterator(), false)
                .filter(d -> d.path("username").asText().equals(username) && !d.path("type").asText().equals("DELETE"))
                .findFirst().orElse(null);
    }

    private static long idOf(String username, String type) {
        return StreamSupport.stream(outbox.deadLetters().spliterator(), false)
                .filter(d -> d.path("username").asText().equals(username) && d.path("type").asText().equals(type))
                .findFirst().orElseThrow().path("id").asLong();
    }
}
