package com.claromentis.keycloak.peopleapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.claromentis.keycloak.peopleapi.auth.ClientCredentialsAuth;
import com.claromentis.keycloak.peopleapi.auth.Secret;
import com.claromentis.keycloak.peopleapi.error.BadRequestException;
import com.claromentis.keycloak.peopleapi.error.ConflictException;
import com.claromentis.keycloak.peopleapi.error.RateLimitedException;
import com.claromentis.keycloak.peopleapi.error.UnauthorizedException;
import com.claromentis.keycloak.peopleapi.error.UnavailableException;
import java.time.Duration;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.Test;

class RetryTest extends MockServerSupport {

    private static final RetryPolicy FOUR = RetryPolicy.of(4, Duration.ofMillis(100), Duration.ofSeconds(5));

    @Test
    void rateLimitThenSuccessWaitsForRetryAfter() {
        server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "2").build());
        server.enqueue(json(200, list(user(1, "jdoe"))));
        assertThat(client(FOUR).listUsers(UserQuery.all()).items()).hasSize(1);
        assertThat(sleeper.sleeps).containsExactly(Duration.ofSeconds(2));
    }

    @Test
    void retryAfterIsCappedAtMaxDelay() {
        server.enqueue(new MockResponse.Builder().code(503).setHeader("Retry-After", "3600").build());
        server.enqueue(json(200, list()));
        client(FOUR).listUsers(UserQuery.all());
        assertThat(sleeper.sleeps).containsExactly(Duration.ofSeconds(5));
    }

    @Test
    void repeated503GivesUpAfterMaxAttemptsWithJitteredBackoff() {
        for (int i = 0; i < 4; i++) {
            server.enqueue(json(503, "{\"code\":503,\"error\":\"Maintenance\"}"));
        }
        assertThatThrownBy(() -> client(FOUR).listUsers(UserQuery.all()))
                .isInstanceOf(UnavailableException.class)
                .hasMessageContaining("HTTP 503: Maintenance");
        assertThat(server.getRequestCount()).isEqualTo(4);
        // jitter fixed at 0.5: half of 100, 200, 400 ms
        assertThat(sleeper.sleeps).containsExactly(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void persistent429EndsAsRateLimitedWithRetryAfter() {
        for (int i = 0; i < 2; i++) {
            server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "7").build());
        }
        assertThatThrownBy(() -> client(RetryPolicy.of(2, Duration.ZERO, Duration.ofSeconds(10))).getUser(1))
                .isInstanceOf(RateLimitedException.class)
                .satisfies(e -> assertThat(((RateLimitedException) e).retryAfter()).hasValue(Duration.ofSeconds(7)));
    }

    @Test
    void persistent503EndsAsUnavailableWithRetryAfter() {
        server.enqueue(new MockResponse.Builder().code(503).setHeader("Retry-After", "4").build());
        assertThatThrownBy(() -> client(RetryPolicy.none()).getUser(1))
                .isInstanceOf(UnavailableException.class)
                .satisfies(e -> assertThat(((UnavailableException) e).retryAfter()).hasValue(Duration.ofSeconds(4)));
    }

    @Test
    void connectionResetOnGetIsRetried() {
        server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build());
        server.enqueue(json(200, user(1, "jdoe")));
        assertThat(client(FOUR).getUser(1)).isPresent();
        assertThat(server.getRequestCount()).isEqualTo(2);
        assertThat(sleeper.sleeps).hasSize(1);
    }

    @Test
    void putIsRetriedOn502() throws Exception {
        server.enqueue(json(502, "{}"));
        server.enqueue(json(200, user(1, "jdoe")));
        client(FOUR).updateUser(1, ClaromentisUser.builder("jdoe").email("jdoe@example.org").build());
        assertThat(server.takeRequest().getMethod()).isEqualTo("PUT");
        assertThat(server.takeRequest().getMethod()).isEqualTo("PUT");
    }

    @Test
    void postIsNeverRetriedBlindly() throws Exception {
        server.enqueue(json(400, "{\"code\":400,\"error\":\"username is required\"}"));
        assertThatThrownBy(() -> client(FOUR).createUser(ClaromentisUser.builder("x").build()))
                .isInstanceOf(BadRequestException.class);
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void postWhoseAnswerWasLostFindsTheCreatedUserInsteadOfPostingAgain() throws Exception {
        // The server applied the POST but the connection dropped before the answer.
        server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build());
        server.enqueue(json(200, list(user(5, "jdoe"))));
        ClaromentisUser created = client(FOUR).createUser(ClaromentisUser.builder("jdoe").email("jdoe@example.org")
                .build());
        assertThat(created.id()).isEqualTo(5);
        assertThat(server.takeRequest().getMethod()).isEqualTo("POST");
        RecordedRequest lookup = server.takeRequest();
        assertThat(lookup.getMethod()).isEqualTo("GET");
        assertThat(lookup.getUrl().queryParameter("username")).isEqualTo("jdoe");
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void postThatWasNotAppliedIsSentAgainAfterTheLookup() throws Exception {
        server.enqueue(json(503, "{\"code\":503,\"error\":\"busy\"}"));
        server.enqueue(json(200, list()));
        server.enqueue(json(201, user(6, "jdoe")));
        assertThat(client(FOUR).createUser(ClaromentisUser.builder("jdoe").build()).id()).isEqualTo(6);
        assertThat(server.takeRequest().getMethod()).isEqualTo("POST");
        assertThat(server.takeRequest().getMethod()).isEqualTo("GET");
        assertThat(server.takeRequest().getMethod()).isEqualTo("POST");
        assertThat(sleeper.sleeps).hasSize(1);
    }

    @Test
    void usernameHeldBySomeoneElseDuringAnUnansweredPostIsAConflict() {
        server.enqueue(json(500, "{\"code\":500,\"error\":\"oops\"}"));
        server.enqueue(json(200, list("{\"id\":3,\"username\":\"jdoe\",\"email\":\"other@example.org\"}")));
        assertThatThrownBy(() -> client(FOUR).createUser(ClaromentisUser.builder("jdoe").email("jdoe@example.org")
                .build()))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("belongs to another user");
    }

    @Test
    void bearerTokenRejectedWith401IsRefreshedOnceAndTheCallRetried() throws Exception {
        server.enqueue(json(200, "{\"access_token\":\"tok-one-1111\",\"token_type\":\"Bearer\",\"expires_in\":3600}"));
        server.enqueue(json(401, "{\"code\":401,\"error\":\"expired\"}"));
        server.enqueue(json(200, "{\"access_token\":\"tok-two-2222\",\"token_type\":\"bearer\",\"expires_in\":3600}"));
        server.enqueue(json(200, user(1, "jdoe")));
        PeopleApiClient client = PeopleApiClient.create(config(FOUR).auth(ClientCredentialsAuth.builder()
                .tokenEndpoint(server.url("/oauth/token").toString()).clientId("kc id")
                .clientSecret(Secret.of("s&cret")).build()).build());
        assertThat(client.getUser(1)).isPresent();

        RecordedRequest token = server.takeRequest();
        assertThat(token.getBody().utf8()).isEqualTo("grant_type=client_credentials");
        assertThat(token.getHeaders().get("Authorization"))
                .isEqualTo("Basic " + java.util.Base64.getEncoder().encodeToString("kc+id:s%26cret".getBytes()));
        assertThat(server.takeRequest().getHeaders().get("Authorization")).isEqualTo("Bearer tok-one-1111");
        server.takeRequest();
        assertThat(server.takeRequest().getHeaders().get("Authorization")).isEqualTo("Bearer tok-two-2222");
    }

    @Test
    void repeated401DoesNotLoop() {
        server.enqueue(json(200, "{\"access_token\":\"tok-one-1111\",\"expires_in\":3600}"));
        server.enqueue(json(401, "{\"code\":401,\"error\":\"no\"}"));
        server.enqueue(json(200, "{\"access_token\":\"tok-two-2222\",\"expires_in\":3600}"));
        server.enqueue(json(401, "{\"code\":401,\"error\":\"still no\"}"));
        PeopleApiClient client = PeopleApiClient.create(config(FOUR).auth(ClientCredentialsAuth.builder()
                .tokenEndpoint(server.url("/oauth/token").toString()).clientId("kc")
                .clientAuthentication(ClientCredentialsAuth.ClientAuthentication.FORM)
                .clientSecret(Secret.of("secret-value")).build()).build());
        assertThatThrownBy(() -> client.getUser(1)).isInstanceOf(UnauthorizedException.class)
                .hasMessageContaining("still no");
        assertThat(server.getRequestCount()).isEqualTo(4);
    }

    @Test
    void tokenResponseWithoutAccessTokenIsMalformed() {
        server.enqueue(json(200, "{\"token_type\":\"Bearer\"}"));
        PeopleApiClient client = PeopleApiClient.create(config(FOUR).auth(ClientCredentialsAuth.builder()
                .tokenEndpoint(server.url("/oauth/token").toString()).clientId("kc")
                .clientSecret(Secret.of("secret-value")).build()).build());
        assertThatThrownBy(() -> client.getUser(1))
                .isInstanceOf(com.claromentis.keycloak.peopleapi.error.MalformedResponseException.class)
                .hasMessageContaining("access_token is missing");
    }
}
