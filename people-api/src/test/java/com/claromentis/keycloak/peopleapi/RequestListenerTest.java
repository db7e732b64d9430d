package com.claromentis.keycloak.peopleapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.claromentis.keycloak.peopleapi.auth.ClientCredentialsAuth;
import com.claromentis.keycloak.peopleapi.auth.Secret;
import com.claromentis.keycloak.peopleapi.error.MalformedResponseException;
import com.claromentis.keycloak.peopleapi.error.PeopleApiException;
import com.claromentis.keycloak.peopleapi.error.UnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Given a People API client with a request listener")
class RequestListenerTest extends MockServerSupport {

    private record Ended(String operation, RequestOutcome outcome, Duration elapsed) {
    }

    private final List<Ended> ended = new CopyOnWriteArrayList<>();

    private PeopleApiClient listened(RetryPolicy retry) {
        return listened(config(retry));
    }

    private PeopleApiClient listened(PeopleApiConfig.Builder config) {
        return PeopleApiClient.create(config
                .requestListener((operation, outcome, elapsed) -> ended.add(new Ended(operation, outcome, elapsed)))
                .build());
    }

    private List<String> seen() {
        return ended.stream().map(e -> e.operation() + " " + e.outcome().tag()).toList();
    }

    @Nested
    @DisplayName("when the server answers")
    class Answered {

        @Test
        @DisplayName("then a successful read is one success under its template, never the id")
        void success() {
            server.enqueue(json(200, user(42, "jdoe")));

            listened(RetryPolicy.none()).getUser(42);

            assertThat(seen()).containsExactly("GET /users/{id} success");
            assertThat(ended.get(0).elapsed()).isPositive();
        }

        @Test
        @DisplayName("then each attempt a retry makes is a request of its own: throttled, server_error, then success")
        void retries() {
            server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "0").build());
            server.enqueue(json(503, "{\"code\":503,\"error\":\"down\"}"));
            server.enqueue(json(200, list(user(1, "a"))));

            listened(RetryPolicy.of(3, Duration.ofMillis(10), Duration.ofMillis(50))).listUsers(UserQuery.all());

            assertThat(seen()).containsExactly("GET /users throttled", "GET /users server_error", "GET /users success");
        }

        @Test
        @DisplayName("then a refused create is a client_error and a missing user a client_error too")
        void clientErrors() {
            server.enqueue(json(409, "{\"code\":409,\"error\":\"username taken\"}"));
            server.enqueue(json(404, "{\"code\":404,\"error\":\"no such user\"}"));
            PeopleApiClient client = listened(RetryPolicy.none());

            assertThatThrownBy(() -> client.createUser(ClaromentisUser.builder("jdoe").build()))
                    .isInstanceOf(PeopleApiException.class);
            assertThat(client.getUser(7)).isEmpty();

            assertThat(seen()).containsExactly("POST /users client_error", "GET /users/{id} client_error");
        }

        @Test
        @DisplayName("then the elapsed time leaves the backoff pause out")
        void pauseExcluded() {
            server.enqueue(new MockResponse.Builder().code(503).setHeader("Retry-After", "5").build());
            server.enqueue(json(200, user(1, "a")));

            listened(RetryPolicy.of(2, Duration.ofSeconds(5), Duration.ofSeconds(5))).getUser(1);

            assertThat(sleeper.sleeps).containsExactly(Duration.ofSeconds(5));
            assertThat(ended).hasSize(2).allSatisfy(e -> assertThat(e.elapsed()).isLessThan(Duration.ofSeconds(5)));
        }
    }

    @Nested
    @DisplayName("when the answer is hostile or broken")
    class Hostile {

        @Test
        @DisplayName("then HTML with status 200 is malformed_response, not success")
        void htmlWith200() {
            server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "text/html")
                    .body("<html>Login</html>").build());

            assertThatThrownBy(() -> listened(RetryPolicy.none()).getUser(5)).isInstanceOf(MalformedResponseException.class);

            assertThat(seen()).containsExactly("GET /users/{id} malformed_response");
        }

        @Test
        @DisplayName("then JSON cut short is malformed_response")
        void truncated() {
            server.enqueue(json(200, "{\"id\": 5, \"username\": \"jd"));

            assertThatThrownBy(() -> listened(RetryPolicy.none()).getUser(5)).isInstanceOf(MalformedResponseException.class);

            assertThat(seen()).containsExactly("GET /users/{id} malformed_response");
        }

        @Test
        @DisplayName("then a body above the size limit is malformed_response")
        void oversized() {
            server.enqueue(json(200, "[" + "1,".repeat(1000) + "1]"));
            PeopleApiClient client = listened(config(RetryPolicy.none()).maxResponseBytes(1024));

            assertThatThrownBy(() -> client.getUser(5)).isInstanceOf(MalformedResponseException.class);

            assertThat(seen()).containsExactly("GET /users/{id} malformed_response");
        }

        @Test
        @DisplayName("then a redirect (never followed) is unexpected_status")
        void redirect() {
            server.enqueue(new MockResponse.Builder().code(302).setHeader("Location", "https://evil.example.net/").build());

            assertThatThrownBy(() -> listened(RetryPolicy.none()).getUser(5)).isInstanceOf(PeopleApiException.class);

            assertThat(seen()).containsExactly("GET /users/{id} unexpected_status");
        }

        @Test
        @DisplayName("then a connection closed before any answer is network_error, for every attempt")
        void connectionClosed() {
            server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build());
            server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build());

            assertThatThrownBy(() -> listened(RetryPolicy.of(2, Duration.ofMillis(1), Duration.ofMillis(1))).getUser(5))
                    .isInstanceOf(UnavailableException.class);

            assertThat(seen()).containsExactly("GET /users/{id} network_error", "GET /users/{id} network_error");
        }

        @Test
        @DisplayName("then a listener that throws changes nothing for the caller")
        void failingListener() {
            server.enqueue(json(200, user(42, "jdoe")));
            PeopleApiClient client = PeopleApiClient.create(config(RetryPolicy.none())
                    .requestListener((o, outcome, e) -> {
                        throw new IllegalStateException("registry closed");
                    }).build());

            assertThat(client.getUser(42)).map(ClaromentisUser::username).contains("jdoe");
        }
    }

    @Nested
    @DisplayName("when the client fetches an OAuth token")
    class Token {

        @Test
        @DisplayName("then the token request is POST token, whatever the token URL, and the API call follows")
        void token() {
            server.enqueue(json(200, "{\"access_token\":\"tok-1\",\"token_type\":\"Bearer\",\"expires_in\":300}"));
            server.enqueue(json(200, user(3, "c")));
            PeopleApiClient client = listened(config(RetryPolicy.none())
                    .auth(ClientCredentialsAuth.builder().tokenEndpoint(server.url("/oauth/jdoe/token").toString())
                            .clientId("keycloak").clientSecret(Secret.of("s3cret-value")).build()));

            client.getUser(3);

            assertThat(seen()).containsExactly("POST token success", "GET /users/{id} success");
        }
    }
}
