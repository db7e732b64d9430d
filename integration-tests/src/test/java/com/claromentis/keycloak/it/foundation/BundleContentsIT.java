package com.claromentis.keycloak.it.foundation;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Given the bundle JAR built by bundle/")
class BundleContentsIT {

    private static final String OWN_PACKAGE = "com/claromentis/keycloak/";

    @Nested
    @DisplayName("when its classes are listed")
    class Classes {

        @Test
        @DisplayName("then every class lives under the project's package, okhttp, okio and Kotlin relocated")
        void everythingIsRelocated() {
            List<String> classes = BundleJar.entries().stream().filter(n -> n.endsWith(".class")).toList();

            assertThat(classes).isNotEmpty().allMatch(n -> n.startsWith(OWN_PACKAGE), "under " + OWN_PACKAGE);
            assertThat(classes).anyMatch(n -> n.startsWith(OWN_PACKAGE + "shaded/okhttp3/OkHttpClient"));
            assertThat(classes).anyMatch(n -> n.startsWith(OWN_PACKAGE + "shaded/okio/"));
            assertThat(classes).anyMatch(n -> n.startsWith(OWN_PACKAGE + "shaded/kotlin/"));
        }

        @Test
        @DisplayName("then no class duplicates one that Keycloak already ships")
        void nothingDuplicatesKeycloak() throws IOException {
            Set<String> bundled = new HashSet<>(BundleJar.entries().stream().filter(n -> n.endsWith(".class")).toList());
            Set<String> duplicated = new HashSet<>();
            try (InputStream in = Files.newInputStream(Path.of(System.getProperty("keycloak.dist.zip")));
                 ZipInputStream dist = new ZipInputStream(in)) {
                ZipEntry entry;
                while ((entry = dist.getNextEntry()) != null) {
                    if (entry.getName().endsWith(".jar")) {
                        ZipInputStream jar = new ZipInputStream(dist);
                        ZipEntry inner;
                        while ((inner = jar.getNextEntry()) != null) {
                            if (bundled.contains(inner.getName())) {
                                duplicated.add(entry.getName() + "!" + inner.getName());
                            }
                        }
                    }
                }
            }
            assertThat(duplicated).isEmpty();
        }

        @Test
        @DisplayName("then every class named in META-INF/services is in the JAR")
        void servicesPointAtBundledClasses() {
            Set<String> entries = new HashSet<>(BundleJar.entries());
            BundleJar.services().forEach((service, classes) -> assertThat(classes)
                    .as(service)
                    .isNotEmpty()
                    .allMatch(c -> entries.contains(c.replace('.', '/') + ".class"), "bundled"));
        }
    }

    @Nested
    @DisplayName("when its resources are listed")
    class Resources {

        @Test
        @DisplayName("then the theme descriptor and theme files are there")
        void themeIsBundled() throws IOException {
            assertThat(BundleJar.entries()).contains("META-INF/keycloak-themes.json")
                    .anyMatch(n -> n.startsWith("theme/claromentis/login/theme.properties"));
            try (JarFile jar = new JarFile(BundleJar.path().toFile())) {
                String manifest = new String(jar.getInputStream(jar.getEntry("META-INF/MANIFEST.MF")).readAllBytes());
                assertThat(manifest).contains("Keycloak-Version: " + System.getProperty("keycloak.version"));
            }
        }

        @Test
        @DisplayName("then it carries no signature files or foreign module descriptors")
        void noForeignMetadata() {
            assertThat(BundleJar.entries()).noneMatch(n -> n.endsWith(".SF") || n.endsWith(".RSA")
                    || n.endsWith("module-info.class") || n.startsWith("META-INF/maven/"));
        }
    }
}
