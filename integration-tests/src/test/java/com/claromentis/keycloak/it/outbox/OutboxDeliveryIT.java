package com.claromentis.keycloak.it.outbox;

import com.claromentis.keycloak.sandbox.SandboxUser;
import com.claromentis.keycloak.testing.KeycloakServer;
import com.claromentis.keycloak.testing.Prometheus;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.keycloak.representations.idm.GroupRepresentation;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@RealKeycloak
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("Given a realm that provisions its users into Claromentis through the outbox")
class OutboxDeliveryIT {

    private static final Duration DELIVERY = Duration.ofSeconds(60);
    private static final String REQUESTS = "claromentis_people_api_requests_total";

    private static OutboxFixture outbox;

    @BeforeAll
    static void setUp(TestRealm realm) {
        outbox = OutboxFixture.provisioning(realm);
    }

    @Test
    @Order(1)
    @DisplayName("when an administrator creates a local user, then Claromentis gets the user once")
    void createdUserReachesClaromentis() {
        outbox.createUser("ada.lovelace");

        await().atMost(DELIVERY).until(() -> outbox.inClaromentis("ada.lovelace").isPresent());
        SandboxUser ada = outbox.inClaromentis("ada.lovelace").orElseThrow();
        assertThat(ada.email()).isEqualTo("ada.lovelace@example.test");
        assertThat(ada.active()).isTrue();
        assertThat(outbox.requests("POST /users")).isEqualTo(1);
    }

    @Test
    @Order(2)
    @DisplayName("when an administrator edits the user's first name, then the Claromentis user is updated, not created again")
    void editedFirstNameReachesClaromentis(TestRealm realm) {
        String id = realm.findUser("ada.lovelace").orElseThrow().getId();
        long postsBefore = outbox.requests("POST /users");

        outbox.updateUser(id, user -> user.setFirstName("Augusta"));

        await().atMost(DELIVERY).until(() -> "Augusta".equals(outbox.inClaromentis("ada.lovelace").orElseThrow().firstname()));
        assertThat(outbox.requests("POST /users")).isEqualTo(postsBefore);
        assertThat(outbox.requests("PUT /users/{id}")).isGreaterThanOrEqualTo(1);
        assertThat(outbox.sandbox.userCount()).isEqualTo(1);
    }

    @Test
    @Order(3)
    @DisplayName("when the user exists in Claromentis already with the same external id, then they are linked and it is"
            + " updated, not created again")
    void existingUserWithSameExternalIdIsLinked(TestRealm realm) {
        long hr = outbox.sandbox.addUser(SandboxUser.builder("grace.hopper").firstname("G").surname("H")
                .email("grace.hopper@example.test").externalId("HR-7").build()).id();

        realm.createUser("grace.hopper", "Outbox-Pass-1!", Map.of("externalId", List.of("HR-7")));

        await().atMost(DELIVERY).until(() -> "grace.hopper".equals(
                outbox.inClaromentis("grace.hopper").orElseThrow().firstname()));
        SandboxUser grace = outbox.inClaromentis("grace.hopper").orElseThrow();
        assertThat(grace.id()).isEqualTo(hr);
        assertThat(grace.surname()).isEqualTo("Test");
        assertThat(grace.externalId()).isEqualTo("HR-7");
        assertThat(outbox.sandbox.userCount()).isEqualTo(2);
        await().atMost(DELIVERY).until(() -> outbox.user(realm.findUser("grace.hopper").orElseThrow().getId())
                .getAttributes().getOrDefault("claromentisId", List.of()).contains(Long.toString(hr)));
    }

    @Test
    @Order(4)
    @DisplayName("when an administrator disables the user, then the Claromentis user becomes inactive")
    void disabledUserBecomesInactive(TestRealm realm) {
        String id = realm.findUser("ada.lovelace").orElseThrow().getId();

        outbox.updateUser(id, user -> user.setEnabled(false));

        await().atMost(DELIVERY).until(() -> !outbox.inClaromentis("ada.lovelace").orElseThrow().active());
    }

    @Test
    @Order(5)
    @DisplayName("when an administrator adds the user to a group Claromentis also has, then the membership follows")
    void groupMembershipFollows(TestRealm realm) {
        long engineering = outbox.sandbox.addGroup("Engineering").id();
        GroupRepresentation group = new GroupRepresentation();
        group.setName("Engineering");
        String groupId = realm.admin().post(realm.adminPath() + "/groups", group);
        String userId = realm.findUser("grace.hopper").orElseThrow().getId();
        long graceInClaromentis = outbox.inClaromentis("grace.hopper").orElseThrow().id();

        realm.admin().put(realm.adminPath() + "/users/" + userId + "/groups/" + groupId, Map.of());

        await().atMost(DELIVERY).until(() -> outbox.sandbox.groups().stream()
                .filter(g -> g.id() == engineering).findFirst().orElseThrow().members().contains(graceInClaromentis));
    }

    @Test
    @Order(6)
    @DisplayName("when an administrator deletes the user, then the Claromentis user is deleted")
    void deletedUserIsDeleted(TestRealm realm) {
        String id = realm.findUser("ada.lovelace").orElseThrow().getId();

        realm.admin().delete(realm.adminPath() + "/users/" + id);

        await().atMost(DELIVERY).until(() -> outbox.inClaromentis("ada.lovelace").isEmpty());
        assertThat(outbox.inClaromentis("grace.hopper")).isPresent();
    }

    @Test
    @Order(7)
    @DisplayName("then the outbox is empty and Keycloak's metrics count the deliveries")
    void metricsCountDeliveries(KeycloakServer server) {
        outbox.awaitDrained(DELIVERY);
        JsonNode summary = outbox.summary();
        assertThat(summary.path("enabled").asBoolean()).isTrue();
        assertThat(summary.path("dead").asLong()).isZero();

        Prometheus metrics = Prometheus.scrape(server);

        assertThat(metrics.lines()).anyMatch(line -> line.startsWith("claromentis_outbox_delivered_total"))
                .anyMatch(line -> line.startsWith("claromentis_outbox_queued_total"));
        assertThat(summary.path("node").path("delivered").asLong()).isGreaterThanOrEqualTo(5);
    }

    @Test
    @Order(8)
    @DisplayName("when Claromentis throttles a delivery once, then /metrics counts the People API requests by operation"
            + " template and outcome, throttled and successful, with no user or id in a label")
    void metricsCountPeopleApiRequests(KeycloakServer server) {
        double throttledBefore = Prometheus.scrape(server).sum(REQUESTS, "outcome=\"throttled\"");
        double createsBefore = Prometheus.scrape(server).sum(REQUESTS, "operation=\"POST /users\"",
                "outcome=\"success\"");
        outbox.sandbox.faults().rateLimitNext(1, 0);

        outbox.createUser("alan.turing");

        await().atMost(DELIVERY).until(() -> outbox.inClaromentis("alan.turing").isPresent());
        Prometheus metrics = Prometheus.scrape(server);
        assertThat(metrics.sum(REQUESTS, "outcome=\"throttled\"")).as("the refused request")
                .isEqualTo(throttledBefore + 1);
        assertThat(metrics.sum(REQUESTS, "operation=\"POST /users\"", "outcome=\"success\"")).as("the creation")
                .isEqualTo(createsBefore + 1);
        assertThat(metrics.sum(REQUESTS, "operation=\"PUT /users/{id}\"", "outcome=\"success\"")).as("the edits")
                .isGreaterThanOrEqualTo(2);
        assertThat(metrics.sum("claromentis_people_api_request_duration_seconds_count",
                "operation=\"POST /users\"", "outcome=\"success\"")).isEqualTo(createsBefore + 1);
        assertThat(metrics.sum("claromentis_people_api_request_duration_seconds_sum",
                "operation=\"POST /users\"", "outcome=\"success\"")).isPositive();
        assertThat(metrics.labels(REQUESTS)).isNotEmpty().allSatisfy(labels -> {
            assertThat(labels).containsOnlyKeys("operation", "outcome");
            assertThat(labels.get("operation")).matches("(GET|POST|PUT|DELETE) (/(users|groups|roles|manager|\\{id}))+"
                    + "|POST token|other");
            assertThat(labels.get("outcome")).isIn("success", "client_error", "throttled", "server_error",
                    "network_error", "malformed_response", "unexpected_status");
        });
        assertThat(metrics.lines()).noneMatch(line -> line.contains("alan.turing") || line.contains("grace.hopper"));
    }
}
