package com.claromentis.keycloak.peopleapi;

import com.claromentis.keycloak.peopleapi.auth.BasicAuth;
import com.claromentis.keycloak.peopleapi.auth.Secret;
import java.io.IOException;
import java.time.Duration;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A MockWebServer per test and a client pointed at it. */
abstract class MockServerSupport {

    static final String PASSWORD = "pa55-w0rd-value";

    protected MockWebServer server;
    protected final RecordingSleeper sleeper = new RecordingSleeper();

    @BeforeEach
    void startServer() throws IOException {
        server = new MockWebServer();
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    PeopleApiConfig.Builder config(RetryPolicy retry) {
        return PeopleApiConfig.builder()
                .baseUrl(server.url("/").toString())
                .auth(BasicAuth.of("api", Secret.of(PASSWORD)))
                .retryPolicy(retry)
                .readTimeout(Duration.ofSeconds(5))
                .sleeper(sleeper)
                .jitter(() -> 0.5);
    }

    PeopleApiClient client(RetryPolicy retry) {
        return PeopleApiClient.create(config(retry).build());
    }

    static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json").body(body).build();
    }

    static String user(long id, String username) {
        return "{\"id\":" + id + ",\"username\":\"" + username + "\",\"email\":\"" + username + "@example.org\"}";
    }

    static String list(String... items) {
        return "{\"data\":[" + String.join(",", items) + "],\"pagination\":{\"offset\":0,\"limit\":20,\"total\":"
                + items.length + ",\"prev\":null,\"next\":null}}";
    }
}
