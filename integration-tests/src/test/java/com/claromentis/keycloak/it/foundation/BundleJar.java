package com.claromentis.keycloak.it.foundation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;

/** Reads the built bundle JAR as Keycloak would see it. */
final class BundleJar {

    private BundleJar() {
    }

    static Path path() {
        return Path.of(System.getProperty("bundle.jar"));
    }

    static List<String> entries() {
        try (JarFile jar = new JarFile(path().toFile())) {
            return Collections.list(jar.entries()).stream().map(e -> e.getName()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Service interface name to the factory class names listed for it under META-INF/services. */
    static Map<String, List<String>> services() {
        Map<String, List<String>> services = new LinkedHashMap<>();
        try (JarFile jar = new JarFile(path().toFile())) {
            for (var entry : Collections.list(jar.entries())) {
                if (entry.isDirectory() || !entry.getName().startsWith("META-INF/services/")) {
                    continue;
                }
                String text = new String(jar.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
                List<String> classes = new ArrayList<>();
                for (String line : text.split("\n")) {
                    String trimmed = line.replaceAll("#.*", "").trim();
                    if (!trimmed.isEmpty()) {
                        classes.add(trimmed);
                    }
                }
                services.put(entry.getName().substring("META-INF/services/".length()), classes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return services;
    }
}
