package com.claromentis.keycloak.connection;

import com.claromentis.keycloak.metrics.InGlobalRegistry;
import com.claromentis.keycloak.peopleapi.RequestOutcome;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("People API request metrics")
class PeopleApiMetricsTest {

    @RegisterExtension
    final InGlobalRegistry global = new InGlobalRegistry();
    private final SimpleMeterRegistry registry = global.registry();
    private final PeopleApiMetrics metrics = PeopleApiMetrics.shared();

    @Nested
    @DisplayName("given requests that ended with different outcomes")
    class Outcomes {

        @Test
        @DisplayName("then each operation and outcome is a counter of its own and a timer with the time they took")
        void countedAndTimed() {
            long before = metrics.requests("PUT /users/{id}", RequestOutcome.THROTTLED);

            metrics.requestEnded("PUT /users/{id}", RequestOutcome.THROTTLED, Duration.ofMillis(30));
            metrics.requestEnded("PUT /users/{id}", RequestOutcome.THROTTLED, Duration.ofMillis(70));
            metrics.requestEnded("PUT /users/{id}", RequestOutcome.SUCCESS, Duration.ofMillis(5));

            assertThat(metrics.requests("PUT /users/{id}", RequestOutcome.THROTTLED)).isEqualTo(before + 2);
            assertThat(registry.get("claromentis.people.api.requests")
                    .tags("operation", "PUT /users/{id}", "outcome", "throttled").functionCounter().count())
                    .isEqualTo(before + 2);
            FunctionTimer timer = registry.get("claromentis.people.api.request.duration")
                    .tags("operation", "PUT /users/{id}", "outcome", "throttled").functionTimer();
            assertThat(timer.count()).isEqualTo(before + 2);
            assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(100);
        }

        @Test
        @DisplayName("then the meters carry only the operation and outcome tags")
        void onlyBoundedTags() {
            metrics.requestEnded("GET /users", RequestOutcome.NETWORK_ERROR, Duration.ofSeconds(3));

            assertThat(registry.find("claromentis.people.api.requests").meters()).isNotEmpty()
                    .allSatisfy(meter -> assertThat(meter.getId().getTags()).extracting(Tag::getKey)
                            .containsExactlyInAnyOrder("operation", "outcome"));
        }
    }

    @Nested
    @DisplayName("given a duration a broken clock could report")
    class HostileDuration {

        @Test
        @DisplayName("then a negative duration counts the request and adds no time")
        void negative() {
            FunctionTimer timer = timerAfter("DELETE /users/{id}", Duration.ofMillis(1));
            double total = timer.totalTime(TimeUnit.NANOSECONDS);

            metrics.requestEnded("DELETE /users/{id}", RequestOutcome.SERVER_ERROR, Duration.ofMillis(-500));

            assertThat(timer.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(total);
            assertThat(timer.count()).isEqualTo(metrics.requests("DELETE /users/{id}", RequestOutcome.SERVER_ERROR));
        }

        private FunctionTimer timerAfter(String operation, Duration elapsed) {
            metrics.requestEnded(operation, RequestOutcome.SERVER_ERROR, elapsed);
            return registry.get("claromentis.people.api.request.duration")
                    .tags("operation", operation, "outcome", "server_error").functionTimer();
        }
    }
}
