package com.claromentis.keycloak.entra;

import org.jboss.logging.Logger;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;

/** One way to report a refused Microsoft sign-in: a WARN naming reason and provider, and the event's reason detail. */
final class EntraRefusals {

    private static final Logger log = Logger.getLogger(EntraRefusals.class);

    private EntraRefusals() {
    }

    /** Logs the refusal; never logs token content, claims or user identifiers. */
    static void log(String where, String providerAlias, EntraRefusal refusal) {
        log.warnf("Microsoft sign-in refused by %s for identity provider '%s': %s", where, providerAlias, refusal.code());
    }

    /** Adds the reason detail; the caller decides when the event is sent (Keycloak's broker endpoint sends it). */
    static EventBuilder describe(EventBuilder event, String providerAlias, EntraRefusal refusal) {
        return event.detail(Details.IDENTITY_PROVIDER, providerAlias).detail(Details.REASON, refusal.code());
    }
}
