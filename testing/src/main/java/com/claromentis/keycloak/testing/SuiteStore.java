package com.claromentis.keycloak.testing;

import org.junit.jupiter.api.extension.ExtensionContext;

/** Where a JUnit run keeps what its extensions share, in the root store: the one Keycloak server of the run. */
public final class SuiteStore {

    /** The namespace of the run's {@link KeycloakServer}, stored under its class. */
    public static final ExtensionContext.Namespace KEYCLOAK = ExtensionContext.Namespace.create(KeycloakServer.class);

    private SuiteStore() {
    }
}
