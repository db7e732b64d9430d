package com.claromentis.keycloak.it.mobile;

import com.claromentis.keycloak.demo.DemoRealm;
import com.claromentis.keycloak.testing.Browser;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.SignInResult;
import com.claromentis.keycloak.testing.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.RealmRepresentation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mobile app's client, imported from the template an administrator imports
 * ({@code demo/src/main/resources/}{@value DemoRealm#MOBILE_APP_CLIENT}), signing in as the app does: the system
 * browser opens the login page, the app gets the code at its own scheme and redeems it with its PKCE verifier.
 */
@RealKeycloak
@DisplayName("Given a realm with the Claromentis mobile app client imported from its template")
class MobileAppClientIT {

    private static final String CLIENT = "claromentis-mobile";
    private static final String APP_SCHEME = "com.claromentis.mobile:/oauth2redirect";
    private static final String CLAIMED_HTTPS = "https://intranet.example.com/mobile/oauth2redirect";
    private static final String PASSWORD = "Mobile-Pass-1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    @BeforeAll
    static void importTheTemplate(TestRealm realm) {
        HttpResponse<String> imported = realm.admin().exchange("POST", realm.adminPath() + "/partialImport",
                DemoRealm.mobileAppClient());
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
        // The realm setting the documentation asks for: a refresh token can be used once.
        RealmRepresentation representation = realm.representation();
        representation.setRevokeRefreshToken(true);
        representation.setRefreshTokenMaxReuse(0);
        representation.setLoginTheme("claromentis");
        realm.update(representation);
        realm.createUser("mia.mobile", PASSWORD, Map.of());
    }

    @Nested
    @DisplayName("when the app signs in through the login page with PKCE and its own scheme")
    class SignIn {

        @Test
        @DisplayName("then it gets an ID token, an access token and a refresh token for the person")
        void getsTokens(TestRealm realm) {
            SignInResult result = realm.loginClient().login(CLIENT, APP_SCHEME, "mia.mobile", PASSWORD);

            assertThat(result.succeeded()).as(result.describe()).isTrue();
            assertThat(result.tokens().path("access_token").asText()).isNotBlank();
            assertThat(result.tokens().path("refresh_token").asText()).isNotBlank();
            assertThat(result.idTokenClaims().path("preferred_username").asText()).isEqualTo("mia.mobile");
            assertThat(result.idTokenClaims().path("azp").asText()).isEqualTo(CLIENT);
        }

        @Test
        @DisplayName("then the claimed https redirect works the same way")
        void claimedHttpsRedirect(TestRealm realm) {
            SignInResult result = realm.loginClient().login(CLIENT, CLAIMED_HTTPS, "mia.mobile", PASSWORD);

            assertThat(result.succeeded()).as(result.describe()).isTrue();
        }

        @Test
        @DisplayName("then each refresh gives a new refresh token and the used one is refused")
        void rotatesRefreshTokens(TestRealm realm) {
            SignInResult result = realm.loginClient().login(CLIENT, APP_SCHEME, "mia.mobile", PASSWORD);
            String first = result.tokens().path("refresh_token").asText();
            Browser app = new Browser();

            HttpResponse<String> refreshed = refresh(app, realm, first);
            assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
            String second = json(refreshed.body()).path("refresh_token").asText();
            assertThat(second).isNotBlank().isNotEqualTo(first);

            HttpResponse<String> reused = refresh(app, realm, first);
            assertThat(reused.statusCode()).isEqualTo(400);
            assertThat(json(reused.body()).path("error").asText()).isEqualTo("invalid_grant");
        }

        @Test
        @DisplayName("then offline access is given only when the app asks for it")
        void offlineAccessOptional(TestRealm realm) {
            Flow online = Flow.start(realm, Map.of());
            Flow offline = Flow.start(realm, Map.of("scope", "openid offline_access"));

            JsonNode onlineTokens = json(online.redeem(online.verifier).body());
            JsonNode offlineTokens = json(offline.redeem(offline.verifier).body());

            assertThat(claims(onlineTokens.path("refresh_token").asText()).path("typ").asText()).isEqualTo("Refresh");
            assertThat(claims(offlineTokens.path("refresh_token").asText()).path("typ").asText()).isEqualTo("Offline");
        }
    }

    @Nested
    @DisplayName("when a request leaves PKCE out or brings the wrong verifier")
    class Refused {

        @Test
        @DisplayName("then an authorization request without a code challenge is sent back with invalid_request")
        void noPkce(TestRealm realm) {
            Browser app = new Browser();
            Map<String, String> params = new LinkedHashMap<>();
            params.put("client_id", CLIENT);
            params.put("redirect_uri", APP_SCHEME);
            params.put("response_type", "code");
            params.put("scope", "openid");
            params.put("state", "no-pkce");

            HttpResponse<String> answer = app.get(URI.create(authUrl(realm) + "?" + Browser.encode(params)));

            assertThat(answer.statusCode()).isEqualTo(302);
            String location = answer.headers().firstValue("Location").orElseThrow();
            assertThat(location).startsWith(APP_SCHEME);
            assertThat(Browser.query(URI.create(location).getRawQuery()))
                    .containsEntry("error", "invalid_request").doesNotContainKey("code");
        }

        @Test
        @DisplayName("then a plain (not S256) code challenge is refused too")
        void plainChallenge(TestRealm realm) {
            Flow flow = Flow.startRaw(realm, Map.of("code_challenge_method", "plain"));

            assertThat(flow.callback).isNotNull();
            assertThat(Browser.query(flow.callback.getRawQuery())).containsEntry("error", "invalid_request");
        }

        @Test
        @DisplayName("then a code redeemed with the wrong verifier gives no tokens")
        void wrongVerifier(TestRealm realm) {
            Flow flow = Flow.start(realm, Map.of());

            HttpResponse<String> tokens = flow.redeem(verifier());

            assertThat(tokens.statusCode()).isEqualTo(400);
            assertThat(json(tokens.body()).path("error").asText()).isEqualTo("invalid_grant");
            assertThat(json(tokens.body()).has("access_token")).isFalse();
        }

        @Test
        @DisplayName("then a code redeemed without a verifier gives no tokens")
        void missingVerifier(TestRealm realm) {
            Flow flow = Flow.start(realm, Map.of());

            HttpResponse<String> tokens = flow.redeem(null);

            assertThat(tokens.statusCode()).isEqualTo(400);
            assertThat(json(tokens.body()).has("access_token")).isFalse();
        }
    }

    /** One sign-in as the app runs it, stopped at the app's redirect so the test chooses how to redeem the code. */
    private static final class Flow {
        private final TestRealm realm;
        private final Browser browser;
        private final String verifier;
        private final URI callback;

        private Flow(TestRealm realm, Browser browser, String verifier, URI callback) {
            this.realm = realm;
            this.browser = browser;
            this.verifier = verifier;
            this.callback = callback;
        }

        static Flow start(TestRealm realm, Map<String, String> extra) {
            Flow flow = startRaw(realm, extra);
            assertThat(flow.callback).as("the login page sent the browser back to the app").isNotNull();
            assertThat(Browser.query(flow.callback.getRawQuery())).containsKey("code");
            return flow;
        }

        /** Opens the login page with a S256 challenge (unless {@code extra} overrides it) and signs in. */
        static Flow startRaw(TestRealm realm, Map<String, String> extra) {
            Browser browser = new Browser();
            String verifier = verifier();
            Map<String, String> params = new LinkedHashMap<>();
            params.put("client_id", CLIENT);
            params.put("redirect_uri", APP_SCHEME);
            params.put("response_type", "code");
            params.put("scope", "openid");
            params.put("state", "app-state");
            params.put("code_challenge", challenge(verifier));
            params.put("code_challenge_method", "S256");
            params.putAll(extra);
            List<URI> visited = new ArrayList<>();
            HttpResponse<String> page = browser.follow(
                    browser.get(URI.create(authUrl(realm) + "?" + Browser.encode(params))), APP_SCHEME, visited);
            Optional<Browser.Form> login = Browser.forms(page).stream().filter(f -> f.id().equals("kc-form-login")).findFirst();
            if (login.isPresent()) {
                browser.follow(browser.post(login.get().action(), login.get().with(
                        Map.of("username", "mia.mobile", "password", PASSWORD, "credentialId", ""))), APP_SCHEME, visited);
            }
            URI callback = visited.stream().filter(u -> u.toString().startsWith(APP_SCHEME)).findFirst().orElse(null);
            return new Flow(realm, browser, verifier, callback);
        }

        HttpResponse<String> redeem(String codeVerifier) {
            Map<String, String> form = new LinkedHashMap<>();
            form.put("grant_type", "authorization_code");
            form.put("code", Browser.query(callback.getRawQuery()).get("code"));
            form.put("client_id", CLIENT);
            form.put("redirect_uri", APP_SCHEME);
            if (codeVerifier != null) {
                form.put("code_verifier", codeVerifier);
            }
            return browser.post(URI.create(tokenUrl(realm)), form);
        }
    }

    private static HttpResponse<String> refresh(Browser app, TestRealm realm, String refreshToken) {
        return app.post(URI.create(tokenUrl(realm)), Map.of(
                "grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", CLIENT));
    }

    private static String authUrl(TestRealm realm) {
        return realm.realmUrl() + "/protocol/openid-connect/auth";
    }

    private static String tokenUrl(TestRealm realm) {
        return realm.realmUrl() + "/protocol/openid-connect/token";
    }

    private static String verifier() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static JsonNode claims(String jwt) {
        return json(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("Not JSON: " + body, e);
        }
    }
}
