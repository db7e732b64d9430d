package com.claromentis.keycloak.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Server options written to {@code conf/keycloak.conf} of the unpacked distribution.
 *
 * <p>Keycloak reads build-time options there during {@code kc.sh build} and runtime options during
 * {@code kc.sh start --optimized}, so one list serves both commands and a suite never has to know
 * which option belongs to which phase.
 */
public final class KeycloakServerOptions {

    /** System property holding extra suite-wide options: {@code key=value} pairs separated by semicolons or new lines. */
    public static final String SUITE_OPTIONS_PROPERTY = "it.keycloak.options";
    /** Classpath resource a test suite may ship with extra {@code key=value} options, one a line. */
    public static final String SUITE_OPTIONS_RESOURCE = "claromentis-it/keycloak.conf";

    private final Map<String, String> options;
    private final Map<String, String> environment;
    private final List<Path> extraProviders;

    private KeycloakServerOptions(Builder builder) {
        this.options = Map.copyOf(builder.options);
        this.environment = Map.copyOf(builder.environment);
        this.extraProviders = List.copyOf(builder.extraProviders);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Map<String, String> options() {
        return options;
    }

    public Map<String, String> environment() {
        return environment;
    }

    public List<Path> extraProviders() {
        return extraProviders;
    }

    public static final class Builder {
        private final Map<String, String> options = new LinkedHashMap<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final List<Path> extraProviders = new ArrayList<>();

        private Builder() {
        }

        /** Sets a Keycloak option by its config-file name, e.g. {@code features} or {@code spi-truststore--file--file}. */
        public Builder option(String key, String value) {
            options.put(requireKey(key), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder features(String... features) {
            return option("features", String.join(",", features));
        }

        public Builder environment(String name, String value) {
            environment.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
            return this;
        }

        /** A further provider JAR copied next to the bundle, e.g. a test-only provider. */
        public Builder extraProvider(Path jar) {
            extraProviders.add(Objects.requireNonNull(jar));
            return this;
        }

        /** Adds options from {@link #SUITE_OPTIONS_PROPERTY} and {@link #SUITE_OPTIONS_RESOURCE}; later wins. */
        public Builder suiteOptions() {
            try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(SUITE_OPTIONS_RESOURCE)) {
                if (in != null) {
                    Properties properties = new Properties();
                    properties.load(in);
                    properties.stringPropertyNames().forEach(key -> option(key, properties.getProperty(key).trim()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + SUITE_OPTIONS_RESOURCE, e);
            }
            parsePairs(System.getProperty(SUITE_OPTIONS_PROPERTY, "")).forEach(this::option);
            return this;
        }

        public KeycloakServerOptions build() {
            return new KeycloakServerOptions(this);
        }

        static Map<String, String> parsePairs(String text) {
            Map<String, String> pairs = new LinkedHashMap<>();
            for (String part : text.split("[;\\n]")) {
                String trimmed = part.trim();
                if (trimmed.isEmpty()) {
                    continue;
                }
                int eq = trimmed.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("Keycloak option '" + trimmed + "' is not of the form key=value");
                }
                pairs.put(trimmed.substring(0, eq).trim(), trimmed.substring(eq + 1).trim());
            }
            return pairs;
        }

        private static String requireKey(String key) {
            if (key == null || !key.matches("[a-z0-9][a-z0-9-]*")) {
                throw new IllegalArgumentException("Not a Keycloak option name: " + key);
            }
            return key;
        }
    }
}
