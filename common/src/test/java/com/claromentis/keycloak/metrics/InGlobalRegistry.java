package com.claromentis.keycloak.metrics;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A registry that sees what the bundle registers in Micrometer's global registry during one test, as Keycloak's
 * Prometheus registry does; use with {@code @RegisterExtension}.
 */
public final class InGlobalRegistry implements BeforeEachCallback, AfterEachCallback {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    public SimpleMeterRegistry registry() {
        return registry;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Metrics.addRegistry(registry);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Metrics.removeRegistry(registry);
    }
}
