package com.claromentis.keycloak.graph;

import com.claromentis.keycloak.tenant.EntraAuthority;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@DisplayName("The Microsoft Graph client of a directory sync")
class GraphClientTest {

    private static final String TENANT = "4b1c6f0e-2a7d-4c3e-9f10-5d2e8a7b6c01";
    private static final String SECRET = "s3cret-value-never-shown";
    private static final String TOKEN = "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":\"tok-1\"}";

    private MockWebServer server;
    private final List<Duration> waits = new ArrayList<>();
    private GraphClient client;

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.start();
        String origin = "http://127.0.0.1:" + server.getPort();
        client = new GraphClient(GraphClient.httpBuilder().build(), GraphHost.parse(origin), EntraAuthority.parse(origin),
                TENANT, "app", SECRET, 4, waits::add, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void answer(int code, String body) {
        server.enqueue(new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json").body(body).build());
    }

    private String origin() {
        return "http://127.0.0.1:" + server.getPort();
    }

    @Nested
    @DisplayName("given a tenant that grants the app a token")
    class Token {

        @Test
        @DisplayName("then the token is asked of the tenant's own endpoint with client credentials and the Graph scope, once")
        void clientCredentials() throws InterruptedException {
            answer(200, TOKEN);
            answer(200, "{\"value\":[]}");
            answer(200, "{\"value\":[]}");

            client.page("/v1.0/users?$top=1");
            client.page("/v1.0/users?$top=2");

            RecordedRequest token = server.takeRequest();
            assertThat(token.getTarget()).isEqualTo("/" + TENANT + "/oauth2/v2.0/token");
            assertThat(token.getBody().utf8()).contains("grant_type=client_credentials").contains("client_id=app")
                    .contains("scope=" + java.net.URLEncoder.encode(origin() + "/.default", java.nio.charset.StandardCharsets.UTF_8));
            assertThat(server.takeRequest().getHeaders().get("Authorization")).isEqualTo("Bearer tok-1");
            assertThat(client.tokenRequests()).isEqualTo(1);
        }

        @Test
        @DisplayName("when Graph answers 401, then one fresh token is fetched and the request repeated")
        void refreshOnce() {
            answer(200, TOKEN);
            answer(401, "{\"error\":{\"code\":\"InvalidAuthenticationToken\",\"message\":\"expired\"}}");
            answer(200, TOKEN);
            answer(200, "{\"value\":[{\"id\":\"a\"}]}");

            assertThat(client.page("/v1.0/users").items()).hasSize(1);
            assertThat(client.tokenRequests()).isEqualTo(2);
        }
    }

    @Nested
    @DisplayName("given a token endpoint that refuses the app")
    class Refused {

        @Test
        @DisplayName("then the error names the OAuth error and the AADSTS code, never the secret or the rest of the description")
        void noSecret() {
            answer(401, "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret "
                    + SECRET + " provided. Trace ID: abc\"}");

            GraphException refused = catchThrowableOfType(GraphException.class, () -> client.page("/v1.0/users"));

            assertThat(refused.kind()).isEqualTo(GraphException.Kind.UNAUTHORIZED);
            assertThat(refused.getMessage()).contains("invalid_client").contains("AADSTS7000215")
                    .doesNotContain(SECRET).doesNotContain("Trace ID");
        }
    }

    @Nested
    @DisplayName("given Graph throttles or fails for a while")
    class Throttled {

        @Test
        @DisplayName("then 429 waits as long as Retry-After says, 503 backs off, and the answer that follows is used")
        void retries() {
            answer(200, TOKEN);
            server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "7").body("{}").build());
            answer(503, "{}");
            answer(200, "{\"value\":[]}");

            client.page("/v1.0/users");

            assertThat(waits).hasSize(2);
            assertThat(waits.get(0)).isEqualTo(Duration.ofSeconds(7));
            assertThat(waits.get(1)).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(2));
        }

        @Test
        @DisplayName("then a Retry-After of a day waits at most two minutes at a time")
        void boundedWait() {
            answer(200, TOKEN);
            server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "86400").body("{}").build());
            answer(200, "{\"value\":[]}");

            client.page("/v1.0/users");

            assertThat(waits).containsExactly(GraphClient.MAX_WAIT);
        }

        @Test
        @DisplayName("then a throttle that outlasts every attempt is reported as unavailable")
        void givesUp() {
            answer(200, TOKEN);
            for (int i = 0; i < 4; i++) {
                server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "1").body("{}").build());
            }

            assertThatThrownBy(() -> client.page("/v1.0/users")).isInstanceOf(GraphException.class)
                    .extracting(e -> ((GraphException) e).kind()).isEqualTo(GraphException.Kind.UNAVAILABLE);
        }
    }

    @Nested
    @DisplayName("given a hostile or broken answer")
    class Hostile {

        @Test
        @DisplayName("then a next link to another host is refused before the token is sent there")
        void foreignNextLink() {
            answer(200, TOKEN);
            answer(200, "{\"value\":[],\"@odata.nextLink\":\"https://evil.example/v1.0/users?$skiptoken=1\"}");

            GraphException malformed = catchThrowableOfType(GraphException.class, () -> client.page("/v1.0/users"));

            assertThat(malformed.kind()).isEqualTo(GraphException.Kind.MALFORMED);
            assertThat(server.getRequestCount()).isEqualTo(2);
        }

        @Test
        @DisplayName("then a delta link with credentials in it, or outside /v1.0/, is refused")
        void sneakyLinks() {
            answer(200, TOKEN);
            answer(200, "{\"value\":[],\"@odata.deltaLink\":\"http://user:pw@127.0.0.1:" + server.getPort() + "/v1.0/users\"}");
            answer(200, "{\"value\":[],\"@odata.deltaLink\":\"" + origin() + "/admin/users\"}");

            assertThatThrownBy(() -> client.page("/v1.0/users/delta")).isInstanceOf(GraphException.class);
            assertThatThrownBy(() -> client.page("/v1.0/users/delta")).isInstanceOf(GraphException.class);
        }

        @Test
        @DisplayName("then a body that is not JSON, a page without a value list, or items that are not objects are malformed")
        void notGraph() {
            answer(200, TOKEN);
            answer(200, "<html>proxy login</html>");
            answer(200, "{\"value\":\"x\"}");
            answer(200, "{\"value\":[1,2]}");

            for (int i = 0; i < 3; i++) {
                GraphException e = catchThrowableOfType(GraphException.class, () -> client.page("/v1.0/users"));
                assertThat(e.kind()).isEqualTo(GraphException.Kind.MALFORMED);
            }
        }

        @Test
        @DisplayName("then 410, or a resyncRequired code, asks for a full resync; the message carries no delta token")
        void resync() {
            answer(200, TOKEN);
            answer(410, "{\"error\":{\"code\":\"syncStateNotFound\",\"message\":\"gone\"}}");
            answer(400, "{\"error\":{\"code\":\"Request_ResyncRequired\",\"message\":\"resync\"}}");

            GraphException first = catchThrowableOfType(GraphException.class,
                    () -> client.page("/v1.0/users/delta?$deltatoken=SECRET-TOKEN"));
            GraphException second = catchThrowableOfType(GraphException.class,
                    () -> client.page("/v1.0/users/delta?$deltatoken=SECRET-TOKEN"));

            assertThat(first.kind()).isEqualTo(GraphException.Kind.RESYNC_REQUIRED);
            assertThat(second.kind()).isEqualTo(GraphException.Kind.RESYNC_REQUIRED);
            assertThat(first.getMessage()).doesNotContain("SECRET-TOKEN");
        }

        @Test
        @DisplayName("then 403 says the app lacks a permission")
        void forbidden() {
            answer(200, TOKEN);
            answer(403, "{\"error\":{\"code\":\"Authorization_RequestDenied\",\"message\":\"Insufficient privileges\"}}");

            GraphException e = catchThrowableOfType(GraphException.class, () -> client.page("/v1.0/users"));

            assertThat(e.kind()).isEqualTo(GraphException.Kind.FORBIDDEN);
            assertThat(e.getMessage()).contains("Authorization_RequestDenied");
        }
    }
}
