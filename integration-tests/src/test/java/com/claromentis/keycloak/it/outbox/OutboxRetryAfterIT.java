package com.claromentis.keycloak.it.outbox;

import com.claromentis.keycloak.sandbox.RequestStats.TimedRequest;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.TestRealm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@RealKeycloak
@DisplayName("Given Claromentis answers every request with 429 and Retry-After: 1 for a while")
class OutboxRetryAfterIT {

    private static final int USERS = 5;
    private static final long RETRY_AFTER_MS = 1000;
    /**
     * A request that arrives this soon after a 429 was answered was already on its way (another delivery thread,
     * past its claim before Keycloak read the 429): no client can call that back. On a loaded 2-core machine such a
     * request has been seen to take over 100 ms to arrive; anything later than this, and before Retry-After ends,
     * is a delivery that ignored the pause.
     */
    private static final long IN_FLIGHT_MS = 250;

    private static OutboxFixture outbox;

    @BeforeAll
    static void setUp(TestRealm realm) {
        outbox = OutboxFixture.provisioning(realm);
    }

    @Test
    @DisplayName("when changes of several users are queued, then no request reaches Claromentis before the time given"
            + " after each 429, and every change arrives once the limit ends")
    void everyDeliveryWaitsOutRetryAfter() throws InterruptedException {
        outbox.sandbox.faults().rateLimitFor(2_500, 1);
        outbox.createUser("throttled.0");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> outbox.sandbox.timedRequests().stream().anyMatch(r -> r.status() == 429));
        // Changes of other users, queued while Claromentis asked for a pause: they must wait for it too.
        Thread.sleep(200);
        IntStream.range(1, USERS).forEach(i -> outbox.createUser("throttled." + i));

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> outbox.sandbox.userCount() == USERS);
        outbox.awaitDrained(Duration.ofSeconds(30));

        List<TimedRequest> requests = outbox.sandbox.timedRequests();
        List<TimedRequest> limited = requests.stream().filter(r -> r.status() == 429).toList();
        assertThat(limited).as("Claromentis was asked again after each pause, not given up on").hasSizeGreaterThanOrEqualTo(2);
        for (TimedRequest answer : limited) {
            long early = requests.stream()
                    .map(r -> TimeUnit.NANOSECONDS.toMillis(r.arrivedNanos() - answer.answeredNanos()))
                    .filter(ms -> ms >= IN_FLIGHT_MS && ms < RETRY_AFTER_MS)
                    .count();
            assertThat(early).as("requests sent within %d ms of a 429 with Retry-After: 1", RETRY_AFTER_MS).isZero();
        }
        assertThat(outbox.requests("POST /users")).as("each user created once").isEqualTo(USERS);
        assertThat(outbox.summary().path("dead").asLong()).isZero();
    }
}
