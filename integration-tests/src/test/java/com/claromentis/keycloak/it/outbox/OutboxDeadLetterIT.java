package com.claromentis.keycloak.it.outbox;

import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@RealKeycloak
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("Given a change Claromentis always refuses")
class OutboxDeadLetterIT {

    private static final Duration DELIVERY = Duration.ofSeconds(60);
    /** The People API refuses text fields over 1000 characters with 400; Keycloak accepts them. */
    private static final String TOO_LONG = "x".repeat(1200);

    private static OutboxFixture outbox;
    private static long deadLetterId;

    @BeforeAll
    static void setUp(TestRealm realm) {
        outbox = OutboxFixture.provisioning(realm);
    }

    @Test
    @Order(1)
    @DisplayName("when it is queued, then it becomes a dead letter at once while other changes keep flowing")
    void refusedChangeBecomesDeadLetter(TestRealm realm) {
        String badId = outbox.createUser("bad.actor");
        await().atMost(DELIVERY).until(() -> outbox.inClaromentis("bad.actor").isPresent());

        outbox.updateUser(badId, user -> {
            Map<String, List<String>> attributes = new HashMap<>(user.getAttributes() == null ? Map.of() : user.getAttributes());
            attributes.put("jobTitle", List.of(TOO_LONG));
            user.setAttributes(attributes);
        });
        String goodId = outbox.createUser("good.one");
        outbox.updateUser(goodId, user -> user.setFirstName("Goodwin"));

        await().atMost(DELIVERY).until(() -> outbox.deadLetters().size() == 1);
        await().atMost(DELIVERY).until(() -> outbox.inClaromentis("good.one")
                .map(u -> "Goodwin".equals(u.firstname())).orElse(false));
        JsonNode dead = outbox.deadLetters().get(0);
        assertThat(dead.path("username").asText()).isEqualTo("bad.actor");
        assertThat(dead.path("type").asText()).isEqualTo("UPDATE");
        assertThat(dead.path("attempts").asInt()).isEqualTo(1);
        assertThat(dead.path("lastError").asText()).contains("400").contains("too long");
        assertThat(outbox.summary().path("dead").asLong()).isEqualTo(1);
        deadLetterId = dead.path("id").asLong();
    }

    @Test
    @Order(2)
    @DisplayName("when someone without manage-users replays it, then that is refused; view-users may list it")
    void permissions(TestRealm realm) throws Exception {
        String viewerId = outbox.createUser("helpdesk");
        realm.grantRealmManagementRole(viewerId, "view-users");
        String token = token(realm, "helpdesk");

        assertThat(call(realm, "GET", "/dead-letters", token).statusCode()).isEqualTo(200);
        assertThat(call(realm, "POST", "/dead-letters/" + deadLetterId + "/replay", token).statusCode()).isEqualTo(403);
        assertThat(call(realm, "DELETE", "/dead-letters/" + deadLetterId, token).statusCode()).isEqualTo(403);

        String nobodyId = outbox.createUser("nobody");
        assertThat(nobodyId).isNotNull();
        assertThat(call(realm, "GET", "", token(realm, "nobody")).statusCode()).isEqualTo(403);
    }

    @Test
    @Order(3)
    @DisplayName("when the data is fixed and the dead letter replayed, then the fixed user reaches Claromentis")
    void replayAfterFix(TestRealm realm) {
        String badId = realm.findUser("bad.actor").orElseThrow().getId();
        outbox.awaitDrained(DELIVERY);
        // Fix the user with provisioning off, so only the replay can bring the fix to Claromentis.
        outbox.listener(false);
        outbox.updateUser(badId, user -> {
            Map<String, List<String>> attributes = new HashMap<>(user.getAttributes());
            attributes.put("jobTitle", List.of("Reformed"));
            user.setAttributes(attributes);
        });
        outbox.listener(true);
        assertThat(outbox.summary().path("pending").asLong()).isZero();

        realm.admin().exchangeJson("POST", realm.adminPath() + OutboxFixture.OUTBOX + "/dead-letters/" + deadLetterId + "/replay");

        await().atMost(DELIVERY).until(() -> "Reformed".equals(outbox.inClaromentis("bad.actor").orElseThrow().jobTitle()));
        assertThat(outbox.deadLetters()).isEmpty();
        assertThat(outbox.summary().path("dead").asLong()).isZero();
        assertThat(realm.admin().exchange("POST", realm.adminPath() + OutboxFixture.OUTBOX + "/dead-letters/"
                + deadLetterId + "/replay", null).statusCode()).isEqualTo(404);
    }


    private static String token(TestRealm realm, String username) throws Exception {
        String form = "grant_type=password&client_id=" + TestRealm.TEST_CLIENT
                + "&username=" + URLEncoder.encode(username, StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode("Outbox-Pass-1!", StandardCharsets.UTF_8);
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(realm.realmUrl() + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new ObjectMapper().readTree(response.body()).path("access_token").asText();
    }

    private static HttpResponse<String> call(TestRealm realm, String method, String path, String token) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(realm.server().baseUrl() + realm.adminPath() + OutboxFixture.OUTBOX + path))
                .header("Authorization", "Bearer " + token)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
