package com.claromentis.keycloak.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code POST .../user-storage/{id}/sync?action=triggerFullSync} (or {@code triggerChangedUsersSync}), timed from the
 * admin's side.
 *
 * <p>Not through {@code KeycloakAdminClient}: its 120 s request timeout is right for tests but a slow sync of
 * 10,000 users is exactly what this benchmark must be able to measure rather than abort.
 */
final class FullSync {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final String adminUsername;
    private final String adminPassword;
    private final Duration timeout;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    FullSync(String baseUrl, String adminUsername, String adminPassword, Duration timeout) {
        this.baseUrl = baseUrl;
        this.adminUsername = adminUsername;
        this.adminPassword = adminPassword;
        this.timeout = timeout;
    }

    /** What one sync took and what Keycloak reported (added, updated, removed, failed). */
    record Outcome(long nanos, JsonNode result) {
        int count(String field) {
            return result.path(field).asInt();
        }
    }

    Outcome run(String realm, String componentId) {
        return sync(realm, componentId, "triggerFullSync");
    }

    /** "Sync changed users": what the provider's periodic changed-users sync runs. */
    Outcome changed(String realm, String componentId) {
        return sync(realm, componentId, "triggerChangedUsersSync");
    }

    private Outcome sync(String realm, String componentId, String action) {
        // Fetched before the clock starts: the token request is not part of the sync.
        String token = adminToken();
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/admin/realms/" + realm + "/user-storage/"
                        + componentId + "/sync?action=" + action))
                .timeout(timeout)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        long start = System.nanoTime();
        HttpResponse<String> response = send(request);
        long nanos = System.nanoTime() - start;
        if (response.statusCode() != 200) {
            throw new IllegalStateException(action + " answered " + response.statusCode() + ": " + response.body());
        }
        return new Outcome(nanos, parse(response.body()));
    }

    private String adminToken() {
        String form = "grant_type=password&client_id=admin-cli"
                + "&username=" + URLEncoder.encode(adminUsername, StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(adminPassword, StandardCharsets.UTF_8);
        HttpResponse<String> response = send(HttpRequest.newBuilder(
                        URI.create(baseUrl + "/realms/master/protocol/openid-connect/token"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("Admin token request answered " + response.statusCode());
        }
        return parse(response.body()).path("access_token").asText();
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during " + request.uri(), e);
        }
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("Unreadable JSON from Keycloak", e);
        }
    }
}
