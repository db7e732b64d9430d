package com.claromentis.keycloak.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Where a Maven build put the Keycloak distribution zip and the bundle JAR, read from the properties file a module
 * filters at build time ({@code keycloak.dist.zip}, {@code bundle.jar}, {@code keycloak.dist.version}); for programs
 * started outside Maven, such as the demo and the benchmarks.
 *
 * @param keycloakVersion the version of the distribution that runs, not the SPI version the bundle compiles against
 */
public record Artifacts(Path distributionZip, Path bundleJar, String keycloakVersion) {

    /** @param buildCommand what to run when the file is missing, for the error message */
    public static Artifacts load(Path file, String buildCommand) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing: build first with `" + buildCommand + "`");
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        return new Artifacts(Path.of(required(properties, "keycloak.dist.zip", file)),
                Path.of(required(properties, "bundle.jar", file)), properties.getProperty("keycloak.dist.version", "?"));
    }

    private static String required(Properties properties, String key, Path file) {
        String value = properties.getProperty(key);
        if (value == null || value.isBlank() || value.contains("${")) {
            throw new IllegalStateException(file + " has no " + key + ": rebuild the module that writes it");
        }
        return value;
    }
}
