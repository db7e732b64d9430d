package com.claromentis.keycloak.outbox;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The outbox's meters, as Keycloak's Micrometer registry receives them")
class OutboxMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private OutboxMetrics metrics;

    @BeforeEach
    void register() {
        Metrics.addRegistry(registry);
        metrics = OutboxMetrics.create();
    }

    @AfterEach
    void unregister() {
        metrics.close();
        Metrics.removeRegistry(registry);
    }

    @Test
    @DisplayName("count queued, delivered, retried and dead changes per change type")
    void countersPerType() {
        metrics.queued(Map.of(ChangeType.CREATE, 3, ChangeType.GROUPS, 1));
        metrics.delivered(ChangeType.CREATE, 120);
        metrics.retried(ChangeType.GROUPS);
        metrics.dead(ChangeType.GROUPS);

        assertThat(registry.get("claromentis.outbox.queued").tag("type", "create").functionCounter().count()).isEqualTo(3);
        assertThat(registry.get("claromentis.outbox.queued").tag("type", "groups").functionCounter().count()).isEqualTo(1);
        assertThat(registry.get("claromentis.outbox.delivered").tag("type", "create").functionCounter().count()).isEqualTo(1);
        assertThat(registry.get("claromentis.outbox.retried").tag("type", "groups").functionCounter().count()).isEqualTo(1);
        assertThat(registry.get("claromentis.outbox.dead").tag("type", "groups").functionCounter().count()).isEqualTo(1);
        assertThat(metrics.snapshot()).containsEntry("queued", 4L).containsEntry("delivered", 1L);
    }

    @Test
    @DisplayName("time each delivery from its queueing, in a histogram")
    void latency() {
        metrics.delivered(ChangeType.UPDATE, 1500);

        var timer = registry.get("claromentis.outbox.delivery.latency").timer();
        assertThat(timer.count()).isEqualTo(1);
        assertThat(timer.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(1500);
    }

    @Test
    @DisplayName("show the depth and the oldest change's age as last counted, and no depth before the first count")
    void backlogGauges() {
        assertThat(registry.get("claromentis.outbox.depth").gauge().value()).isNaN();

        metrics.backlog(42, System.currentTimeMillis() - 90_000);

        assertThat(registry.get("claromentis.outbox.depth").gauge().value()).isEqualTo(42);
        assertThat(registry.get("claromentis.outbox.oldest.age").gauge().value()).isBetween(89.0, 120.0);
        metrics.backlog(0, 0);
        assertThat(registry.get("claromentis.outbox.oldest.age").gauge().value()).isZero();
    }

    @Test
    @DisplayName("carry no tag but the change type, so the number of series is fixed")
    void boundedTags() {
        Set<String> tagKeys = registry.getMeters().stream()
                .filter(meter -> meter.getId().getName().startsWith("claromentis."))
                .flatMap(meter -> meter.getId().getTags().stream())
                .map(io.micrometer.core.instrument.Tag::getKey)
                .collect(Collectors.toSet());
        long series = registry.getMeters().stream().map(Meter::getId)
                .filter(id -> id.getName().startsWith("claromentis.")).count();

        assertThat(tagKeys).containsExactly("type");
        assertThat(series).isEqualTo(4L * ChangeType.values().length + 3);
    }

    @Test
    @DisplayName("are removed when the outbox closes")
    void removedOnClose() {
        metrics.close();

        assertThat(registry.getMeters()).noneMatch(meter -> meter.getId().getName().startsWith("claromentis."));
    }
}
