package com.claromentis.keycloak.directory.kerberos;

import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.browser.SpnegoAuthenticatorFactory;
import org.keycloak.models.KeycloakSession;

/**
 * Keycloak's own Kerberos step ({@value SpnegoAuthenticatorFactory#PROVIDER_ID}) under its own id, so every browser
 * flow that has it, and the LDAP provider's switch that sets its requirement, get {@link RefusedTicketNotice} without
 * a flow of ours. Keycloak uses the factory with the higher {@link #order()} when two register the same id; its
 * display name, requirements and reference category stay Keycloak's.
 */
public final class KerberosSignInFactory extends SpnegoAuthenticatorFactory {

    @Override
    public Authenticator create(KeycloakSession session) {
        Authenticator spnego = super.create(session);
        // With the Kerberos feature off Keycloak answers a step that only says so: nothing to add to it.
        return spnego == SINGLETON_DISABLED ? spnego : new RefusedTicketNotice(spnego);
    }

    @Override
    public int order() {
        return 1;
    }
}
