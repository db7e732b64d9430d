package com.claromentis.keycloak.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What {@link ContainerRuntime} gives the official Keycloak image, worked out without Docker so that unit tests can
 * check it: the image of the suite's Keycloak version, the bundle and extra provider JARs in {@code providers/}, the
 * same {@code conf/keycloak.conf} and environment as the distribution launcher, the host files those options name
 * (truststores, krb5.conf) and the data folder kept on this host.
 */
record ContainerSettings(String image, Map<Path, String> providers, Path configuration, Path data,
                         Set<Path> hostFiles, Map<String, String> environment) {

    static final String IMAGE_REPOSITORY = "quay.io/keycloak/keycloak";
    static final String KEYCLOAK_HOME = "/opt/keycloak";
    /** The system property the integration tests' build sets to the pom's {@code keycloak.dist.version}. */
    static final String VERSION_PROPERTY = "keycloak.dist.version";

    private static final Pattern VERSION = Pattern.compile("[0-9]+(\\.[0-9]+){1,3}([-.][A-Za-z0-9]+)?");
    /** What separates the paths in a list option (truststore-paths) and the system properties in JAVA_OPTS_APPEND. */
    private static final Pattern SEPARATORS = Pattern.compile("[,;=\\s]+");

    ContainerSettings {
        providers = Map.copyOf(providers);
        hostFiles = Set.copyOf(hostFiles);
        environment = Map.copyOf(environment);
    }

    /**
     * @param keycloakVersion the distribution version the suite tests ({@value #VERSION_PROPERTY})
     * @param home            the host folder whose {@code conf/keycloak.conf} and {@code data/} the container uses
     */
    static ContainerSettings of(String keycloakVersion, Path bundleJar, KeycloakServerOptions options, Path home) {
        if (keycloakVersion == null || !VERSION.matcher(keycloakVersion).matches()) {
            throw new IllegalStateException("No Keycloak version for the image (system property " + VERSION_PROPERTY
                    + " is '" + keycloakVersion + "'): run the integration tests through Maven, which sets it");
        }
        Map<Path, String> providers = new LinkedHashMap<>();
        List<Path> jars = new ArrayList<>();
        jars.add(bundleJar);
        jars.addAll(options.extraProviders());
        for (Path jar : jars) {
            String target = KEYCLOAK_HOME + "/providers/" + jar.getFileName();
            if (providers.containsValue(target)) {
                throw new IllegalArgumentException("Two provider JARs named " + jar.getFileName());
            }
            providers.put(jar.toAbsolutePath(), target);
        }
        Map<String, String> environment = KeycloakServer.environment(options);
        Set<Path> hostFiles = new LinkedHashSet<>();
        options.options().values().forEach(value -> hostFiles.addAll(existingPaths(value)));
        environment.values().forEach(value -> hostFiles.addAll(existingPaths(value)));
        return new ContainerSettings(IMAGE_REPOSITORY + ":" + keycloakVersion, providers,
                home.resolve("conf/keycloak.conf"), home.resolve("data"), hostFiles, environment);
    }

    /**
     * The absolute paths an option's value consists of (one, or a list as in {@code truststore-paths}, or
     * {@code -Dkey=/path} in JAVA_OPTS_APPEND) that exist on this host; a path inside other text is not one.
     */
    static Set<Path> existingPaths(String value) {
        Set<Path> found = new LinkedHashSet<>();
        for (String token : SEPARATORS.split(value)) {
            if (!token.startsWith("/")) {
                continue;
            }
            try {
                Path path = Path.of(token).normalize();
                if (path.getNameCount() > 0 && Files.exists(path)) {
                    found.add(path);
                }
            } catch (java.nio.file.InvalidPathException e) {
                // Not a path of this host (e.g. a NUL in it): nothing to mount.
            }
        }
        return found;
    }
}
