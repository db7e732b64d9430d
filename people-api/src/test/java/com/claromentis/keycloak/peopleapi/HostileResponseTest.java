package com.claromentis.keycloak.peopleapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.claromentis.keycloak.peopleapi.error.MalformedResponseException;
import com.claromentis.keycloak.peopleapi.error.NotFoundException;
import com.claromentis.keycloak.peopleapi.error.PeopleApiException;
import com.claromentis.keycloak.peopleapi.error.UnavailableException;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;

/** Responses a broken proxy, a half-deployed server or an attacker could send: never a crash, always a clear error. */
class HostileResponseTest extends MockServerSupport {

    private PeopleApiClient client() {
        return client(RetryPolicy.none());
    }

    @Test
    void htmlErrorPageFromAProxy() {
        String html = "<html><head><title>502 Bad Gateway</title></head><body>" + "x".repeat(5000) + "</body></html>";
        server.enqueue(new MockResponse.Builder().code(502).setHeader("Content-Type", "text/html").body(html).build());
        assertThatThrownBy(() -> client().listUsers(UserQuery.all()))
                .isInstanceOf(UnavailableException.class)
                .hasMessageContaining("HTTP 502")
                .hasMessageContaining("not a People API error (text/html")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Bad Gateway").doesNotContain("<html>")
                        .hasSizeLessThan(400));
    }

    @Test
    void jsonErrorNotInThePeopleApiShapeIsNotQuoted() {
        // What another server behind the administrator's URL would answer: never read back into a message.
        server.enqueue(json(403, "{\"error\": \"secret page content of an internal host\", \"detail\": \"x\"}"));
        assertThatThrownBy(() -> client().listUsers(UserQuery.all()))
                .isInstanceOf(PeopleApiException.class)
                .hasMessageContaining("HTTP 403")
                .hasMessageContaining("not a People API error (application/json")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret page content"));
    }

    @Test
    void peopleApiErrorIsQuoted() {
        server.enqueue(json(403, "{\"code\": 403, \"error\": \"You are not authorized to carry out that request\"}"));
        assertThatThrownBy(() -> client().listUsers(UserQuery.all()))
                .isInstanceOf(PeopleApiException.class)
                .hasMessageContaining("You are not authorized to carry out that request");
    }

    @Test
    void nonJsonSuccessIsNotQuoted() {
        server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "text/plain")
                .body("root:x:0:0:root:/root:/bin/bash").build());
        assertThatThrownBy(() -> client().listUsers(UserQuery.all()))
                .isInstanceOf(MalformedResponseException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("root:x"));
    }

    @Test
    void repeatingNextLinkStopsTheWalk() {
        for (int i = 0; i < 3; i++) {
            server.enqueue(json(200, "{\"data\":[{\"id\":" + (i + 1) + ",\"username\":\"u" + i + "\"}],"
                    + "\"pagination\":{\"offset\":" + i + ",\"limit\":1,\"next\":\"https://x/users?offset=1\"}}"));
        }
        assertThatThrownBy(() -> client().streamUsers(UserQuery.all().withLimit(1)).toList())
                .isInstanceOf(MalformedResponseException.class)
                .hasMessageContaining("next page link repeats");
    }

    @Test
    void idOnlyAndFullMembersAreBothRead() {
        server.enqueue(json(200, "{\"data\":[{\"id\":42},{\"id\":7,\"username\":\"jdoe\"}]}"));
        assertThat(client().groups().memberIds(3)).containsExactly(42L, 7L);
    }

    @Test
    void htmlWithStatus200() {
        server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "text/html; charset=utf-8")
                .body("<html>Login</html>").build());
        assertThatThrownBy(() -> client().listUsers(UserQuery.all()))
                .isInstanceOf(MalformedResponseException.class)
                .hasMessageContaining("expected JSON but the server sent text/html");
    }

    @Test
    void truncatedJson() {
        server.enqueue(json(200, "{\"data\":[{\"id\":1,\"username\":\"jd"));
        assertThatThrownBy(() -> client().listUsers(UserQuery.all()))
                .isInstanceOf(MalformedResponseException.class)
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void dataIsNotAnArray() {
        server.enqueue(json(200, "{\"data\": \"x\"}"));
        assertThatThrownBy(() -> client().listUsers(UserQuery.all()))
                .isInstanceOf(MalformedResponseException.class)
                .hasMessageContaining("data must be an array but was the string \"x\"");
    }

    @Test
    void idIsNotANumber() {
        server.enqueue(json(200, list("{\"id\":\"abc\",\"username\":\"jdoe\"}")));
        assertThatThrownBy(() -> client().listUsers(UserQuery.all()))
                .isInstanceOf(MalformedResponseException.class)
                .hasMessageContaining("at data[0]")
                .hasMessageContaining("id must be a positive integer but was the string \"abc\"");
    }

    @Test
    void idIsAnObject() {
        server.enqueue(json(200, "{\"id\":{\"value\":1},\"username\":\"jdoe\"}"));
        assertThatThrownBy(() -> client().getUser(1))
                .isInstanceOf(MalformedResponseException.class)
                .hasMessageContaining("GET /api/people/v2/users/1")
                .hasMessageContaining("id must be a positive integer but was an object");
    }

    @Test
    void missingUsername() {
        server.enqueue(json(200, "{\"id\":1,\"email\":\"a@example.org\"}"));
        assertThatThrownBy(() -> client().getUser(1))
                .isInstanceOf(MalformedResponseException.class)
                .hasMessageContaining("username is missing or empty");
    }

    @Test
    void activeIsNotABoolean() {
        server.enqueue(json(200, "{\"id\":1,\"username\":\"jdoe\",\"active\":\"yes\"}"));
        assertThatThrownBy(() -> client().getUser(1))
                .isInstanceOf(MalformedResponseException.class)
                .hasMessageContaining("active must be true or false but was the string \"yes\"");
    }

    @Test
    void managerUrlThatIsNotAUserUrl() {
        server.enqueue(json(200, "{\"id\":1,\"username\":\"jdoe\",\"manager_url\":\"https://evil.example/\"}"));
        assertThatThrownBy(() -> client().getUser(1))
                .isInstanceOf(MalformedResponseException.class)
                .hasMessageContaining("manager_url is not a .../users/{id} URL");
    }

    @Test
    void unknownFieldsAreIgnoredAndLenientScalarsAccepted() {
        server.enqueue(json(200, "{\"id\":\"42\",\"username\":\"jdoe\",\"active\":1,\"phone\":4420,"
                + "\"manager_url\":\"http://x/api/people/v2/users/7/\",\"shoe_size\":{\"eu\":44},\"tags\":[1,2]}"));
        ClaromentisUser u = client().getUser(42).orElseThrow();
        assertThat(u.id()).isEqualTo(42);
        assertThat(u.active()).isTrue();
        assertThat(u.phone()).isEqualTo("4420");
        assertThat(u.managerId()).isEqualTo(7);
    }

    @Test
    void hugeBodyIsRefusedNotBuffered() {
        String big = "{\"data\":[" + ("{\"id\":1,\"username\":\"" + "u".repeat(1000) + "\"},").repeat(200) + "]}";
        server.enqueue(json(200, big));
        PeopleApiClient small = PeopleApiClient.create(config(RetryPolicy.none()).maxResponseBytes(64 * 1024).build());
        assertThatThrownBy(() -> small.listUsers(UserQuery.all()))
                .isInstanceOf(MalformedResponseException.class)
                .hasMessageContaining("exceeds the limit of 65536 bytes");
    }

    @Test
    void emptyBodyWith200() {
        server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json").build());
        assertThatThrownBy(() -> client().getUser(1))
                .isInstanceOf(MalformedResponseException.class)
                .hasMessageContaining("empty body");
    }

    @Test
    void arrayWhereAnObjectBelongs() {
        server.enqueue(json(200, "[1,2,3]"));
        assertThatThrownBy(() -> client().listUsers(UserQuery.all()))
                .isInstanceOf(MalformedResponseException.class)
                .hasMessageContaining("expected a list object but got an array");
    }

    @Test
    void errorBodyTextIsKeptAndNotFoundIsEmpty() {
        server.enqueue(json(404, "{\"code\":404,\"error\":\"User not found\"}"));
        assertThat(client().getUser(9)).isEmpty();
        server.enqueue(json(404, "{\"code\":404,\"error\":\"Group not found\"}"));
        assertThatThrownBy(() -> client().groups().members(9))
                .isInstanceOf(NotFoundException.class)
                .satisfies(e -> assertThat(((NotFoundException) e).apiError()).hasValue("Group not found"));
    }

    @Test
    void redirectsAreNotFollowed() {
        server.enqueue(new MockResponse.Builder().code(302).setHeader("Location", "https://elsewhere.example/")
                .build());
        assertThatThrownBy(() -> client().listUsers(UserQuery.all()))
                .isInstanceOf(PeopleApiException.class)
                .satisfies(e -> assertThat(((PeopleApiException) e).status()).isEqualTo(302));
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void serverIgnoringOffsetCannotLoopTheIterator() {
        String page = "{\"data\":[" + user(1, "a") + "],\"pagination\":{\"offset\":0,\"limit\":1,\"total\":5,"
                + "\"prev\":null,\"next\":\"http://x/next\"}}";
        server.enqueue(json(200, page));
        server.enqueue(json(200, page));
        assertThatThrownBy(() -> client().listAllUsers(UserQuery.all().withLimit(1)))
                .isInstanceOf(MalformedResponseException.class)
                .hasMessageContaining("asked for offset 1 but got offset 0");
    }

    @Test
    void wrongTypesInPagination() {
        server.enqueue(json(200, "{\"data\":[],\"pagination\":{\"total\":\"many\",\"next\":5}}"));
        assertThatThrownBy(() -> client().listUsers(UserQuery.all()))
                .isInstanceOf(MalformedResponseException.class)
                .hasMessageContaining("at pagination");
    }
}
