package com.claromentis.keycloak.testing;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.util.JsonSerialization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * A small client for Keycloak's admin REST API, over plain HTTP with Keycloak's own representation classes.
 *
 * <p>Written against {@code java.net.http} rather than keycloak-admin-client, whose RESTEasy stack lags the server
 * version and would pull a second JAX-RS implementation onto the test classpath.
 */
public final class KeycloakAdminClient {

    private static final ObjectMapper JSON = JsonSerialization.mapper;

    private final String baseUrl;
    private final String username;
    private final String password;
    private final HttpClient http;
    private String accessToken;
    private Instant accessTokenExpiry = Instant.MIN;

    public KeycloakAdminClient(String baseUrl, String username, String password) {
        this.baseUrl = baseUrl;
        this.username = username;
        this.password = password;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    public void createRealm(RealmRepresentation realm) {
        post("/admin/realms", realm);
    }

    public void deleteRealm(String realm) {
        send("DELETE", "/admin/realms/" + realm, null, 204, 404);
    }

    public JsonNode serverInfo() {
        return get("/admin/serverinfo");
    }

    public JsonNode get(String path) {
        return read(send("GET", path, null, 200), JsonNode.class);
    }

    public <T> T get(String path, Class<T> type) {
        return read(send("GET", path, null, 200), type);
    }

    public <T> T get(String path, TypeReference<T> type) {
        try {
            return JSON.readValue(send("GET", path, null, 200).body(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("Unreadable answer from GET " + path, e);
        }
    }

    /** POSTs a representation and returns the id from the {@code Location} header, or null when there is none. */
    public String post(String path, Object body) {
        HttpResponse<String> response = send("POST", path, body, 201, 204, 200);
        return response.headers().firstValue("Location")
                .map(location -> location.substring(location.lastIndexOf('/') + 1))
                .orElse(null);
    }

    public void put(String path, Object body) {
        send("PUT", path, body, 204, 200);
    }

    public void delete(String path) {
        send("DELETE", path, null, 204);
    }

    /** Sends a request and returns the answer whatever its status, for tests that assert on refusals. */
    public HttpResponse<String> exchange(String method, String path, Object body) {
        return send(method, path, body);
    }

    /** Sends a request that must succeed and returns its JSON answer. */
    public JsonNode exchangeJson(String method, String path) {
        HttpResponse<String> response = send(method, path, null, 200, 201, 204);
        try {
            return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("Unreadable answer from " + method + " " + path, e);
        }
    }

    public String baseUrl() {
        return baseUrl;
    }

    private HttpResponse<String> send(String method, String path, Object body, int... expected) {
        HttpResponse<String> response = send(method, path, body);
        for (int status : expected) {
            if (response.statusCode() == status) {
                return response;
            }
        }
        throw new AdminApiException(method, path, response.statusCode(), response.body());
    }

    private HttpResponse<String> send(String method, String path, Object body) {
        try {
            HttpRequest.BodyPublisher publisher = body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : JSON.writeValueAsString(body));
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .timeout(Duration.ofSeconds(120))
                    .header("Authorization", "Bearer " + token())
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .method(method, publisher)
                    .build();
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during " + method + " " + path, e);
        }
    }

    private synchronized String token() throws IOException, InterruptedException {
        if (accessToken != null && Instant.now().isBefore(accessTokenExpiry)) {
            return accessToken;
        }
        String form = "grant_type=password&client_id=admin-cli"
                + "&username=" + URLEncoder.encode(username, StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/realms/master/protocol/openid-connect/token"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AdminApiException("POST", "/realms/master/protocol/openid-connect/token", response.statusCode(), response.body());
        }
        JsonNode json = JSON.readTree(response.body());
        accessToken = json.path("access_token").asText();
        // Renew well before expiry: the master realm's default access token lives only 60 s.
        accessTokenExpiry = Instant.now().plusSeconds(Math.max(5, json.path("expires_in").asLong(60) - 20));
        return accessToken;
    }

    private static <T> T read(HttpResponse<String> response, Class<T> type) {
        try {
            return JSON.readValue(response.body(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("Unreadable answer from " + response.uri(), e);
        }
    }

    /** A refusal from the admin API, with the status and body an administrator would see. */
    public static final class AdminApiException extends RuntimeException {
        private final int status;
        private final String body;

        AdminApiException(String method, String path, int status, String body) {
            super(method + " " + path + " answered " + status + ": " + abbreviate(body));
            this.status = status;
            this.body = body;
        }

        public int status() {
            return status;
        }

        public String body() {
            return body;
        }

        private static String abbreviate(String body) {
            return body == null ? "" : body.length() > 500 ? body.substring(0, 500) + "..." : body;
        }
    }
}
