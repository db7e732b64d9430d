package com.claromentis.keycloak.it.foundation;

import com.claromentis.keycloak.testing.KeycloakServer;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.representations.idm.RealmRepresentation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

@RealKeycloak
@DisplayName("Given a stock Keycloak with only the bundle JAR copied into providers/ and kc.sh build run")
class ServerInfoIT {

    @Nested
    @DisplayName("when the administrator asks the server which Keycloak it is")
    class Version {

        @Test
        @DisplayName("then it is the distribution this test pass was set up to prove")
        void runsTheExpectedDistribution(KeycloakServer server) {
            // Each failsafe execution runs on a different distribution (integration-tests/pom.xml); without this a
            // pass could silently run on the wrong zip and prove nothing about the version it is named after.
            String expected = System.getProperty("keycloak.dist.version");
            assertThat(expected).as("system property keycloak.dist.version, set by integration-tests/pom.xml")
                    .isNotBlank().doesNotContain("${");

            assertThat(server.admin().serverInfo().path("systemInfo").path("version").asText())
                    .as("systemInfo.version of /admin/serverinfo").isEqualTo(expected);
            assertThat(server.version()).as("version.txt of the unpacked distribution").isEqualTo(expected);
        }
    }

    @Nested
    @DisplayName("when the administrator looks at the installed providers")
    class Providers {

        @Test
        @DisplayName("then providers/ holds the one bundle JAR, beside only the suite's test-only providers")
        void oneJar(KeycloakServer server) throws IOException {
            List<String> testOnly = java.util.Arrays.stream(System.getProperty("it.keycloak.extra.providers", "")
                            .split(java.io.File.pathSeparator))
                    .filter(p -> !p.isBlank()).map(p -> Path.of(p).getFileName().toString()).toList();
            try (Stream<Path> files = Files.list(server.home().resolve("providers"))) {
                List<String> installed = files.map(p -> p.getFileName().toString()).toList();
                assertThat(installed).contains(BundleJar.path().getFileName().toString());
                assertThat(installed).hasSize(1 + testOnly.size()).containsAll(testOnly);
                assertThat(testOnly).allMatch(name -> name.startsWith("claromentis-test-providers-"));
            }
        }

        @Test
        @DisplayName("then every provider factory the bundle registers is listed by the server")
        void everyFactoryIsListed(KeycloakServer server) throws ReflectiveOperationException {
            JsonNode providers = server.admin().serverInfo().path("providers");
            Set<String> listed = new HashSet<>();
            providers.fields().forEachRemaining(spi -> spi.getValue().path("providers").fieldNames().forEachRemaining(listed::add));

            List<String> registered = new ArrayList<>();
            for (Map.Entry<String, List<String>> service : BundleJar.services().entrySet()) {
                for (String factoryClass : service.getValue()) {
                    Object factory = Class.forName(factoryClass).getDeclaredConstructor().newInstance();
                    if (factory instanceof ProviderFactory<?> providerFactory) {
                        registered.add(providerFactory.getId());
                    }
                }
            }

            assertThat(registered).as("provider ids the bundle registers").isNotEmpty();
            assertThat(listed).containsAll(registered);
        }

        @Test
        @DisplayName("then the claromentis login theme is listed")
        void themeIsListed(KeycloakServer server) {
            List<String> loginThemes = new ArrayList<>();
            server.admin().serverInfo().path("themes").path("login").forEach(t -> loginThemes.add(t.path("name").asText()));

            assertThat(loginThemes).contains("claromentis");
        }
    }

    @Nested
    @DisplayName("when a realm selects the claromentis login theme")
    class Theme {

        @Test
        @DisplayName("then its login page is branded for Claromentis")
        void loginPageIsBranded(TestRealm realm) {
            RealmRepresentation representation = realm.representation();
            representation.setLoginTheme("claromentis");
            realm.update(representation);

            String page = realm.loginClient().get(realm.realmUrl()
                    + "/protocol/openid-connect/auth?client_id=test-app&response_type=code&scope=openid&redirect_uri="
                    + java.net.URLEncoder.encode(TestRealm.TEST_REDIRECT_URI, java.nio.charset.StandardCharsets.UTF_8)).body();

            assertThat(page).contains("claromentis.css").contains("Sign in to Claromentis");
        }
    }
}
