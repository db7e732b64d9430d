package com.claromentis.keycloak.sync;

import com.claromentis.keycloak.metrics.InGlobalRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.keycloak.storage.user.SynchronizationResult;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Sync metrics")
class SyncMetricsTest {

    @RegisterExtension
    final InGlobalRegistry global = new InGlobalRegistry();
    private final SimpleMeterRegistry registry = global.registry();

    @Test
    @DisplayName("count runs by provider type, kind and outcome, and the users each run changed")
    void runsAndUsers() {
        SynchronizationResult result = new SynchronizationResult();
        result.setAdded(3);
        result.setUpdated(2);
        result.setFailed(1);
        SyncMetrics metrics = SyncMetrics.shared();
        long before = metrics.runs("test-provider", SyncMetrics.Kind.FULL, SyncMetrics.Outcome.SUCCESS);

        metrics.record("test-provider", SyncMetrics.Kind.FULL, SyncMetrics.Outcome.SUCCESS, result);
        metrics.record("test-provider", SyncMetrics.Kind.CHANGED, SyncMetrics.Outcome.SKIPPED, null);

        assertThat(metrics.runs("test-provider", SyncMetrics.Kind.FULL, SyncMetrics.Outcome.SUCCESS)).isEqualTo(before + 1);
        assertThat(registry.get("claromentis.sync.runs").tags("provider", "test-provider", "kind", "changed",
                "outcome", "skipped").functionCounter().count()).isEqualTo(1);
        assertThat(registry.get("claromentis.sync.users").tags("provider", "test-provider", "kind", "full",
                "change", "added").functionCounter().count()).isEqualTo(3);
        assertThat(registry.get("claromentis.sync.users").tags("provider", "test-provider", "kind", "full",
                "change", "failed").functionCounter().count()).isEqualTo(1);
        assertThat(registry.find("claromentis.sync.users").meters())
                .allSatisfy(meter -> assertThat(meter.getId().getTags()).extracting(io.micrometer.core.instrument.Tag::getKey)
                        .containsExactlyInAnyOrder("provider", "kind", "change"));
    }
}
