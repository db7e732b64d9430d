package com.claromentis.keycloak.testing;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;

/** Signs in with a username and password on Keycloak's login page over real HTTP, as a browser without JavaScript would. */
public final class LoginClient {

    private final String baseUrl;
    private final String realm;
    private final Browser browser = new Browser();

    public LoginClient(String baseUrl, String realm) {
        this.baseUrl = baseUrl;
        this.realm = realm;
    }

    /** Signs in with the test realm's public client. */
    public SignInResult login(String username, String password) {
        return login(TestRealm.TEST_CLIENT, TestRealm.TEST_REDIRECT_URI, username, password);
    }

    public SignInResult login(String clientId, String redirectUri, String username, String password) {
        boolean[] submitted = {false};
        return AuthorizationCodeFlow.run(browser, baseUrl, realm, clientId, redirectUri, Map.of(), (page, forms) -> {
            if (submitted[0]) {
                // The login form again, now with an error: that is where this sign-in ends.
                return Optional.empty();
            }
            return forms.stream().filter(f -> f.id().equals("kc-form-login")).findFirst().map(form -> {
                submitted[0] = true;
                return new AuthorizationCodeFlow.Submission(form.action(), form.with(Map.of(
                        "username", username, "password", password, "credentialId", "")));
            });
        });
    }

    /**
     * Makes this browser's user hold a Kerberos ticket: Keycloak's Negotiate challenge is answered with the SPNEGO
     * token {@code token} supplies (null: no ticket after all), as a browser on a domain-joined PC does.
     */
    public LoginClient withKerberos(java.util.function.Supplier<String> token) {
        browser.negotiate(token);
        return this;
    }

    /** Opens the sign-in and submits nothing: it succeeds only when Keycloak signs the user in without a form. */
    public SignInResult openSignIn() {
        return AuthorizationCodeFlow.run(browser, baseUrl, realm, TestRealm.TEST_CLIENT, TestRealm.TEST_REDIRECT_URI,
                Map.of(), (page, forms) -> Optional.empty());
    }

    /** The page Keycloak shows for a GET, without following redirects. */
    public HttpResponse<String> get(String url) {
        return browser.get(URI.create(url));
    }

    public static String errorText(String html) {
        return Browser.errorText(html);
    }
}
