package com.claromentis.keycloak.storage;

import com.claromentis.keycloak.connection.PeopleApiConnectionSettings;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;

import java.text.MessageFormat;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("PeopleApiStorageConfig.validate")
class PeopleApiStorageConfigTest {

    private static final String PASSWORD = "Pa55-never-shown";

    private static ComponentModel basic(String baseUrl) {
        ComponentModel model = new ComponentModel();
        model.setId("component-1");
        model.put(PeopleApiConnectionSettings.BASE_URL, baseUrl);
        model.put(PeopleApiConnectionSettings.USERNAME, "api-user");
        model.put(PeopleApiConnectionSettings.PASSWORD, PASSWORD);
        return model;
    }

    /** The text the admin console shows: Keycloak formats the message with MessageFormat (twice) before sending it. */
    private static String refusal(ComponentModel model) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> new PeopleApiStorageConfig(model).validate());
        assertThat(thrown).isInstanceOf(ComponentValidationException.class);
        String once = MessageFormat.format(thrown.getMessage(), (Object[]) null);
        String shown = MessageFormat.format(once, (Object[]) null);
        assertThat(shown).isEqualTo(once);
        assertThat(shown).doesNotContain(PASSWORD).doesNotContainPattern("\\p{Cntrl}");
        return shown;
    }

    @Nested
    @DisplayName("given the Claromentis URL")
    class BaseUrl {

        @ParameterizedTest(name = "{0} is accepted")
        @ValueSource(strings = {"https://intranet.example.org", "https://intranet.example.org/api/people/v2/",
                "http://127.0.0.1:8090", "http://localhost:8090", "http://[::1]:8090", " https://x.example.org "})
        void accepted(String url) {
            assertThatCode(() -> new PeopleApiStorageConfig(basic(url)).validate()).doesNotThrowAnyException();
        }

        @ParameterizedTest(name = "http to {0} is refused and the message names https")
        @ValueSource(strings = {"http://example.org", "http://127.0.0.1.evil.com", "http://localhost.evil.com",
                "http://10.0.0.1", "http://[::2]"})
        void plainHttpNeedsLoopback(String url) {
            assertThat(refusal(basic(url))).contains("https");
        }

        @ParameterizedTest(name = "{0} is refused as not an https URL")
        @ValueSource(strings = {"javascript:alert(1)", "ftp://example.org", "file:///etc/passwd", "intranet.example.org",
                "data:text/html,x"})
        void otherSchemes(String url) {
            assertThat(refusal(basic(url))).contains("Claromentis URL").contains("https");
        }

        @Test
        @DisplayName("then credentials in the URL are refused without repeating them")
        void userInfo() {
            assertThat(refusal(basic("https://admin:" + PASSWORD + "@example.org")))
                    .contains("must not carry credentials");
        }

        @Test
        @DisplayName("then credentials in an unparseable URL are masked in the message")
        void userInfoInBadUrl() {
            assertThat(refusal(basic("https://admin:" + PASSWORD + "@exa mple.org"))).contains("***@").doesNotContain("admin");
        }

        @Test
        @DisplayName("then a query string or fragment is refused")
        void query() {
            assertThat(refusal(basic("https://example.org/?token=abc"))).contains("query");
            assertThat(refusal(basic("https://example.org/#x"))).contains("fragment");
        }

        @Test
        @DisplayName("then '..' in the path and a port out of range are refused")
        void pathAndPort() {
            assertThat(refusal(basic("https://example.org/a/../b"))).contains("..");
            assertThat(refusal(basic("https://example.org:99999/"))).contains("port");
        }

        @Test
        @DisplayName("then a missing URL is reported as required")
        void missing() {
            assertThat(refusal(basic("   "))).isEqualTo("Claromentis URL is required");
        }

        @Test
        @DisplayName("then control characters never reach the message")
        void controlCharacters() {
            assertThat(refusal(basic("https://exa\nmple.org/\u0000"))).contains("?");
        }

        @Test
        @DisplayName("then braces and apostrophes in a typed URL survive Keycloak's message formatting as look-alikes")
        void formatCharacters() {
            assertThat(refusal(basic("https://exa{0}mple.org/it's"))).isEqualTo(
                    "Claromentis URL is not a valid URL: https://exa(0)mple.org/it\u2019s");
            assertThat(refusal(basic("https://exa{mple.org/"))).startsWith("Claromentis URL is not a valid URL");
        }
    }

    @Nested
    @DisplayName("given the credentials")
    class Credentials {

        @Test
        @DisplayName("then a missing password is required")
        void missingPassword() {
            ComponentModel model = basic("https://example.org");
            model.put(PeopleApiConnectionSettings.PASSWORD, " ");
            assertThat(refusal(model)).isEqualTo("API password is required");
        }

        @Test
        @DisplayName("then a missing username is required")
        void missingUsername() {
            ComponentModel model = basic("https://example.org");
            model.getConfig().remove(PeopleApiConnectionSettings.USERNAME);
            assertThat(refusal(model)).isEqualTo("API username is required");
        }

        @Test
        @DisplayName("then client credentials need a token endpoint over https, a client id and a secret")
        void clientCredentials() {
            ComponentModel model = basic("https://example.org");
            model.put(PeopleApiConnectionSettings.AUTH_TYPE, "client-credentials");
            assertThat(refusal(model)).isEqualTo("Token endpoint is required");
            model.put(PeopleApiConnectionSettings.TOKEN_URL, "http://example.org/oauth/token");
            assertThat(refusal(model)).contains("Token endpoint must use https");
            model.put(PeopleApiConnectionSettings.TOKEN_URL, "https://example.org/oauth/token");
            assertThat(refusal(model)).isEqualTo("Client id is required");
            model.put(PeopleApiConnectionSettings.CLIENT_ID, "kc");
            assertThat(refusal(model)).isEqualTo("Client secret is required");
            model.put(PeopleApiConnectionSettings.CLIENT_SECRET, "${vault.claromentis_secret}");
            assertThatCode(() -> new PeopleApiStorageConfig(model).validate()).doesNotThrowAnyException();
        }

        @Test
        @DisplayName("then an unknown authentication type is refused with a cleaned echo")
        void unknownAuthType() {
            ComponentModel model = basic("https://example.org");
            model.put(PeopleApiConnectionSettings.AUTH_TYPE, "kerberos\r\nX-Injected: yes");
            assertThat(refusal(model)).startsWith("Authentication must be \u2019basic\u2019 or \u2019client-credentials\u2019")
                    .contains("kerberos??X-Injected: yes");
        }

        @Test
        @DisplayName("then a blank authentication type means basic")
        void blankAuthType() {
            ComponentModel model = basic("https://example.org");
            model.put(PeopleApiConnectionSettings.AUTH_TYPE, "");
            assertThatCode(() -> new PeopleApiStorageConfig(model).validate()).doesNotThrowAnyException();
        }
    }

    @Nested
    @DisplayName("given numbers")
    class Numbers {

        @ParameterizedTest(name = "connect timeout {0} is refused as out of range")
        @ValueSource(strings = {"-1", "0", "99", "120001", "99999999999", "-99999999999999999999", "2147483648"})
        void outOfRange(String value) {
            ComponentModel model = basic("https://example.org");
            model.put(PeopleApiConnectionSettings.CONNECT_TIMEOUT, value);
            assertThat(refusal(model)).isEqualTo("Connect timeout (ms) must be between 100 and 120000");
        }

        @ParameterizedTest(name = "attempts ''{0}'' is refused as not a whole number")
        @ValueSource(strings = {"three", "1.5", "0x10", "1e3"})
        void notANumber(String value) {
            ComponentModel model = basic("https://example.org");
            model.put(PeopleApiConnectionSettings.MAX_ATTEMPTS, value);
            assertThat(refusal(model)).startsWith("Attempts per request must be a whole number");
        }

        @Test
        @DisplayName("then the freshness may be 0 (always ask) but not negative")
        void freshness() {
            ComponentModel model = basic("https://example.org");
            model.put(PeopleApiStorageConfig.FRESHNESS, "0");
            assertThat(new PeopleApiStorageConfig(model).freshness()).isZero();
            model.put(PeopleApiStorageConfig.FRESHNESS, "-5");
            assertThat(refusal(model)).contains("between 0 and 86400");
        }
    }

    @Nested
    @DisplayName("given the retry setting")
    class Retries {

        @Test
        @DisplayName("then the client retries as many times as configured, 3 by default")
        void attempts() {
            ComponentModel model = basic("https://example.org");
            UnaryOperator<String> noVault = UnaryOperator.identity();
            assertThat(new PeopleApiStorageConfig(model).connection().clientConfig(noVault).build().retryPolicy().maxAttempts()).isEqualTo(3);

            model.put(PeopleApiConnectionSettings.MAX_ATTEMPTS, "5");
            var policy = new PeopleApiStorageConfig(model).connection().clientConfig(noVault).build().retryPolicy();

            assertThat(policy.maxAttempts()).isEqualTo(5);
            assertThat(policy.baseDelay()).isEqualTo(Duration.ofMillis(200));
            assertThat(policy.maxDelay()).isEqualTo(Duration.ofSeconds(10));
        }

        @Test
        @DisplayName("then secrets go through the resolver (the vault) and nowhere else")
        void secretsResolved() {
            ComponentModel model = basic("https://example.org");
            model.put(PeopleApiConnectionSettings.PASSWORD, "${vault.api}");
            List<String> asked = new java.util.ArrayList<>();
            var built = new PeopleApiStorageConfig(model).connection().clientConfig(value -> {
                asked.add(value);
                return "resolved";
            }).build();

            assertThat(asked).containsExactly("${vault.api}");
            assertThat(built.toString()).doesNotContain("resolved");
        }
    }

    @Nested
    @DisplayName("given a field mapping")
    class Mapping {

        @Test
        @DisplayName("then an unknown field is refused with the offending line")
        void unknownField() {
            ComponentModel model = basic("https://example.org");
            model.getConfig().put(PeopleApiConnectionSettings.FIELD_MAPPING, List.of("nickname=nick"));
            assertThat(refusal(model)).startsWith("JSON field names:").contains("nickname");
        }
    }
}
