package com.claromentis.keycloak.it.outbox;

import com.claromentis.keycloak.sandbox.SandboxGroup;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.TestRealm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.GroupRepresentation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@RealKeycloak
@DisplayName("Given 24 provisioned users and a group that Keycloak and Claromentis both have")
class OutboxMembershipIT {

    private static final int USERS = 24;
    private static final Duration DELIVERY = Duration.ofSeconds(90);

    private static OutboxFixture outbox;
    private static final List<String> keycloakIds = new ArrayList<>();

    @BeforeAll
    static void setUp(TestRealm realm) {
        outbox = OutboxFixture.provisioning(realm);
        outbox.sandbox.addGroup("All Staff");
        outbox.sandbox.addGroup("Untouched");
        IntStream.range(0, USERS).forEach(i -> keycloakIds.add(outbox.createUser(String.format("member.%02d", i))));
        await().atMost(DELIVERY).until(() -> outbox.sandbox.userCount() == USERS);
        outbox.awaitDrained(DELIVERY);
    }

    @Test
    @DisplayName("when administrators add all of them to it at once, then the Claromentis group holds every one of them")
    void concurrentMembershipsAreAllKept(TestRealm realm) throws Exception {
        GroupRepresentation group = new GroupRepresentation();
        group.setName("All Staff");
        String groupId = realm.admin().post(realm.adminPath() + "/groups", group);
        long memberListReadsBefore = outbox.requests("GET /groups/{id}/users");

        ExecutorService admins = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (String userId : keycloakIds) {
                calls.add(admins.submit(() ->
                        realm.admin().put(realm.adminPath() + "/users/" + userId + "/groups/" + groupId, Map.of())));
            }
            for (Future<?> call : calls) {
                call.get();
            }
        } finally {
            admins.shutdownNow();
        }
        outbox.awaitDrained(DELIVERY);

        SandboxGroup staff = outbox.sandbox.groups().stream().filter(g -> g.name().equals("All Staff")).findFirst().orElseThrow();
        List<Long> everyone = IntStream.range(0, USERS)
                .mapToObj(i -> outbox.inClaromentis(String.format("member.%02d", i)).orElseThrow().id()).toList();
        assertThat(staff.members()).containsExactlyInAnyOrderElementsOf(everyone);
        assertThat(outbox.sandbox.groups().stream().filter(g -> g.name().equals("Untouched")).findFirst().orElseThrow()
                .members()).isEmpty();
        assertThat(outbox.requests("GET /groups/{id}/users") - memberListReadsBefore)
                .as("only the changed group's member list is read, once per user").isEqualTo(USERS);
        assertThat(outbox.summary().path("dead").asLong()).isZero();
    }
}
