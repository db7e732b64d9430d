package com.claromentis.keycloak.signin;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The Claromentis settings an administrator keeps on an identity provider")
class ProviderSignInSettingsTest {

    @Nested
    @DisplayName("claromentis.kind")
    class Kind {

        @Test
        @DisplayName("given social or enterprise in any case and spacing, then that is the provider's kind")
        void readsTheOverride() {
            assertThat(ProviderSignInSettings.of(Map.of("claromentis.kind", " Enterprise ")).kindOverride()).contains(LoginKind.ENTERPRISE);
            assertThat(ProviderSignInSettings.of(Map.of("claromentis.kind", "social")).kindOverride()).contains(LoginKind.SOCIAL);
        }

        @Test
        @DisplayName("given nothing, then there is no override and nothing to report")
        void absent() {
            ProviderSignInSettings settings = ProviderSignInSettings.of(Map.of());
            assertThat(settings.kindOverride()).isEmpty();
            assertThat(settings.unreadableKind()).isEmpty();
        }

        @Test
        @DisplayName("given another word, then it is not an override and is reported as unreadable")
        void unreadable() {
            ProviderSignInSettings settings = ProviderSignInSettings.of(Map.of("claromentis.kind", "corporate"));
            assertThat(settings.kindOverride()).isEmpty();
            assertThat(settings.unreadableKind()).contains("corporate");
        }
    }

    @Nested
    @DisplayName("claromentis.guard")
    class Guard {

        @Test
        @DisplayName("given off, then the provider is opted out")
        void off() {
            assertThat(ProviderSignInSettings.of(Map.of("claromentis.guard", "OFF")).optedOut()).isTrue();
        }

        @Test
        @DisplayName("given nothing, on, or another word such as false, then the guarantees stay on")
        void staysOn() {
            assertThat(ProviderSignInSettings.of(Map.of()).optedOut()).isFalse();
            assertThat(ProviderSignInSettings.of(Map.of("claromentis.guard", "on")).optedOut()).isFalse();
            ProviderSignInSettings typo = ProviderSignInSettings.of(Map.of("claromentis.guard", "false"));
            assertThat(typo.optedOut()).isFalse();
            assertThat(typo.unreadableGuard()).contains("false");
        }
    }
}
