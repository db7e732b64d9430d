package com.claromentis.keycloak.testing.directory;

import com.claromentis.keycloak.testing.KeycloakServer;
import com.claromentis.keycloak.testing.KeycloakServerOptions;
import com.claromentis.keycloak.testing.SuiteStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.List;
import java.util.logging.Logger;

/**
 * Behind {@link RealDirectory}: starts each directory server once per run on first use (JUnit's root store closes
 * it after the last class; the fixture's shutdown hook covers a JVM that ends otherwise) and makes the shared
 * Keycloak trust the directories' CA.
 */
public final class DirectoryExtension implements BeforeAllCallback, ParameterResolver {

    /** Keycloak's option naming the PEM/PKCS12 files it adds to its (and the JVM's) trusted certificates. */
    static final String TRUSTSTORE_OPTION = "truststore-paths";

    private static final Logger LOG = Logger.getLogger(DirectoryExtension.class.getName());
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(DirectoryExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        trustInKeycloak(context, DirectoryTls.shared().caCertificate());
        // Samba's provisioning takes tens of seconds: when the class's @BeforeAll wants the DC, begin now, so it
        // overlaps Keycloak's start (the next extension) instead of following it.
        boolean wantsSamba = Arrays.stream(context.getRequiredTestClass().getDeclaredMethods())
                .filter(method -> method.isAnnotationPresent(BeforeAll.class))
                .flatMap(method -> Arrays.stream(method.getParameterTypes()))
                .anyMatch(type -> type == SambaAd.class);
        if (wantsSamba) {
            samba(context);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
        Class<?> type = parameter.getParameter().getType();
        return type == SambaAd.class || type == Slapd.class || type == DirectoryTls.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (type == DirectoryTls.class) {
            return DirectoryTls.shared();
        }
        ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
        if (type == SambaAd.class) {
            return samba(context).get();
        }
        return store.getOrComputeIfAbsent(Slapd.class, key -> Slapd.start(), Slapd.class);
    }

    /** The run's DC, starting in the background on first call; closed with the root store. */
    private static Started samba(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Started.class,
                key -> new Started(CompletableFuture.supplyAsync(SambaAd::start)), Started.class);
    }

    /** A server being started; closing it stops the server once it is up. */
    private record Started(CompletableFuture<SambaAd> future) implements AutoCloseable {
        SambaAd get() {
            try {
                return future.join();
            } catch (java.util.concurrent.CompletionException e) {
                if (e.getCause() instanceof RuntimeException cause) {
                    throw cause;
                }
                throw e;
            }
        }

        @Override
        public void close() {
            future.thenAccept(SambaAd::close).exceptionally(e -> null).join();
        }
    }

    /**
     * Adds {@code caFile} to the suite's Keycloak options, so a Keycloak started after this trusts it, and restarts an
     * already running Keycloak whose configuration lacks it (the option is read at start only).
     */
    static synchronized void trustInKeycloak(ExtensionContext context, Path caFile) {
        String ca = caFile.toAbsolutePath().toString();
        trustInSuiteOptions(caFile);
        KeycloakServer server = context.getRoot().getStore(SuiteStore.KEYCLOAK).get(KeycloakServer.class, KeycloakServer.class);
        if (server == null) {
            return;
        }
        Path conf = server.home().resolve("conf/keycloak.conf");
        try {
            String text = Files.readString(conf, StandardCharsets.UTF_8);
            if (text.contains(ca)) {
                return;
            }
            Files.writeString(conf, withTrusted(text, ca), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot add the directories' CA to " + conf, e);
        }
        LOG.info(() -> "Restarting Keycloak so it trusts the directory servers' CA " + ca);
        server.restart(KeycloakServerOptions.builder().build());
    }

    /**
     * Points this JVM, and every Keycloak it starts, at the test domain's krb5.conf ({@link SambaAd#kerberosConfiguration}),
     * unless the run names one of its own.
     */
    public static synchronized void kerberosForTheRun() {
        if (System.getProperty("java.security.krb5.conf") == null) {
            System.setProperty("java.security.krb5.conf", SambaAd.kerberosConfiguration().toString());
        }
    }

    /** Adds {@code caFile} to the suite's Keycloak options, for a Keycloak started after this call. */
    public static synchronized void trustInSuiteOptions(Path caFile) {
        String ca = caFile.toAbsolutePath().toString();
        String suite = System.getProperty(KeycloakServerOptions.SUITE_OPTIONS_PROPERTY, "");
        if (!suite.contains(ca)) {
            System.setProperty(KeycloakServerOptions.SUITE_OPTIONS_PROPERTY, withTrusted(suite, ca));
        }
    }

    /** {@code options} (key=value lines or ;-separated pairs) with {@code ca} added to {@value #TRUSTSTORE_OPTION}. */
    static String withTrusted(String options, String ca) {
        String separator = options.contains("\n") ? "\n" : ";";
        List<String> parts = new ArrayList<>(List.of(options.split(separator.equals("\n") ? "\n" : "[;\\n]")));
        boolean found = false;
        for (int i = 0; i < parts.size(); i++) {
            String part = parts.get(i).trim();
            if (part.startsWith(TRUSTSTORE_OPTION + "=")) {
                parts.set(i, part + "," + ca);
                found = true;
            }
        }
        if (!found) {
            parts.add(TRUSTSTORE_OPTION + "=" + ca);
        }
        parts.removeIf(String::isBlank);
        return String.join(separator, parts) + (separator.equals("\n") ? "\n" : "");
    }
}
