package com.claromentis.keycloak.signin;

import com.claromentis.keycloak.common.LogSafe;

import java.security.SecureRandom;

import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.keycloak.events.EventBuilder;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.forms.login.MessageType;
import org.keycloak.models.KeycloakSession;

/**
 * The one way a refused sign-in is reported: a reference code, a WARN log line carrying it, the same code as the
 * {@value #REFERENCE_DETAIL} detail of the login-error event, and the theme's refusal page showing it.
 *
 * <p>The page is a template of its own ({@value #TEMPLATE}, shipped in theme-resources so every login theme has it)
 * rather than Keycloak's error page: that one renders its message through kcSanitize, which keeps markup an
 * administrator typed into a provider name; the template prints every value with FreeMarker's HTML escaping.
 */
public final class RefusalPage {

    public static final String TEMPLATE = "claromentis-refusal.ftl";
    /** The event detail an administrator searches for the code a person read out. */
    public static final String REFERENCE_DETAIL = "claromentis_reference";
    static final String ATTRIBUTE = "claromentisRefusal";

    /** Crockford-like: no 0/O, 1/I/L, so a code read out over the phone is not misheard. */
    private static final char[] ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Logger LOG = Logger.getLogger(RefusalPage.class);

    private RefusalPage() {
    }

    /**
     * What the template reads; {@code provider} is null when the message has no provider name. JavaBean getters,
     * not a record: Keycloak's FreeMarker object wrapper reads bean properties only.
     */
    public static final class Model {
        private final SignInRefusal refusal;
        private final String reference;
        private final String provider;
        private final boolean retry;

        Model(SignInRefusal refusal, String reference, String provider, boolean retry) {
            this.refusal = refusal;
            this.reference = reference;
            this.provider = provider;
            this.retry = retry;
        }

        public String getId() {
            return refusal.id();
        }

        public String getTitleKey() {
            return refusal.titleKey();
        }

        public String getMessageKey() {
            return refusal.messageKey();
        }

        public String getReference() {
            return reference;
        }

        public String getProvider() {
            return provider;
        }

        /**
         * Whether the page links back to the sign-in: Keycloak's restart of this sign-in ({@code url.loginRestartFlowUrl},
         * back to the login page for the same application), which needs the sign-in's authentication session.
         */
        public boolean isRetry() {
            return retry;
        }
    }

    /**
     * Logs the refusal and puts its reference on {@code event} (which the caller still sends).
     *
     * @param why what the administrator needs to know, without personal data or token content
     * @return the reference code the page shows
     */
    public static String report(SignInRefusal refusal, EventBuilder event, String why) {
        String reference = newReference();
        LOG.warnf("Sign-in refused (%s), reference %s: %s", refusal.id(), reference, LogSafe.of(why));
        if (event != null) {
            event.detail(REFERENCE_DETAIL, reference);
        }
        return reference;
    }

    /**
     * For a step whose login-error event Keycloak's own code sends (Kerberos): we learn of the refusal only after the
     * event has gone, so the code is put on the event beforehand; {@link #confirm} logs it when the step refused,
     * {@link #withdraw} takes it off again when it did not, before any other event of the request is built.
     *
     * @return the reference code, now the {@value #REFERENCE_DETAIL} detail of {@code event}
     */
    public static String reserve(EventBuilder event) {
        String reference = newReference();
        event.detail(REFERENCE_DETAIL, reference);
        return reference;
    }

    /** The log line of a refusal whose code {@link #reserve} put on the event already. */
    public static void confirm(SignInRefusal refusal, String reference, String why) {
        LOG.warnf("Sign-in refused (%s), reference %s: %s", refusal.id(), reference, LogSafe.of(why));
    }

    /** The step did not refuse: its code must not turn up on a later event of this request. */
    public static void withdraw(EventBuilder event) {
        event.removeDetail(REFERENCE_DETAIL);
    }

    /**
     * A refusal that leaves the person on the page they were going to see anyway (the password form after a refused
     * Kerberos ticket): a warning message on {@code form}, so it shows in any login theme, not a page of ours. Its
     * text is the refusal's message with the code as {@code {0}}.
     */
    public static LoginFormsProvider notice(LoginFormsProvider form, SignInRefusal refusal, String reference) {
        return form.setMessage(MessageType.WARNING, refusal.messageKey(), reference);
    }

    /** The page for {@code refusal}, with its status; {@code form} already carries the authentication session. */
    public static Response render(LoginFormsProvider form, SignInRefusal refusal, String reference, String providerName) {
        return render(form, refusal, reference, providerName, true);
    }

    private static Response render(LoginFormsProvider form, SignInRefusal refusal, String reference, String providerName,
                                   boolean inSignIn) {
        return form.setAttribute(ATTRIBUTE, model(refusal, reference, providerName, inSignIn))
                .setStatus(refusal.status())
                .createForm(TEMPLATE);
    }

    /**
     * The page where no flow hands us a form (a broker callback, a user lookup). A form provider of its own, not the
     * session's shared one: Keycloak may still render a page of its own in this request (it does when it catches a
     * storage provider's exception), and it must not inherit our status or attributes.
     */
    public static Response render(KeycloakSession session, SignInRefusal refusal, String reference, String providerName) {
        LoginFormsProvider form = session.getKeycloakSessionFactory()
                .getProviderFactory(LoginFormsProvider.class).create(session);
        boolean inSignIn = session.getContext().getAuthenticationSession() != null;
        if (inSignIn) {
            form.setAuthenticationSession(session.getContext().getAuthenticationSession());
        }
        // Without a sign-in in progress there is nothing to restart: no link rather than one to an expired page.
        return render(form, refusal, reference, providerName, inSignIn);
    }

    static Model model(SignInRefusal refusal, String reference, String providerName, boolean inSignIn) {
        return new Model(refusal, reference, providerName, inSignIn && refusal.retry());
    }

    /** Eight characters in two groups of four: about 40 bits, enough to find one attempt in a day's log. */
    static String newReference() {
        StringBuilder code = new StringBuilder(9);
        for (int i = 0; i < 8; i++) {
            if (i == 4) {
                code.append('-');
            }
            code.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return code.toString();
    }
}
