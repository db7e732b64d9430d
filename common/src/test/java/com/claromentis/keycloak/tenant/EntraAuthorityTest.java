package com.claromentis.keycloak.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Entra authority hosts (EntraAuthority)")
class EntraAuthorityTest {

    @Nested
    @DisplayName("Given a host name made only of hex letters")
    class HexLetterNames {

        @ParameterizedTest
        @ValueSource(strings = {"cafe", "dead", "beef", "face", "add", "bad"})
        @DisplayName("when it is given over http, then it is refused as no loopback, without being taken for IPv6 or sent to DNS")
        void httpIsRefusedAsNotLoopback(String host) {
            assertThatThrownBy(() -> EntraAuthority.parse("http://" + host + ":8089"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("plain http is only allowed for a loopback test authority");
        }

        @ParameterizedTest
        @ValueSource(strings = {"cafe", "dead", "beef"})
        @DisplayName("when it is given over https, then it is refused as no Microsoft authority")
        void httpsIsRefusedAsNotMicrosoft(String host) {
            assertThatThrownBy(() -> EntraAuthority.parse("https://" + host))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not a Microsoft Entra authority");
        }
    }

    @Nested
    @DisplayName("Given an IP literal")
    class IpLiterals {

        @ParameterizedTest
        @ValueSource(strings = {"http://127.0.0.1:8089", "http://127.10.20.30", "http://[::1]:8089", "http://localhost:8089"})
        @DisplayName("when it is a loopback address, then http is allowed for a test authority")
        void loopbackIsAllowed(String origin) {
            assertThat(EntraAuthority.parse(origin).base()).isEqualTo(origin);
        }

        @ParameterizedTest
        @ValueSource(strings = {"http://10.0.0.1:8080", "http://[2001:db8::1]:8080", "http://2130706433", "http://127.0.0.1.nip.io"})
        @DisplayName("when it is no loopback, or only a number the resolver would turn into 127.0.0.1, then http is refused")
        void otherAddressesAreRefused(String origin) {
            assertThatThrownBy(() -> EntraAuthority.parse(origin))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("plain http is only allowed for a loopback test authority");
        }

        @ParameterizedTest
        @ValueSource(strings = {"http://127.1:8089", "http://0x7f.0.0.1"})
        @DisplayName("when it is a shorthand no URI accepts as a host, then it is refused before any address check")
        void shorthandsAreRefused(String origin) {
            assertThatThrownBy(() -> EntraAuthority.parse(origin))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Authority host must be a host name");
        }
    }
}
