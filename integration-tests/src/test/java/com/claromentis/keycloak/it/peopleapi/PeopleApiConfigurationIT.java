package com.claromentis.keycloak.it.peopleapi;

import com.claromentis.keycloak.sandbox.SandboxConfig;
import com.claromentis.keycloak.sandbox.SandboxServer;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.keycloak.util.JsonSerialization;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

@RealKeycloak
@DisplayName("Given an administrator adding the Claromentis People API provider in the admin console")
class PeopleApiConfigurationIT {

    private static SandboxServer sandbox;

    @BeforeAll
    static void startSandbox() throws IOException {
        sandbox = SandboxServer.start(SandboxConfig.builder()
                .basicCredentials(PeopleApiComponent.API_USER, PeopleApiComponent.API_PASSWORD).build());
    }

    @AfterAll
    static void stopSandbox() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    /** The file vault's directory, when the suite's options (integration-tests/pom.xml) configure one. */
    private static Path vaultDir() {
        for (String pair : System.getProperty("it.keycloak.options", "").split("[;\\n]")) {
            String[] parts = pair.trim().split("=", 2);
            if (parts.length == 2 && parts[0].equals("vault-dir")) {
                return Path.of(parts[1].trim());
            }
        }
        return null;
    }

    private static String errorOf(HttpResponse<String> response) {
        try {
            JsonNode body = JsonSerialization.mapper.readTree(response.body());
            return body.path("errorMessage").asText(body.path("error_description").asText(response.body()));
        } catch (IOException e) {
            return response.body();
        }
    }

    @Nested
    @DisplayName("when the settings are wrong")
    class Refused {

        @Test
        @DisplayName("then plain http to a non-loopback host is refused and the message names https")
        void plainHttp(TestRealm realm) {
            HttpResponse<String> response = PeopleApiComponent.against(sandbox).with("baseUrl", "http://example.org").tryAdd(realm);

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(errorOf(response)).contains("must use https");
        }

        @Test
        @DisplayName("then a 100 KB value is refused with the field's name, and no provider is stored")
        void hugeValue(TestRealm realm) {
            HttpResponse<String> response = PeopleApiComponent.against(sandbox).with("scope", "x".repeat(100_000)).tryAdd(realm);

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(errorOf(response)).contains("Scope").contains("4096").doesNotContain("xxxxxxxxxx");
            assertThat(realm.admin().get(realm.adminPath() + "/components?type=org.keycloak.storage.UserStorageProvider").toString())
                    .doesNotContain("xxxxxxxxxx");
        }

        @Test
        @DisplayName("then a missing password is refused as required")
        void missingPassword(TestRealm realm) {
            HttpResponse<String> response = PeopleApiComponent.against(sandbox).with("apiPassword", "").tryAdd(realm);

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(errorOf(response)).isEqualTo("API password is required");
        }

        @Test
        @DisplayName("then a URL with braces and apostrophes is refused with a readable message, not a server error")
        void formatCharacters(TestRealm realm) {
            HttpResponse<String> response = PeopleApiComponent.against(sandbox).with("baseUrl", "https://exa{0}mple.org/it's")
                    .tryAdd(realm);

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(errorOf(response)).isEqualTo("Claromentis URL is not a valid URL: https://exa(0)mple.org/it\u2019s");
        }

        @Test
        @DisplayName("then an unreachable server is reported as not usable")
        void unreachable(TestRealm realm) throws IOException {
            int closedPort;
            try (ServerSocket socket = new ServerSocket(0)) {
                closedPort = socket.getLocalPort();
            }
            HttpResponse<String> response = PeopleApiComponent.against(sandbox)
                    .with("baseUrl", "http://127.0.0.1:" + closedPort).with("maxAttempts", "1").tryAdd(realm);

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(errorOf(response)).startsWith("Claromentis People API at http://127.0.0.1:" + closedPort + " cannot be used");
        }

        @Test
        @DisplayName("then wrong credentials are reported as refused, and the password is never echoed")
        void wrongCredentials(TestRealm realm) {
            String wrong = "Wr0ng-Pa55word-Xyz";
            HttpResponse<String> response = PeopleApiComponent.against(sandbox).with("apiPassword", wrong).tryAdd(realm);

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(errorOf(response)).contains("cannot be used").containsIgnoringCase("401");
            assertThat(response.body()).doesNotContain(wrong).doesNotContain(PeopleApiComponent.API_PASSWORD);
        }

        @Test
        @DisplayName("then a vault reference that does not resolve is reported without its value")
        void unresolvedVault(TestRealm realm) {
            HttpResponse<String> response = PeopleApiComponent.against(sandbox).with("apiPassword", "${vault.no_such_key}")
                    .tryAdd(realm);

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(errorOf(response)).contains("cannot be used");
        }
    }

    @Nested
    @DisplayName("when the settings are right")
    class Accepted {

        @Test
        @DisplayName("then the provider is saved, its secret is masked, and Keycloak's cache follows the freshness")
        void saved(TestRealm realm) {
            String id = PeopleApiComponent.against(sandbox).named("accepted").with("freshnessSeconds", "120").add(realm);

            JsonNode component = realm.admin().get(realm.adminPath() + "/components/" + id);

            assertThat(component.path("config").path("apiPassword").get(0).asText()).isNotEqualTo(PeopleApiComponent.API_PASSWORD);
            assertThat(component.path("config").path("cachePolicy").get(0).asText()).isEqualTo("MAX_LIFESPAN");
            assertThat(component.path("config").path("maxLifespan").get(0).asText()).isEqualTo("120000");
        }

        @Test
        @DisplayName("then the password may be a vault reference")
        void vaultPassword(TestRealm realm) throws IOException {
            Path vault = vaultDir();
            // Never skipped: the suite's server must have the vault (integration-tests/pom.xml, it.keycloak.options).
            assertThat(vault).as("a file vault in the suite's Keycloak options (vault=file;vault-dir=...)").isNotNull();
            // Keycloak's file vault reads <realm>_<key>, each with '_' doubled.
            Files.writeString(vault.resolve(realm.name().replace("_", "__") + "_claromentis__api"), PeopleApiComponent.API_PASSWORD);

            HttpResponse<String> response = PeopleApiComponent.against(sandbox).named("vaulted")
                    .with("apiPassword", "${vault.claromentis_api}").tryAdd(realm);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        }
    }
}
