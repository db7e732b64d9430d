package com.claromentis.keycloak.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SandboxServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASIC = "Basic " + Base64.getEncoder()
            .encodeToString("admin:s3cret".getBytes(StandardCharsets.UTF_8));

    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final HttpClient http = HttpClient.newHttpClient();
    private SandboxServer server;

    @BeforeEach
    void start() throws IOException {
        server = SandboxServer.start(SandboxConfig.builder()
                .basicCredentials("admin", "s3cret")
                .clientCredentials("kc", "client-secret")
                .tokenLifetime(Duration.ofMinutes(5))
                .clock(clock)
                .build());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void pagesCarryFullPrevAndNextLinksThatKeepFilters() throws Exception {
        server.generateUsers(45, "user");
        JsonNode first = get("users?limit=20&search=user").body;
        assertThat(first.get("data")).hasSize(20);
        JsonNode p = first.get("pagination");
        assertThat(p.get("total").asInt()).isEqualTo(45);
        assertThat(p.get("prev").isNull()).isTrue();
        assertThat(p.get("next").asText())
                .isEqualTo(server.apiBaseUrl() + "users?offset=20&limit=20&search=user");

        JsonNode last = send(HttpRequest.newBuilder(URI.create(p.get("next").asText()))
                .header("Authorization", BASIC).build()).body;
        JsonNode third = send(HttpRequest.newBuilder(URI.create(last.at("/pagination/next").asText()))
                .header("Authorization", BASIC).build()).body;
        assertThat(third.get("data")).hasSize(5);
        assertThat(third.at("/pagination/next").isNull()).isTrue();
        assertThat(third.at("/pagination/prev").asText()).contains("offset=20");
    }

    @Test
    void defaultLimitIsTwentyAndBadPagingIsRefused() throws Exception {
        server.generateUsers(25, "u");
        assertThat(get("users").body.get("data")).hasSize(20);
        assertThat(get("users?limit=201").status).isEqualTo(400);
        assertThat(get("users?offset=-1").status).isEqualTo(400);
        assertThat(get("users?limit=abc").status).isEqualTo(400);
        assertThat(get("users?bogus=1").status).isEqualTo(400);
        JsonNode empty = get("users?limit=0").body;
        assertThat(empty.get("data")).isEmpty();
        assertThat(empty.at("/pagination/total").asInt()).isEqualTo(25);
        assertThat(empty.at("/pagination/next").isNull()).isTrue();
    }

    @Test
    void filtersByUsernameEmailSearchAndModifiedSince() throws Exception {
        server.addUser("jdoe", "Jane", "Doe", "Jane.Doe@example.org");
        clock.advance(Duration.ofHours(1));
        Instant cut = clock.instant();
        server.addUser("bsmith", "Bob", "Smith", "bob@example.org");

        assertThat(get("users?username=JDOE").body.get("data")).extracting(n -> n.get("username").asText())
                .containsExactly("jdoe");
        assertThat(get("users?email=jane.doe%40example.org").body.get("data")).hasSize(1);
        assertThat(get("users?search=smi").body.get("data")).extracting(n -> n.get("username").asText())
                .containsExactly("bsmith");
        assertThat(get("users?search=jane%20doe").body.get("data")).hasSize(1);
        assertThat(get("users?modified_since=" + enc(cut.toString())).body.get("data"))
                .extracting(n -> n.get("username").asText()).containsExactly("bsmith");
        assertThat(get("users?modified_since=yesterday").status).isEqualTo(400);
    }

    @Test
    void refusesMissingOrWrongCredentialsWithCodeAndError() throws Exception {
        Response none = send(HttpRequest.newBuilder(URI.create(server.apiBaseUrl() + "users")).build());
        assertThat(none.status).isEqualTo(401);
        assertThat(none.body.get("code").asInt()).isEqualTo(401);
        assertThat(none.body.get("error").asText()).isNotBlank();
        Response wrong = send(HttpRequest.newBuilder(URI.create(server.apiBaseUrl() + "users"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("admin:nope".getBytes(StandardCharsets.UTF_8)))
                .build());
        assertThat(wrong.status).isEqualTo(401);
        Response bearer = send(HttpRequest.newBuilder(URI.create(server.apiBaseUrl() + "users"))
                .header("Authorization", "Bearer made-up").build());
        assertThat(bearer.status).isEqualTo(401);
    }

    @Test
    void issuesClientCredentialsTokensThatExpire() throws Exception {
        Response token = send(HttpRequest.newBuilder(URI.create(server.tokenUrl()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=kc&client_secret=client-secret"))
                .build());
        assertThat(token.status).isEqualTo(200);
        assertThat(token.body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(token.body.get("expires_in").asLong()).isEqualTo(300);
        String bearer = "Bearer " + token.body.get("access_token").asText();

        assertThat(send(HttpRequest.newBuilder(URI.create(server.apiBaseUrl() + "users"))
                .header("Authorization", bearer).build()).status).isEqualTo(200);
        clock.advance(Duration.ofMinutes(5));
        assertThat(send(HttpRequest.newBuilder(URI.create(server.apiBaseUrl() + "users"))
                .header("Authorization", bearer).build()).status).isEqualTo(401);

        Response basicAuth = send(HttpRequest.newBuilder(URI.create(server.tokenUrl()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("kc:client-secret".getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build());
        assertThat(basicAuth.status).isEqualTo(200);
        Response badSecret = send(HttpRequest.newBuilder(URI.create(server.tokenUrl()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=kc&client_secret=x"))
                .build());
        assertThat(badSecret.status).isEqualTo(401);
        assertThat(badSecret.body.get("error").asText()).isEqualTo("invalid_client");
        assertThat(server.tokensIssued()).isEqualTo(2);
    }

    @Test
    void createsUpdatesAndDeletesUsersWithManagerLinks() throws Exception {
        Response boss = post("users", "{\"username\":\"boss\",\"firstname\":\"Big\",\"surname\":\"Boss\"}");
        assertThat(boss.status).isEqualTo(201);
        long bossId = boss.body.get("id").asLong();
        Response jane = post("users", "{\"username\":\"jdoe\",\"email\":\"jane@example.org\",\"job_title\":\"Engineer\","
                + "\"office\":\"London\",\"department\":\"IT\",\"external_id\":\"x-1\",\"active\":true}");
        long janeId = jane.body.get("id").asLong();
        assertThat(post("users", "{\"username\":\"JDOE\"}").status).isEqualTo(409);
        assertThat(post("users", "{\"firstname\":\"No name\"}").status).isEqualTo(400);
        assertThat(post("users", "{\"username\":\"x\",\"active\":\"yes\"}").status).isEqualTo(400);
        assertThat(post("users", "{\"username\":\"x\",\"shoe_size\":9}").status).isEqualTo(400);
        assertThat(send(request("users").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build()).status).isEqualTo(415);
        assertThat(send(request("users").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{not json")).build()).status).isEqualTo(400);

        Response managed = put("users/" + janeId + "/manager", "{\"manager_id\":" + bossId + "}");
        assertThat(managed.body.get("manager_url").asText()).isEqualTo(server.apiBaseUrl() + "users/" + bossId);
        assertThat(put("users/" + janeId + "/manager", "{\"manager_id\":999}").status).isEqualTo(404);
        assertThat(put("users/" + janeId + "/manager", "{\"manager_id\":" + janeId + "}").status).isEqualTo(400);

        Response updated = put("users/" + janeId, "{\"surname\":\"Doe\",\"phone\":null}");
        assertThat(updated.body.get("surname").asText()).isEqualTo("Doe");
        assertThat(updated.body.get("job_title").asText()).isEqualTo("Engineer");

        assertThat(delete("users/" + bossId)).isEqualTo(204);
        assertThat(get("users/" + janeId).body.get("manager_url").isNull()).isTrue();
        assertThat(get("users/" + bossId).status).isEqualTo(404);
        assertThat(delete("users/" + bossId)).isEqualTo(404);
        assertThat(server.findUserByUsername("jdoe")).get().extracting(SandboxUser::office).isEqualTo("London");
    }

    @Test
    void groupsAndRolesWithWholeListMembership() throws Exception {
        long a = server.addUser("a", "A", "A", "a@example.org").id();
        long b = server.addUser("b", "B", "B", "b@example.org").id();
        Response group = post("groups", "{\"name\":\"Engineering\"}");
        assertThat(group.status).isEqualTo(201);
        long groupId = group.body.get("id").asLong();
        assertThat(post("groups", "{\"name\":\"engineering\"}").status).isEqualTo(409);
        long roleId = post("roles", "{\"name\":\"Admin\"}").body.get("id").asLong();

        assertThat(put("groups/" + groupId + "/users", "{\"data\":[{\"id\":" + a + "},{\"id\":" + b + "}]}").status)
                .isEqualTo(204);
        assertThat(put("groups/" + groupId + "/users", "{\"data\":[{\"id\":12345}]}").status).isEqualTo(400);
        assertThat(get("groups/" + groupId + "/users").body.get("data")).hasSize(2);
        put("groups/" + groupId + "/users", "{\"data\":[{\"id\":" + b + "}]}");
        assertThat(get("groups/" + groupId + "/users").body.get("data"))
                .extracting(n -> n.get("username").asText()).containsExactly("b");
        put("roles/" + roleId + "/users", "{\"data\":[{\"id\":" + b + "}]}");

        assertThat(get("users/" + b + "/groups").body.get("data")).extracting(n -> n.get("name").asText())
                .containsExactly("Engineering");
        assertThat(get("users/" + b + "/roles").body.get("data")).extracting(n -> n.get("name").asText())
                .containsExactly("Admin");
        assertThat(put("groups/" + groupId, "{\"name\":\"Eng\"}").body.get("name").asText()).isEqualTo("Eng");
        assertThat(get("groups").body.at("/pagination/total").asInt()).isEqualTo(1);
        assertThat(delete("groups/" + groupId)).isEqualTo(204);
        assertThat(get("groups/" + groupId).status).isEqualTo(404);
    }

    @Test
    void rateLimitWindowAnswers429ToEveryRequestUntilItEndsAndTimesEachRequest() throws Exception {
        server.faults().rateLimitFor(400, 1);
        long before = System.nanoTime();
        Response limited = get("users");
        assertThat(limited.status).isEqualTo(429);
        assertThat(get("users").status).isEqualTo(429);
        Thread.sleep(450);
        assertThat(get("users").status).isEqualTo(200);

        assertThat(server.timedRequests()).extracting(RequestStats.TimedRequest::status).containsExactly(429, 429, 200);
        assertThat(server.timedRequests()).allSatisfy(r -> {
            assertThat(r.endpoint()).isEqualTo("GET /users");
            assertThat(r.arrivedNanos()).isGreaterThanOrEqualTo(before);
            assertThat(r.answeredNanos()).isGreaterThanOrEqualTo(r.arrivedNanos());
        });
    }

    @Test
    void rateLimitFaultAnswers429WithRetryAfterForTheNextRequests() throws Exception {
        admin("faults", "{\"rate_limit_next\":2,\"retry_after_seconds\":7}");
        Response first = get("users");
        assertThat(first.status).isEqualTo(429);
        assertThat(first.headers.firstValue("Retry-After")).hasValue("7");
        assertThat(get("users").status).isEqualTo(429);
        assertThat(get("users").status).isEqualTo(200);
    }

    @Test
    void outageFaultsAnswer503OrDropTheConnection() throws Exception {
        server.faults().outage(Faults.Outage.STATUS_503);
        assertThat(get("users").status).isEqualTo(503);
        server.faults().outage(Faults.Outage.CLOSE_CONNECTION);
        assertThatThrownBy(() -> get("users")).isInstanceOf(IOException.class);
        admin("reset", null);
        assertThat(get("users").status).isEqualTo(200);
    }

    @Test
    void errorRateLatencyTruncationAndTrickle() throws Exception {
        server.addUser("jdoe", "Jane", "Doe", "jane@example.org");
        admin("faults?error_rate=1&error_status=502", null);
        assertThat(get("users").status).isEqualTo(502);
        admin("reset", null);

        server.faults().truncateNext(1);
        HttpResponse<String> truncated = http.send(request("users").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(truncated.statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> JSON.readTree(truncated.body())).isInstanceOf(IOException.class);
        assertThat(get("users").body.get("data")).hasSize(1);

        server.faults().latency(150);
        long t0 = System.nanoTime();
        get("users");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
        server.faults().latency(0).trickle(64, 20);
        t0 = System.nanoTime();
        assertThat(get("users").body.get("data")).hasSize(1);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(40));
        assertThat(admin("faults", "{\"outage\":\"sideways\"}").status).isEqualTo(400);
        assertThat(admin("faults", "{\"error_rate\":2}").status).isEqualTo(400);
    }

    @Test
    void seedGenerateAndStatsAdminEndpoints() throws Exception {
        Response seeded = admin("seed", "{\"users\":[{\"username\":\"boss\"},{\"username\":\"jdoe\",\"manager\":\"boss\","
                + "\"groups\":[\"Engineering\"],\"roles\":[\"Admin\"]}],\"groups\":[{\"name\":\"Sales\",\"members\":[\"boss\"]}]}");
        assertThat(seeded.status).isEqualTo(200);
        assertThat(seeded.body.get("users").asInt()).isEqualTo(2);
        SandboxUser jdoe = server.findUserByUsername("jdoe").orElseThrow();
        assertThat(jdoe.managerId()).isEqualTo(server.findUserByUsername("boss").orElseThrow().id());
        assertThat(server.groups()).extracting(SandboxGroup::name).containsExactly("Sales", "Engineering");
        assertThat(server.groups().get(0).members()).containsExactly(jdoe.managerId());

        Response generated = admin("generate?count=1000", null);
        assertThat(generated.body.get("created").asInt()).isEqualTo(1000);
        assertThat(server.userCount()).isEqualTo(1002);
        assertThat(admin("generate?count=0", null).status).isEqualTo(400);
        assertThat(admin("seed", "{\"users\":[{\"username\":\"boss\"}]}").status).isEqualTo(409);

        get("users");
        get("users/1");
        Response stats = send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/_sandbox/stats")).build());
        assertThat(stats.body.at("/requests/GET ~1users").asLong()).isEqualTo(1);
        assertThat(server.requestCount("GET /users/{id}")).isEqualTo(1);
        assertThat(stats.body.get("users").asInt()).isEqualTo(1002);
    }

    @Test
    void unknownPathsAndMethodsAnswerWithErrorBodies() throws Exception {
        assertThat(get("nothing").status).isEqualTo(404);
        assertThat(get("users/abc").status).isEqualTo(404);
        assertThat(send(request("users").method("PATCH", HttpRequest.BodyPublishers.noBody()).build()).status)
                .isEqualTo(405);
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private record Response(int status, JsonNode body, java.net.http.HttpHeaders headers) {
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(server.apiBaseUrl() + path)).header("Authorization", BASIC);
    }

    private Response get(String path) throws Exception {
        return send(request(path).build());
    }

    private Response post(String path, String json) throws Exception {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private Response put(String path, String json) throws Exception {
        return send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private int delete(String path) throws Exception {
        return send(request(path).DELETE().build()).status;
    }

    private Response admin(String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/_sandbox/" + path));
        if (json == null) {
            b.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        }
        return send(b.build());
    }

    private Response send(HttpRequest request) throws Exception {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode body = r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
        return new Response(r.statusCode(), body, r.headers());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
