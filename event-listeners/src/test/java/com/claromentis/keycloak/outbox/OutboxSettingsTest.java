package com.claromentis.keycloak.outbox;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Outbox settings from SPI options")
class OutboxSettingsTest {

    @Test
    @DisplayName("defaults apply when nothing is set")
    void defaults() {
        OutboxSettings settings = OutboxSettings.of(Map.of());

        assertThat(settings.pollInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.batchSize()).isEqualTo(100);
        assertThat(settings.maxAttempts()).isEqualTo(10);
        assertThat(settings.backoffBase()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.backoffMax()).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.maxAge()).isEqualTo(Duration.ofHours(24));
        assertThat(settings.claimLease()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    @DisplayName("durations take ms, s, m, h, d or plain seconds")
    void durations() {
        OutboxSettings settings = OutboxSettings.of(Map.of(
                OutboxSettings.POLL_INTERVAL, "250ms", OutboxSettings.BACKOFF_BASE, "3",
                OutboxSettings.BACKOFF_MAX, "2m", OutboxSettings.MAX_AGE, "7d", OutboxSettings.CLAIM_LEASE, " 1H "));

        assertThat(settings.pollInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(settings.backoffBase()).isEqualTo(Duration.ofSeconds(3));
        assertThat(settings.backoffMax()).isEqualTo(Duration.ofMinutes(2));
        assertThat(settings.maxAge()).isEqualTo(Duration.ofDays(7));
        assertThat(settings.claimLease()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    @DisplayName("a wrong value names the full option so the administrator finds it")
    void errorsNameTheOption() {
        assertThatThrownBy(() -> OutboxSettings.of(Map.of(OutboxSettings.MAX_ATTEMPTS, "many")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spi-events-listener--claromentis-provisioning--max-attempts");
        assertThatThrownBy(() -> OutboxSettings.of(Map.of(OutboxSettings.BACKOFF_BASE, "soon")))
                .hasMessageContaining("backoff-base");
        assertThatThrownBy(() -> OutboxSettings.of(Map.of(OutboxSettings.BATCH_SIZE, "0")))
                .hasMessageContaining("between 1 and 500");
    }

    @Test
    @DisplayName("the backoff cap may not be below its base")
    void capNotBelowBase() {
        assertThatThrownBy(() -> OutboxSettings.of(Map.of(OutboxSettings.BACKOFF_BASE, "10s",
                OutboxSettings.BACKOFF_MAX, "5s")))
                .hasMessageContaining("backoff-max");
    }
}
