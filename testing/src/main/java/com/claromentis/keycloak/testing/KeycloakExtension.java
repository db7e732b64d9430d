package com.claromentis.keycloak.testing;

import com.claromentis.keycloak.testing.directory.DirectoryExtension;
import com.claromentis.keycloak.testing.directory.DirectoryTls;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;

/**
 * Starts one real Keycloak for the whole test run and gives each {@link RealKeycloak} class its own realm.
 *
 * <p>The server lives in the root context's store, so JUnit closes it after the last class; realms live in their
 * class's store and are removed when the class finishes. Nested classes share their enclosing class's realm.
 */
public final class KeycloakExtension implements BeforeAllCallback, ParameterResolver {

    public static final String DIST_ZIP_PROPERTY = "keycloak.dist.zip";
    public static final String BUNDLE_JAR_PROPERTY = "bundle.jar";
    public static final String WORK_DIR_PROPERTY = "keycloak.work.dir";
    /** Extra provider JARs (path-separator separated) installed beside the bundle, e.g. test-only providers. */
    public static final String EXTRA_PROVIDERS_PROPERTY = "it.keycloak.extra.providers";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KeycloakExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        if (context.getStore(NAMESPACE).get(TestRealm.class, TestRealm.class) != null) {
            return;
        }
        KeycloakServer server = server(context);
        Class<?> testClass = context.getRequiredTestClass();
        RealKeycloak annotation = testClass.getAnnotation(RealKeycloak.class);
        String prefix = annotation == null || annotation.realm().isBlank() ? testClass.getSimpleName() : annotation.realm();
        String name = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-") + "-"
                + UUID.randomUUID().toString().substring(0, 6);
        context.getStore(NAMESPACE).put(TestRealm.class, TestRealm.create(server, name));
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
        Class<?> type = parameter.getParameter().getType();
        return type == TestRealm.class || type == KeycloakServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (type == KeycloakServer.class) {
            return server(context);
        }
        return realm(context);
    }

    /** The realm of the {@link RealKeycloak} class running in {@code context}, for other extensions to set up. */
    public static TestRealm realm(ExtensionContext context) {
        TestRealm realm = context.getStore(NAMESPACE).get(TestRealm.class, TestRealm.class);
        if (realm == null) {
            throw new ParameterResolutionException("No realm yet: annotate the class with @RealKeycloak");
        }
        return realm;
    }

    /** The suite's shared server, started on first use. */
    public static KeycloakServer server(ExtensionContext context) {
        return context.getRoot().getStore(SuiteStore.KEYCLOAK)
                .getOrComputeIfAbsent(KeycloakServer.class, key -> startServer(), KeycloakServer.class);
    }

    private static KeycloakServer startServer() {
        // The directory fixtures' LDAPS certificates come from the run's own CA: trusted from the first start, so
        // no class order can make Keycloak restart for it.
        DirectoryExtension.trustInSuiteOptions(DirectoryTls.shared().caCertificate());
        // Likewise the test domain's Kerberos configuration, which a JVM reads once, at its first use.
        DirectoryExtension.kerberosForTheRun();
        KeycloakServerOptions.Builder options = KeycloakServerOptions.builder().suiteOptions();
        String extra = System.getProperty(EXTRA_PROVIDERS_PROPERTY, "");
        Arrays.stream(extra.split(java.io.File.pathSeparator))
                .filter(p -> !p.isBlank())
                .map(Path::of)
                .forEach(options::extraProvider);
        Path workDir = Path.of(System.getProperty(WORK_DIR_PROPERTY, "target/keycloak"));
        if (Launcher.forThisRun() == Launcher.TESTCONTAINERS) {
            // Only here are Testcontainers' classes loaded: the distribution path never needs them, nor Docker.
            return ContainerRuntime.startServer(System.getProperty(ContainerSettings.VERSION_PROPERTY),
                    requiredPath(BUNDLE_JAR_PROPERTY), workDir, 0, options.build());
        }
        return KeycloakServer.start(requiredPath(DIST_ZIP_PROPERTY), requiredPath(BUNDLE_JAR_PROPERTY), workDir, 0,
                options.build());
    }

    private static Path requiredPath(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank() || value.contains("${")) {
            throw new IllegalStateException("System property " + property
                    + " is not set: run the integration tests through Maven (`mvn verify`), which sets it");
        }
        return Path.of(value);
    }
}
