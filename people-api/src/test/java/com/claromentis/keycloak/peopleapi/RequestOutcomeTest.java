package com.claromentis.keycloak.peopleapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

@DisplayName("A People API request's outcome class")
class RequestOutcomeTest {

    @Nested
    @DisplayName("given the status the server answered")
    class ByStatus {

        @ParameterizedTest(name = "HTTP {0} is {1}")
        @CsvSource({
                "200, success", "201, success", "204, success", "299, success",
                "400, client_error", "401, client_error", "403, client_error", "404, client_error",
                "409, client_error", "422, client_error", "499, client_error",
                "429, throttled",
                "500, server_error", "502, server_error", "503, server_error", "504, server_error", "599, server_error"})
        @DisplayName("then the documented statuses fall into their class")
        void documented(int status, String tag) {
            assertThat(RequestOutcome.ofStatus(status).tag()).isEqualTo(tag);
        }

        @ParameterizedTest(name = "HTTP {0} is unexpected_status")
        @CsvSource({"100", "101", "199", "300", "301", "302", "304", "307", "399", "600", "999", "0", "-1",
                "2147483647", "-2147483648"})
        @DisplayName("then a status the People API never sends, or no real status at all, is unexpected_status")
        void hostile(int status) {
            assertThat(RequestOutcome.ofStatus(status)).isEqualTo(RequestOutcome.UNEXPECTED_STATUS);
        }
    }

    @Test
    @DisplayName("then the tags are the seven lower-case names a dashboard can rely on")
    void tags() {
        assertThat(Arrays.stream(RequestOutcome.values()).map(RequestOutcome::tag)).containsExactly(
                "success", "client_error", "throttled", "server_error", "network_error", "malformed_response",
                "unexpected_status");
    }
}
