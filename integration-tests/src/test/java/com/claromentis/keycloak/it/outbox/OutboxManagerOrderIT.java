package com.claromentis.keycloak.it.outbox;

import com.claromentis.keycloak.sandbox.SandboxUser;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.TestRealm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A person whose manager reaches Claromentis after them, as a directory sync delivers people in no particular order:
 * the creation succeeds, the manager step fails and is retried, and the retry must update the person it created.
 */
@RealKeycloak
@DisplayName("Given a provisioning realm and a person whose manager is not in Claromentis yet")
class OutboxManagerOrderIT {

    private static OutboxFixture outbox;

    @BeforeAll
    static void setUp(TestRealm realm) {
        outbox = OutboxFixture.provisioning(realm);
    }

    @Nested
    @DisplayName("when the person is created in Keycloak and their manager arrives in Claromentis a little later")
    class ManagerLater {

        @Test
        @DisplayName("then the person is created in Claromentis once, linked, and gets the manager, with no dead letter")
        void retryUpdatesTheCreatedPerson(TestRealm realm) {
            realm.createUser("worker", "Worker-Pass-1!", Map.of("manager", List.of("boss")));
            await().atMost(Duration.ofSeconds(30)).until(() -> outbox.inClaromentis("worker").isPresent());

            SandboxUser boss = outbox.sandbox.addUser(SandboxUser.builder("boss").firstname("Big").surname("Boss")
                    .email("boss@example.org").build());

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> boss.id() == (outbox.requireInClaromentis("worker").managerId() == null ? -1
                            : outbox.requireInClaromentis("worker").managerId()));
            outbox.awaitDrained(Duration.ofSeconds(30));
            assertThat(outbox.requests("POST /users")).as("created once").isEqualTo(1);
            assertThat(outbox.summary().path("dead").asLong()).isZero();
        }
    }
}
