package com.claromentis.keycloak.peopleapi;

import static org.assertj.core.api.Assertions.assertThat;

import okhttp3.HttpUrl;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The operation label of a People API request")
class OperationTemplateTest {

    private static final HttpUrl BASE = HttpUrl.get("https://intranet.example.org/site/api/people/v2/");

    private static String of(String method, String url) {
        return OperationTemplate.of(method, BASE, HttpUrl.get(url));
    }

    @Nested
    @DisplayName("given a request on the People API's contract")
    class OnContract {

        @ParameterizedTest(name = "{0} {1} is {2}")
        @CsvSource({
                "GET, users?offset=0&limit=200&username=jdoe, GET /users",
                "POST, users, POST /users",
                "GET, users/42, GET /users/{id}",
                "PUT, users/9223372036854775807, PUT /users/{id}",
                "DELETE, users/7, DELETE /users/{id}",
                "PUT, users/7/manager, PUT /users/{id}/manager",
                "GET, users/7/groups?offset=200&limit=200, GET /users/{id}/groups",
                "GET, users/7/roles, GET /users/{id}/roles",
                "GET, groups?search=Engineering, GET /groups",
                "GET, groups/3/users, GET /groups/{id}/users",
                "PUT, roles/3/users, PUT /roles/{id}/users"})
        @DisplayName("then ids become {id} and the query is left out")
        void templated(String method, String path, String label) {
            assertThat(of(method, BASE + path)).isEqualTo(label);
        }
    }

    @Nested
    @DisplayName("given a request whose path could carry a name or any other unbounded value")
    class Hostile {

        @ParameterizedTest(name = "path \"{0}\"")
        @ValueSource(strings = {
                "users/jdoe", "users/j%2Fdoe", "users/42/secrets", "users/42/manager/7", "users/%2E%2E/admin",
                "users/-1", "users/1e3", "users/123456789012345678901234567890", "users/%C2%B2", "groups/Engineering/users",
                "people", "", "users/42/groups/x", "USERS"})
        @DisplayName("then it is labelled other")
        void other(String path) {
            assertThat(of("GET", BASE + path)).isEqualTo(OperationTemplate.OTHER);
        }

        @Test
        @DisplayName("then a path outside the API base is other, even when it ends like one on the contract")
        void outsideBase() {
            assertThat(of("GET", "https://intranet.example.org/other/api/people/v2/users")).isEqualTo("other");
            assertThat(of("GET", "https://intranet.example.org/users")).isEqualTo("other");
            assertThat(of("GET", "https://evil.example.net/site/api/people/v2/users")).isEqualTo("other");
            assertThat(of("GET", "http://intranet.example.org/site/api/people/v2/users")).isEqualTo("other");
            assertThat(of("GET", "https://intranet.example.org:8443/site/api/people/v2/users")).isEqualTo("other");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"PATCH", "HEAD", "get", "GET /users", "OPTIONS"})
        @DisplayName("then a method other than GET, POST, PUT or DELETE is other")
        void methods(String method) {
            assertThat(of(method, BASE + "users")).isEqualTo("other");
        }
    }
}
