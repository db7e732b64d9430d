package com.claromentis.keycloak.entra;

import com.claromentis.keycloak.common.LogSafe;
import com.claromentis.keycloak.signin.RefusalPage;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.KeycloakSession;

/**
 * One way to report a refused Microsoft sign-in: a WARN naming reason, provider and reference code (through
 * {@link RefusalPage}), the event's reason and reference details, and the refusal page.
 */
final class EntraRefusals {

    private EntraRefusals() {
    }

    /**
     * Logs the refusal and adds the reason and reference details; the caller decides when the event is sent. Never
     * logs token content, claims or user identifiers.
     *
     * @param event null where there is no event (the log line still carries the reference)
     * @return the reference code the page shows
     */
    static String report(String where, String providerAlias, EntraRefusal refusal, EventBuilder event) {
        if (event != null) {
            event.detail(Details.IDENTITY_PROVIDER, providerAlias).detail(Details.REASON, refusal.code());
        }
        return RefusalPage.report(refusal.page(), event, "Microsoft sign-in refused by " + where
                + " for identity provider '" + LogSafe.of(providerAlias) + "': " + refusal.code());
    }

    /**
     * The refusal page as an exception a broker endpoint answers with: Keycloak's OIDC callback returns the response
     * of a WebApplicationException as it is, where an IdentityBrokerException would become its generic 502 page.
     */
    static WebApplicationException page(KeycloakSession session, EntraRefusal refusal, String reference) {
        Response page = RefusalPage.render(session, refusal.page(), reference, null);
        return new WebApplicationException("Microsoft sign-in refused: " + refusal.code(), page);
    }
}
