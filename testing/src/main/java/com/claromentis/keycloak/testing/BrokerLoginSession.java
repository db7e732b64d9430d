package com.claromentis.keycloak.testing;

import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Signs in through an identity provider as a browser without JavaScript would: the realm's authorization request
 * with {@code kc_idp_hint} (so Keycloak goes straight to the provider), every redirect through the provider's
 * authorize endpoint and back to {@code /broker/{alias}/endpoint}, the first-broker-login pages Keycloak shows
 * (review profile, confirm linking, and re-authentication when a password is given), and the code exchange.
 *
 * <p>The provider must answer its authorize request with a redirect (a test OIDC server that auto-approves).
 */
public final class BrokerLoginSession {

    private final String baseUrl;
    private final String realm;
    private final Browser browser = new Browser();
    /** What is done to an identity provider's SAML response before it is posted to Keycloak (nothing by default). */
    private UnaryOperator<Map<String, String>> samlResponses = UnaryOperator.identity();

    public BrokerLoginSession(String baseUrl, String realm) {
        this.baseUrl = baseUrl;
        this.realm = realm;
    }

    public static BrokerLoginSession of(TestRealm realm) {
        return new BrokerLoginSession(realm.server().baseUrl(), realm.name());
    }

    /**
     * Hands every SAML response form (its {@code SAMLResponse} and {@code RelayState} fields) an identity provider
     * makes the browser post to Keycloak to {@code interceptor} first, which returns the fields to post: a test
     * keeps a copy to replay it, alters the signed XML, or waits until the assertion has expired.
     */
    public BrokerLoginSession interceptingSamlResponses(UnaryOperator<Map<String, String>> interceptor) {
        this.samlResponses = interceptor;
        return this;
    }

    /** Posts a form as this browser, with its cookies (e.g. a SAML response replayed), and follows redirects. */
    public HttpResponse<String> post(java.net.URI action, Map<String, String> fields) {
        return browser.follow(browser.post(action, fields), null, new java.util.ArrayList<>());
    }

    /** Signs in with the test realm's public client through the provider {@code idpAlias}. */
    public SignInResult signIn(String idpAlias) {
        return signIn(TestRealm.TEST_CLIENT, TestRealm.TEST_REDIRECT_URI, idpAlias, null);
    }

    /** As {@link #signIn(String)}, proving ownership of an existing account with its password when Keycloak asks. */
    public SignInResult signInLinkingWithPassword(String idpAlias, String existingAccountPassword) {
        return signIn(TestRealm.TEST_CLIENT, TestRealm.TEST_REDIRECT_URI, idpAlias, existingAccountPassword);
    }

    public SignInResult signIn(String clientId, String redirectUri, String idpAlias, String existingAccountPassword) {
        return signIn(clientId, redirectUri, idpAlias, null, existingAccountPassword);
    }

    /**
     * Signs in through a provider that shows its own login page (a Keycloak realm acting as SAML or OIDC provider),
     * with the person's credentials there; SAML POST-binding pages are submitted as a browser's script would.
     */
    public SignInResult signInAtProvider(String idpAlias, String providerUsername, String providerPassword) {
        return signIn(TestRealm.TEST_CLIENT, TestRealm.TEST_REDIRECT_URI, idpAlias,
                new String[] {providerUsername, providerPassword}, null);
    }

    private SignInResult signIn(String clientId, String redirectUri, String idpAlias, String[] providerCredentials,
                                String existingAccountPassword) {
        Set<String> handled = new HashSet<>();
        return AuthorizationCodeFlow.run(browser, baseUrl, realm, clientId, redirectUri, Map.of("kc_idp_hint", idpAlias),
                (page, forms) -> nextStep(page, forms, providerCredentials, existingAccountPassword, handled));
    }

    private Optional<AuthorizationCodeFlow.Submission> nextStep(HttpResponse<String> page, List<Browser.Form> forms,
                                                                String[] providerCredentials, String password,
                                                                Set<String> handled) {
        for (Browser.Form form : forms) {
            if (form.inputs().containsKey("SAMLResponse")) {
                // The POST binding: a page whose script submits this form at once.
                return Optional.of(new AuthorizationCodeFlow.Submission(form.action(),
                        samlResponses.apply(new java.util.LinkedHashMap<>(form.inputs()))));
            }
            if (form.inputs().containsKey("SAMLRequest")) {
                return Optional.of(new AuthorizationCodeFlow.Submission(form.action(), form.inputs()));
            }
            boolean atProvider = !form.action().getPath().startsWith("/realms/" + realm + "/");
            // A Keycloak realm's login form, or another provider's (SimpleSAMLphp's) with the same two fields.
            boolean loginForm = form.id().equals("kc-form-login")
                    || (form.inputs().containsKey("username") && form.inputs().containsKey("password"));
            if (atProvider && providerCredentials != null && loginForm && handled.add("provider-login")) {
                return Optional.of(new AuthorizationCodeFlow.Submission(form.action(), form.with(Map.of(
                        "username", providerCredentials[0], "password", providerCredentials[1], "credentialId", ""))));
            }
        }
        for (Browser.Form form : forms) {
            String action = form.action().getPath();
            if (!action.contains("/login-actions/first-broker-login") || !handled.add(form.id() + action)) {
                continue;
            }
            if (page.body().contains("name=\"submitAction\"") && page.body().contains("value=\"linkAccount\"")) {
                // "Account already exists": choose to link it.
                return Optional.of(new AuthorizationCodeFlow.Submission(form.action(), form.with(Map.of("submitAction", "linkAccount"))));
            }
            if (form.inputs().containsKey("password")) {
                if (password == null) {
                    return Optional.empty();
                }
                return Optional.of(new AuthorizationCodeFlow.Submission(form.action(), form.with(Map.of("password", password))));
            }
            // Review profile: submit what Keycloak pre-filled from the provider's claims.
            return Optional.of(new AuthorizationCodeFlow.Submission(form.action(), form.inputs()));
        }
        return Optional.empty();
    }
}
