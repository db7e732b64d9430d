package com.claromentis.keycloak.tenant;

import java.io.IOException;

/** Fetches the {@code issuer} of an OpenID discovery document; an interface so config validation stays testable offline. */
@FunctionalInterface
public interface TenantLookup {

    /**
     * @return the document's {@code issuer}, or null if it has none
     * @throws IOException if the document cannot be fetched or read
     */
    String issuerOf(String discoveryDocumentUrl) throws IOException;
}
