package com.claromentis.keycloak.it.docker;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** No Docker engine runs here, so the image files are checked as text against the build (compose.yaml: ComposeFileTest). */
@DisplayName("docker/ files")
class DockerfileVersionTest {

    private static final Path ROOT = Path.of(System.getProperty("project.root", ".."));

    @Test
    @DisplayName("build on the Keycloak distribution the integration tests run on")
    void dockerfileVersionMatchesPom() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("docker/Dockerfile"));
        Matcher version = Pattern.compile("ARG KEYCLOAK_VERSION=(\\S+)").matcher(dockerfile);

        assertThat(version.find()).as("docker/Dockerfile declares ARG KEYCLOAK_VERSION=...").isTrue();
        assertThat(version.group(1)).isEqualTo(System.getProperty("keycloak.dist.version"));
        assertThat(dockerfile).contains("FROM quay.io/keycloak/keycloak:${KEYCLOAK_VERSION}").containsPattern("kc\\.sh\"?,?\\s*\"?build");
    }
}
