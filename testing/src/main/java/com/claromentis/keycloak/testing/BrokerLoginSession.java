package com.claromentis.keycloak.testing;

import com.fasterxml.jackson.databind.JsonNode;
import org.keycloak.util.JsonSerialization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Signs in through an identity provider as a browser without JavaScript would: the realm's authorization request
 * (with {@code kc_idp_hint}, so Keycloak goes straight to the provider), every redirect through the provider's
 * authorize endpoint and back to {@code /broker/{alias}/endpoint}, the first-broker-login form if Keycloak shows
 * one, and finally the code exchange at the client's redirect URI.
 *
 * <p>The provider must answer its authorize request with a redirect (a test OIDC server that auto-approves).
 * Redirects are followed by hand, with a cookie jar per origin, because Keycloak's cookies are Secure/SameSite=None
 * and {@code java.net.CookieManager} would not send them over loopback HTTP (see {@link LoginClient}).
 */
public final class BrokerLoginSession {

    private static final int MAX_STEPS = 25;
    private static final Pattern FORM = Pattern.compile("<form[^>]*action=\"([^\"]+)\"[^>]*>(.*?)</form>", Pattern.DOTALL);
    private static final Pattern INPUT = Pattern.compile("<input([^>]*)>", Pattern.DOTALL);
    private static final Pattern ATTRIBUTE = Pattern.compile("(\\w[\\w-]*)=\"([^\"]*)\"");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String baseUrl;
    private final String realm;
    private final HttpClient http;
    private final Map<String, Map<String, String>> cookiesByOrigin = new ConcurrentHashMap<>();

    public BrokerLoginSession(String baseUrl, String realm) {
        this.baseUrl = baseUrl;
        this.realm = realm;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    public static BrokerLoginSession of(TestRealm realm) {
        return new BrokerLoginSession(realm.server().baseUrl(), realm.name());
    }

    /** Signs in with the test realm's public client through the provider {@code idpAlias}. */
    public BrokerResult signIn(String idpAlias) {
        return signIn(TestRealm.TEST_CLIENT, TestRealm.TEST_REDIRECT_URI, idpAlias);
    }

    public BrokerResult signIn(String clientId, String redirectUri, String idpAlias) {
        String verifier = randomToken();
        String state = randomToken();
        Map<String, String> params = new LinkedHashMap<>();
        params.put("client_id", clientId);
        params.put("redirect_uri", redirectUri);
        params.put("response_type", "code");
        params.put("scope", "openid");
        params.put("state", state);
        params.put("code_challenge", challenge(verifier));
        params.put("code_challenge_method", "S256");
        params.put("kc_idp_hint", idpAlias);
        URI next = URI.create(baseUrl + "/realms/" + realm + "/protocol/openid-connect/auth?" + form(params));
        List<URI> visited = new ArrayList<>();
        HttpResponse<String> response = send(HttpRequest.newBuilder(next).GET().build());
        visited.add(next);
        boolean formSubmitted = false;
        for (int step = 0; step < MAX_STEPS; step++) {
            int status = response.statusCode();
            if (status >= 300 && status < 400) {
                String location = response.headers().firstValue("Location").orElse(null);
                if (location == null) {
                    return BrokerResult.refused(status, response.body(), "Redirect without Location", visited);
                }
                URI target = response.uri().resolve(location);
                if (target.toString().startsWith(redirectUri)) {
                    return redeem(target, state, clientId, redirectUri, verifier, visited);
                }
                visited.add(target);
                response = send(HttpRequest.newBuilder(target).GET().build());
                continue;
            }
            if (status == 200 && !formSubmitted && isFirstBrokerLoginForm(response.body())) {
                // Review-profile style pages: submit what Keycloak pre-filled from the provider's claims.
                formSubmitted = true;
                URI action = response.uri().resolve(firstFormAction(response.body()));
                visited.add(action);
                response = send(HttpRequest.newBuilder(action)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form(formInputs(response.body()))))
                        .build());
                continue;
            }
            return BrokerResult.refused(status, response.body(), LoginClient.errorText(response.body()), visited);
        }
        return BrokerResult.refused(response.statusCode(), response.body(), "Too many redirects", visited);
    }

    private BrokerResult redeem(URI callback, String state, String clientId, String redirectUri, String verifier, List<URI> visited) {
        Map<String, String> query = query(callback.getRawQuery());
        if (query.containsKey("error")) {
            return BrokerResult.refused(302, callback.toString(), query.get("error") + ": " + query.getOrDefault("error_description", ""), visited);
        }
        if (!state.equals(query.get("state")) || query.get("code") == null) {
            return BrokerResult.refused(302, callback.toString(), "Redirect without code or with a wrong state", visited);
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("grant_type", "authorization_code");
        params.put("code", query.get("code"));
        params.put("client_id", clientId);
        params.put("redirect_uri", redirectUri);
        params.put("code_verifier", verifier);
        HttpResponse<String> tokens = send(HttpRequest.newBuilder(URI.create(
                        baseUrl + "/realms/" + realm + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(params)))
                .build());
        if (tokens.statusCode() != 200) {
            return BrokerResult.refused(tokens.statusCode(), tokens.body(), "Token request refused", visited);
        }
        try {
            return new BrokerResult(true, 200, "", "", JsonSerialization.mapper.readTree(tokens.body()), visited);
        } catch (IOException e) {
            throw new UncheckedIOException("Unreadable token response", e);
        }
    }

    private static boolean isFirstBrokerLoginForm(String html) {
        Matcher form = FORM.matcher(html == null ? "" : html);
        return form.find() && unescape(form.group(1)).contains("/login-actions/first-broker-login");
    }

    private static String firstFormAction(String html) {
        Matcher form = FORM.matcher(html);
        if (!form.find()) {
            throw new IllegalStateException("No form on the page");
        }
        return unescape(form.group(1));
    }

    private static Map<String, String> formInputs(String html) {
        Matcher form = FORM.matcher(html);
        Map<String, String> values = new LinkedHashMap<>();
        if (!form.find()) {
            return values;
        }
        Matcher input = INPUT.matcher(form.group(2));
        while (input.find()) {
            Map<String, String> attributes = new LinkedHashMap<>();
            Matcher attribute = ATTRIBUTE.matcher(input.group(1));
            while (attribute.find()) {
                attributes.put(attribute.group(1).toLowerCase(Locale.ROOT), unescape(attribute.group(2)));
            }
            String name = attributes.get("name");
            if (name != null && !"submit".equals(attributes.get("type"))) {
                values.put(name, attributes.getOrDefault("value", ""));
            }
        }
        return values;
    }

    private HttpResponse<String> send(HttpRequest request) {
        String origin = origin(request.uri());
        Map<String, String> jar = cookiesByOrigin.computeIfAbsent(origin, o -> new ConcurrentHashMap<>());
        try {
            HttpRequest.Builder builder = HttpRequest.newBuilder(request, (name, value) -> true)
                    .timeout(Duration.ofSeconds(60));
            if (!jar.isEmpty()) {
                builder.header("Cookie", jar.entrySet().stream()
                        .map(c -> c.getKey() + "=" + c.getValue())
                        .collect(Collectors.joining("; ")));
            }
            HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            for (String header : response.headers().allValues("Set-Cookie")) {
                String pair = header.split(";", 2)[0];
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    String name = pair.substring(0, eq).trim();
                    String value = pair.substring(eq + 1);
                    if (header.toLowerCase(Locale.ROOT).contains("max-age=0") || value.isEmpty()) {
                        jar.remove(name);
                    } else {
                        jar.put(name, value);
                    }
                }
            }
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
    }

    private static String form(Map<String, String> values) {
        return values.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> values = new LinkedHashMap<>();
        if (raw == null) {
            return values;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                values.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    private static String unescape(String html) {
        return html.replace("&amp;", "&").replace("&#61;", "=").replace("&quot;", "\"").replace("&#39;", "'");
    }

    private static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JVM", e);
        }
    }

    /**
     * What the user ended with: tokens from the realm, or the page that refused them.
     *
     * @param visited every URL the browser was sent to, for assertions on where the provider sent the user
     */
    public record BrokerResult(boolean succeeded, int status, String page, String error, JsonNode tokens, List<URI> visited) {

        static BrokerResult refused(int status, String page, String error, List<URI> visited) {
            return new BrokerResult(false, status, page, error, null, List.copyOf(visited));
        }

        /** Claims of the realm's ID token, decoded without verification: the server issued it to us over loopback. */
        public JsonNode idTokenClaims() {
            if (tokens == null) {
                throw new IllegalStateException("Sign-in failed: " + error);
            }
            String[] parts = tokens.path("id_token").asText().split("\\.");
            try {
                return JsonSerialization.mapper.readTree(Base64.getUrlDecoder().decode(parts[1]));
            } catch (IOException | ArrayIndexOutOfBoundsException e) {
                throw new IllegalStateException("Unreadable ID token", e);
            }
        }

        /** A short description for assertion messages: status, extracted error and the last URL, never tokens. */
        public String describe() {
            return "status " + status + ", error '" + error + "', last URL "
                    + (visited.isEmpty() ? "-" : visited.get(visited.size() - 1).getPath());
        }
    }
}
