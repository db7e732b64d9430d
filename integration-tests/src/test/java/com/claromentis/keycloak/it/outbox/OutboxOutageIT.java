package com.claromentis.keycloak.it.outbox;

import com.claromentis.keycloak.sandbox.Faults;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.TestRealm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@RealKeycloak
@DisplayName("Given Claromentis is down while administrators create 50 users")
class OutboxOutageIT {

    private static final int USERS = 50;

    private static OutboxFixture outbox;

    @BeforeAll
    static void setUp(TestRealm realm) {
        outbox = OutboxFixture.provisioning(realm);
    }

    @Test
    @DisplayName("when it comes back, then every user is delivered exactly once and nothing is left over")
    void everyChangeDeliveredOnceAfterOutage() {
        outbox.sandbox.faults().outage(Faults.Outage.STATUS_503);
        long started = System.nanoTime();

        IntStream.range(0, USERS).forEach(i -> outbox.createUser(String.format("bulk.%02d", i)));

        long adminMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(outbox.summary().path("pending").asLong()).isEqualTo(USERS);
        // The worker is trying and failing, with backoff, while nothing reaches Claromentis.
        await().atMost(Duration.ofSeconds(30)).until(() -> outbox.requests("GET /users") >= USERS);
        assertThat(outbox.sandbox.userCount()).isZero();
        assertThat(outbox.requests("POST /users")).isZero();
        assertThat(adminMillis).as("admin calls never wait for Claromentis").isLessThan(USERS * 2_000L);

        outbox.sandbox.faults().outage(Faults.Outage.NONE);

        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> outbox.sandbox.userCount() == USERS);
        outbox.awaitDrained(Duration.ofSeconds(30));
        IntStream.range(0, USERS).forEach(i ->
                assertThat(outbox.inClaromentis(String.format("bulk.%02d", i))).isPresent());
        assertThat(outbox.requests("POST /users")).as("one create per user, none twice").isEqualTo(USERS);
        assertThat(outbox.requests("PUT /users/{id}")).as("no redundant updates").isZero();
        assertThat(outbox.summary().path("dead").asLong()).isZero();
    }
}
