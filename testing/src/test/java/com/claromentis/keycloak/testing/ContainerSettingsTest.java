package com.claromentis.keycloak.testing;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Given the Testcontainers launcher's settings (not started here: no Docker engine)")
class ContainerSettingsTest {

    @TempDir
    Path dir;
    private Path bundle;
    private Path home;

    @BeforeEach
    void files() throws IOException {
        bundle = Files.writeString(dir.resolve("claromentis-keycloak-0.1.0.jar"), "jar");
        home = Files.createDirectories(dir.resolve("container"));
    }

    private ContainerSettings settings(KeycloakServerOptions options) {
        return ContainerSettings.of(System.getProperty(ContainerSettings.VERSION_PROPERTY), bundle, options, home);
    }

    @Nested
    @DisplayName("when the suite's Keycloak is started in a container")
    class Image {

        @Test
        @DisplayName("then the image is the official one, tagged with the pom's keycloak.dist.version")
        void imageIsThePomsVersion() throws IOException {
            String pom = Files.readString(Path.of(System.getProperty("project.root", "..")).resolve("pom.xml"));
            Matcher version = Pattern.compile("<keycloak\\.dist\\.version>([^<]+)</keycloak\\.dist\\.version>").matcher(pom);
            assertThat(version.find()).as("the root pom declares keycloak.dist.version").isTrue();

            assertThat(settings(KeycloakServerOptions.builder().build()).image())
                    .isEqualTo("quay.io/keycloak/keycloak:" + version.group(1));
        }

        @ParameterizedTest
        @NullAndEmptySource
        @ValueSource(strings = {"${keycloak.dist.version}", "latest", "26.7.3;rm -rf /", "26.7.3 --privileged",
                "../26.7.3", "26.7.3\n"})
        @DisplayName("then a missing, unfiltered or hostile version is refused instead of pulling some other image")
        void badVersionRefused(String version) {
            assertThatThrownBy(() -> ContainerSettings.of(version, bundle, KeycloakServerOptions.builder().build(), home))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining(ContainerSettings.VERSION_PROPERTY);
        }
    }

    @Nested
    @DisplayName("when the suite has the bundle and extra provider JARs")
    class Providers {

        @Test
        @DisplayName("then each goes to the image's providers/ folder under its own name, the bundle first")
        void providersMounted() throws IOException {
            Path extra = Files.writeString(dir.resolve("claromentis-test-providers.jar"), "jar");
            ContainerSettings settings = settings(KeycloakServerOptions.builder().extraProvider(extra).build());

            assertThat(settings.providers()).containsEntry(bundle.toAbsolutePath(),
                            "/opt/keycloak/providers/claromentis-keycloak-0.1.0.jar")
                    .containsEntry(extra.toAbsolutePath(), "/opt/keycloak/providers/claromentis-test-providers.jar")
                    .hasSize(2);
        }

        @Test
        @DisplayName("then two JARs of one name are refused, as one would silently replace the other")
        void sameNameRefused() throws IOException {
            Path other = Files.createDirectories(dir.resolve("other")).resolve(bundle.getFileName());
            Files.writeString(other, "jar");

            assertThatThrownBy(() -> settings(KeycloakServerOptions.builder().extraProvider(other).build()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bundle.getFileName().toString());
        }
    }

    @Nested
    @DisplayName("when the suite has Keycloak options and environment")
    class Options {

        @Test
        @DisplayName("then the container reads the keycloak.conf the harness writes for every launcher, and keeps its data")
        void sameConfigurationFile() {
            ContainerSettings settings = settings(KeycloakServerOptions.builder().option("features", "token-exchange").build());

            assertThat(settings.configuration()).isEqualTo(home.resolve("conf/keycloak.conf"));
            assertThat(settings.data()).isEqualTo(home.resolve("data"));
        }

        @Test
        @DisplayName("then its environment is the distribution launcher's: admin account, JVM options and the suite's own")
        void sameEnvironment() {
            KeycloakServerOptions options = KeycloakServerOptions.builder().environment("JAVA_OPTS_KC_HEAP", "-Xmx768m").build();

            assertThat(settings(options).environment()).isEqualTo(KeycloakServer.environment(options))
                    .containsEntry("JAVA_OPTS_KC_HEAP", "-Xmx768m")
                    .containsEntry("KC_BOOTSTRAP_ADMIN_USERNAME", KeycloakServer.ADMIN_USERNAME)
                    .containsKey("JAVA_OPTS_APPEND");
        }

        @Test
        @DisplayName("then host files named in option values (a truststore list) are mounted at the same path")
        void hostFilesMounted() throws IOException {
            Path ca = Files.writeString(dir.resolve("directories-ca.pem"), "pem");
            Path other = Files.writeString(dir.resolve("other-ca.pem"), "pem");
            KeycloakServerOptions options = KeycloakServerOptions.builder()
                    .option("truststore-paths", ca + "," + other).build();

            assertThat(settings(options).hostFiles()).contains(ca, other);
        }

        @ParameterizedTest
        @ValueSource(strings = {"relative/ca.pem", "/no/such/file.pem", "/", "http://127.0.0.1/ca.pem", "$(cat /etc/shadow)x"})
        @DisplayName("then relative, missing, root and URL paths are not mounted")
        void nothingElseMounted(String value) {
            KeycloakServerOptions options = KeycloakServerOptions.builder().option("truststore-paths", value).build();

            assertThat(settings(options).hostFiles()).doesNotContain(Path.of("/"), Path.of("/no/such/file.pem"),
                    Path.of("/ca.pem"), Path.of("/etc/shadow"));
        }

        @Test
        @DisplayName("then a path that climbs out with .. is mounted only as the file it names")
        void traversalNormalised() throws IOException {
            Path ca = Files.writeString(dir.resolve("ca.pem"), "pem");
            String climbing = dir.resolve("sub/../ca.pem").toString();
            Files.createDirectories(dir.resolve("sub"));

            assertThat(ContainerSettings.existingPaths(climbing)).containsExactly(ca);
            assertThat(List.copyOf(ContainerSettings.existingPaths("/etc/../"))).isEmpty();
        }
    }
}
