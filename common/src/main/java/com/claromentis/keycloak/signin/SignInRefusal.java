package com.claromentis.keycloak.signin;

import jakarta.ws.rs.core.Response;

/**
 * Every sign-in refusal the bundle shows a person, with the page's status and texts: the one list the refusal page
 * ({@code claromentis-refusal.ftl}), the messages of every language and the tests read.
 *
 * <p>A refusal (the person may not sign in this way) answers 403; Claromentis being unreachable answers 503, so
 * monitoring and proxies see an outage rather than a client error; a provider set up wrongly is the server's fault
 * and answers 500. The texts are message keys: {@link #titleKey()} names what happened in a few words,
 * {@link #messageKey()} says it in a sentence with what to do next.
 */
public enum SignInRefusal {
    TENANT_MISMATCH("tenant-mismatch", Response.Status.FORBIDDEN, "entraTenantMismatch"),
    PERSONAL_MICROSOFT_ACCOUNT("personal-account", Response.Status.FORBIDDEN, "entraPersonalAccountRefused"),
    GUEST_NOT_ALLOWED("guest-not-allowed", Response.Status.FORBIDDEN, "entraGuestRefused"),
    MICROSOFT_ANSWER_INVALID("microsoft-answer-invalid", Response.Status.FORBIDDEN, "entraInvalidToken"),
    MICROSOFT_SIGN_IN_EXPIRED("microsoft-sign-in-expired", Response.Status.FORBIDDEN, "entraTokenExpired"),
    /** No "Back to sign-in": Microsoft would answer the same until an administrator fixes the set-up. */
    MICROSOFT_NOT_SET_UP("microsoft-not-set-up", Response.Status.INTERNAL_SERVER_ERROR, "entraConfigurationError", false),
    /** {0} of the message is the provider's display name, as an administrator typed it. */
    SOCIAL_NO_ACCOUNT("social-no-account", Response.Status.FORBIDDEN, "claromentisSocialNoAccount"),
    CLAROMENTIS_UNAVAILABLE("claromentis-unavailable", Response.Status.SERVICE_UNAVAILABLE, "claromentisPeopleApiUnavailable"),
    /**
     * Not a page: a notice on the password form Keycloak falls back to ({@link RefusalPage#notice}), so the status is
     * that form's, 200 (the 401 with {@code WWW-Authenticate: Negotiate} is the challenge before it, which stays as
     * Keycloak sends it). {0} of the message is the reference code.
     */
    KERBEROS_TICKET_REFUSED("kerberos-ticket-refused", Response.Status.OK, "claromentisKerberosTicketRefused");

    private final String id;
    private final Response.Status status;
    private final String messageKey;

    private final boolean retry;

    SignInRefusal(String id, Response.Status status, String messageKey) {
        this(id, status, messageKey, true);
    }

    SignInRefusal(String id, Response.Status status, String messageKey, boolean retry) {
        this.id = id;
        this.status = status;
        this.messageKey = messageKey;
        this.retry = retry;
    }

    /**
     * Whether signing in again can go differently (another account, a fresh Microsoft sign-in, Claromentis back, the
     * password instead of a social account): the page then links back to the sign-in.
     */
    public boolean retry() {
        return retry;
    }

    /** Stable name of the page: its {@code data-refusal} attribute and part of its title key. */
    public String id() {
        return id;
    }

    public Response.Status status() {
        return status;
    }

    public String titleKey() {
        return "claromentisRefusalTitle." + id;
    }

    public String messageKey() {
        return messageKey;
    }
}
