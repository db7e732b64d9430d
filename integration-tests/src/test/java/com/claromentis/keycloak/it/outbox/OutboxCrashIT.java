package com.claromentis.keycloak.it.outbox;

import com.claromentis.keycloak.sandbox.Faults;
import com.claromentis.keycloak.testing.KeycloakServer;
import com.claromentis.keycloak.testing.KeycloakServerOptions;
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
@DisplayName("Given changes queued while Claromentis is down")
class OutboxCrashIT {

    private static final int USERS = 10;

    private static OutboxFixture outbox;

    @BeforeAll
    static void setUp(TestRealm realm) {
        outbox = OutboxFixture.provisioning(realm);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    @DisplayName("when Keycloak crashes and starts again, then every change is still delivered, once")
    void survivesCrash(KeycloakServer server) {
        outbox.sandbox.faults().outage(Faults.Outage.CLOSE_CONNECTION);
        IntStream.range(0, USERS).forEach(i -> outbox.createUser("crash." + i));
        await().atMost(Duration.ofSeconds(30)).until(() -> outbox.requests("GET /users") >= USERS);
        assertThat(outbox.sandbox.userCount()).isZero();
        // H2 (dev-file) writes commits to disk up to half a second late, so a kill -9 right after a commit loses
        // the user and its outbox row together. Give it time: this test is about queued changes surviving a crash.
        sleep(Duration.ofSeconds(2));

        try {
            server.kill();
            server.restart(KeycloakServerOptions.builder().suiteOptions().build());
            outbox.sandbox.faults().outage(Faults.Outage.NONE);

            // A row claimed at the moment of the crash waits for its lease (2 minutes by default) to run out.
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> outbox.sandbox.userCount() == USERS);
            outbox.awaitDrained(Duration.ofSeconds(30));
            assertThat(outbox.requests("POST /users")).isEqualTo(USERS);
            IntStream.range(0, USERS).forEach(i -> assertThat(outbox.inClaromentis("crash." + i)).isPresent());
            assertThat(outbox.summary().path("dead").asLong()).isZero();
        } finally {
            // The server is shared by the whole suite: never leave it down.
            if (!server.isRunning()) {
                server.restart(KeycloakServerOptions.builder().suiteOptions().build());
            }
        }
    }
}
