package com.claromentis.keycloak.testing;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One OIDC authorization-code sign-in at a realm, with PKCE: the authorization request, the pages Keycloak (and any
 * identity provider) shows on the way, and the code exchange at the client's redirect URI.
 *
 * <p>Which form to fill on each page is the caller's {@link PageHandler}; a page it does not handle ends the
 * sign-in, and that page is what the result reports.
 */
final class AuthorizationCodeFlow {

    private static final int MAX_PAGES = 10;

    /** Decides what to submit on a page; empty when the page is where the sign-in stops. */
    interface PageHandler {
        Optional<Submission> onPage(HttpResponse<String> page, List<Browser.Form> forms);
    }

    record Submission(URI action, Map<String, String> fields) {
    }

    private AuthorizationCodeFlow() {
    }

    static SignInResult run(Browser browser, String baseUrl, String realm, String clientId, String redirectUri,
                            Map<String, String> extraParameters, PageHandler handler) {
        Browser.Pkce pkce = Browser.Pkce.create();
        Map<String, String> params = new LinkedHashMap<>();
        params.put("client_id", clientId);
        params.put("redirect_uri", redirectUri);
        params.put("response_type", "code");
        params.put("scope", "openid");
        params.put("state", pkce.state());
        params.put("code_challenge", pkce.challenge());
        params.put("code_challenge_method", "S256");
        params.putAll(extraParameters);
        URI start = URI.create(baseUrl + "/realms/" + realm + "/protocol/openid-connect/auth?" + Browser.encode(params));
        List<URI> visited = new ArrayList<>(List.of(start));
        HttpResponse<String> response = browser.follow(browser.get(start), redirectUri, visited);
        for (int page = 0; page < MAX_PAGES; page++) {
            URI last = visited.get(visited.size() - 1);
            if (last.toString().startsWith(redirectUri)) {
                return redeem(browser, baseUrl, realm, clientId, redirectUri, pkce, last, visited);
            }
            // A realm with Kerberos sign-in serves its login page with 401 and a Negotiate challenge; a browser
            // without a ticket shows the page all the same.
            HttpResponse<String> shown = response;
            Optional<Submission> submission = shown.statusCode() == 200 || shown.statusCode() == 401
                    ? autoSubmitted(shown).or(() -> handler.onPage(shown, Browser.forms(shown)))
                    : Optional.empty();
            if (submission.isEmpty()) {
                return SignInResult.refused(response.statusCode(), response.body(), Browser.errorText(response.body()), visited);
            }
            visited.add(submission.get().action());
            response = browser.follow(browser.post(submission.get().action(), submission.get().fields()), redirectUri, visited);
        }
        return SignInResult.refused(response.statusCode(), response.body(), "More than " + MAX_PAGES + " pages", visited);
    }

    /**
     * The form a page submits by itself on load, as a browser with JavaScript does (Keycloak's "Kerberos Unsupported"
     * page that comes with a Negotiate challenge), or empty.
     */
    private static Optional<Submission> autoSubmitted(HttpResponse<String> page) {
        if (!page.body().contains("document.forms[0].submit()")) {
            return Optional.empty();
        }
        return Browser.forms(page).stream().findFirst().map(form -> new Submission(form.action(), form.inputs()));
    }

    private static SignInResult redeem(Browser browser, String baseUrl, String realm, String clientId, String redirectUri,
                                       Browser.Pkce pkce, URI callback, List<URI> visited) {
        Map<String, String> query = Browser.query(callback.getRawQuery());
        if (query.containsKey("error")) {
            return SignInResult.refused(302, callback.toString(),
                    query.get("error") + ": " + query.getOrDefault("error_description", ""), visited);
        }
        if (!pkce.state().equals(query.get("state")) || query.get("code") == null) {
            return SignInResult.refused(302, callback.toString(), "Redirect without code or with a wrong state", visited);
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", query.get("code"));
        form.put("client_id", clientId);
        form.put("redirect_uri", redirectUri);
        form.put("code_verifier", pkce.verifier());
        HttpResponse<String> tokens = browser.post(
                URI.create(baseUrl + "/realms/" + realm + "/protocol/openid-connect/token"), form);
        if (tokens.statusCode() != 200) {
            return SignInResult.refused(tokens.statusCode(), tokens.body(), "Token request refused", visited);
        }
        return SignInResult.success(Browser.json(tokens.body()), visited);
    }
}
