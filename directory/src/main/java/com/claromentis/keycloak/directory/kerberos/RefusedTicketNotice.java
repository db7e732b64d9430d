package com.claromentis.keycloak.directory.kerberos;

import com.claromentis.keycloak.common.LogSafe;
import com.claromentis.keycloak.signin.RefusalPage;
import com.claromentis.keycloak.signin.SignInRefusal;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.FlowStatus;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import jakarta.ws.rs.core.HttpHeaders;

import java.util.Locale;

/**
 * Keycloak's Kerberos step, telling the person when it refused their browser's ticket. Keycloak then falls back to
 * the password form without a word (the step is an alternative), so someone whose desktop sign-in "stopped working"
 * sees no reason and an administrator no code. This step leaves Keycloak's decision, challenge and status as they
 * are, and adds the refusal's reference code to Keycloak's login-error event, a WARN line and a notice on the
 * password form that follows.
 */
final class RefusedTicketNotice implements Authenticator {

    /** Base64 of "NTLMSSP": Windows browsers send NTLM inside Negotiate when they hold no ticket for this host. */
    private static final String NTLM = "TlRMTVNTUA";

    private final Authenticator spnego;

    RefusedTicketNotice(Authenticator spnego) {
        this.spnego = spnego;
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        String token = negotiateToken(context);
        if (token == null) {
            // No answer to the challenge yet (or another scheme): nothing can have been refused.
            spnego.authenticate(context);
            return;
        }
        // When Keycloak refuses, it may send its own login-error event inside the step: the code must be on it first.
        String reference = RefusalPage.reserve(context.getEvent());
        spnego.authenticate(context);
        FlowStatus outcome = context.getStatus();
        if (outcome == FlowStatus.ATTEMPTED) {
            // Keycloak 26 hears "no provider took the ticket" from its user storage when the LDAP provider's Kerberos
            // check failed, and passes on quietly, without an event: the administrator's event is ours to send.
            EventBuilder refused = context.getEvent().clone();
            RefusalPage.withdraw(context.getEvent());
            refused.error(Errors.INVALID_USER_CREDENTIALS);
        } else if (outcome != FlowStatus.FAILED) {
            // Signed in, or the Negotiate handshake goes on: nothing refused.
            RefusalPage.withdraw(context.getEvent());
            return;
        }
        RefusalPage.confirm(SignInRefusal.KERBEROS_TICKET_REFUSED, reference,
                "realm '" + LogSafe.of(context.getRealm().getName()) + "': " + why(token));
        // The session's form provider: the password form Keycloak renders next in this request is made from it.
        LoginFormsProvider form = context.getSession().getProvider(LoginFormsProvider.class);
        RefusalPage.notice(form, SignInRefusal.KERBEROS_TICKET_REFUSED, reference);
    }

    /** Kept short: the log line shows at most {@value LogSafe#MAX_LENGTH} characters of it. */
    private static String why(String token) {
        if (token.startsWith(NTLM)) {
            return "the browser answered Negotiate with NTLM, not a Kerberos ticket: the PC has none for this host "
                    + "(no SPN HTTP/<host> in the domain, or PC not in it)";
        }
        return "Kerberos ticket not accepted (" + token.length() + " characters): for another SPN than the keytab's, "
                + "a replay, expired, clocks apart, or no ticket (see Keycloak's SPNEGO line before)";
    }

    /** The token of {@code Authorization: Negotiate <token>}, or null for any other header or none. */
    private static String negotiateToken(AuthenticationFlowContext context) {
        String header = context.getHttpRequest().getHttpHeaders().getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            return null;
        }
        String[] parts = header.trim().split(" ");
        if (parts.length != 2 || !"negotiate".equals(parts[0].toLowerCase(Locale.ROOT))) {
            return null;
        }
        return parts[1];
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        spnego.action(context);
    }

    @Override
    public boolean requiresUser() {
        return spnego.requiresUser();
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return spnego.configuredFor(session, realm, user);
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
        spnego.setRequiredActions(session, realm, user);
    }

    @Override
    public void close() {
        spnego.close();
    }
}
