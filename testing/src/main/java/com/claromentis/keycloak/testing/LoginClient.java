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
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Signs in through Keycloak's login page over real HTTP, as a browser without JavaScript would:
 * authorization request with PKCE, the login form, the redirect with a code, and the token request.
 */
public final class LoginClient {

    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"", Pattern.DOTALL);
    private static final Pattern ANY_FORM_ACTION = Pattern.compile("<form[^>]*action=\"([^\"]+)\"", Pattern.DOTALL);
    private static final Pattern ERROR_TEXT = Pattern.compile(
            "(?:id=\"input-error[^\"]*\"|class=\"[^\"]*(?:pf-m-error|alert-error|kc-feedback-text|pf-v5-c-alert__title|pf-v5-c-helper-text__item-text)[^\"]*\")[^>]*>\\s*(?:<[^>]+>\\s*)*([^<]+?)\\s*<",
            Pattern.DOTALL);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String baseUrl;
    private final String realm;
    private final HttpClient http;
    // Keycloak marks its cookies Secure/SameSite=None, which java.net.CookieManager will not send over plain
    // loopback HTTP; a browser treats localhost as a secure context, so keep the jar by hand like it would.
    private final Map<String, String> cookies = new java.util.concurrent.ConcurrentHashMap<>();

    public LoginClient(String baseUrl, String realm) {
        this.baseUrl = baseUrl;
        this.realm = realm;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** Signs in with the test realm's public client. */
    public LoginResult login(String username, String password) {
        return login(TestRealm.TEST_CLIENT, TestRealm.TEST_REDIRECT_URI, username, password);
    }

    public LoginResult login(String clientId, String redirectUri, String username, String password) {
        String verifier = randomToken();
        String state = randomToken();
        String authorize = baseUrl + "/realms/" + realm + "/protocol/openid-connect/auth?" + form(Map.of(
                "client_id", clientId,
                "redirect_uri", redirectUri,
                "response_type", "code",
                "scope", "openid",
                "state", state,
                "code_challenge", challenge(verifier),
                "code_challenge_method", "S256"));
        HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(authorize)).GET().build());
        if (page.statusCode() != 200) {
            return LoginResult.refused(page.statusCode(), page.body(), "Login page did not open");
        }
        Matcher action = FORM_ACTION.matcher(page.body());
        if (!action.find()) {
            return LoginResult.refused(page.statusCode(), page.body(), "No login form on the page");
        }
        HttpResponse<String> submitted = send(HttpRequest.newBuilder(URI.create(unescape(action.group(1))))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of(
                        "username", username, "password", password, "credentialId", ""))))
                .build());
        Optional<String> location = submitted.headers().firstValue("Location");
        if (submitted.statusCode() != 302 || location.isEmpty() || !location.get().startsWith(redirectUri)) {
            return LoginResult.refused(submitted.statusCode(), submitted.body(), errorText(submitted.body()));
        }
        Map<String, String> query = query(URI.create(location.get()).getRawQuery());
        if (!state.equals(query.get("state")) || query.get("code") == null) {
            return LoginResult.refused(submitted.statusCode(), location.get(), "Redirect without code or with a wrong state");
        }
        HttpResponse<String> tokens = send(HttpRequest.newBuilder(URI.create(
                        baseUrl + "/realms/" + realm + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of(
                        "grant_type", "authorization_code",
                        "code", query.get("code"),
                        "client_id", clientId,
                        "redirect_uri", redirectUri,
                        "code_verifier", verifier))))
                .build());
        if (tokens.statusCode() != 200) {
            return LoginResult.refused(tokens.statusCode(), tokens.body(), "Token request refused");
        }
        try {
            return LoginResult.success(JsonSerialization.mapper.readTree(tokens.body()));
        } catch (IOException e) {
            throw new UncheckedIOException("Unreadable token response", e);
        }
    }

    /** The page Keycloak shows for a GET, following its redirects, e.g. an identity provider's error page. */
    public HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET().build());
    }

    /** Finds the first form action on a page; for flows beyond the username/password form. */
    public static Optional<String> formAction(String html) {
        Matcher matcher = ANY_FORM_ACTION.matcher(html);
        return matcher.find() ? Optional.of(unescape(matcher.group(1))) : Optional.empty();
    }

    public static String errorText(String html) {
        Matcher matcher = ERROR_TEXT.matcher(html == null ? "" : html);
        return matcher.find() ? unescape(matcher.group(1).trim()) : "(no error text on the page)";
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            HttpRequest.Builder builder = HttpRequest.newBuilder(request, (name, value) -> true)
                    .timeout(Duration.ofSeconds(60));
            if (!cookies.isEmpty()) {
                builder.header("Cookie", cookies.entrySet().stream()
                        .map(c -> c.getKey() + "=" + c.getValue())
                        .collect(java.util.stream.Collectors.joining("; ")));
            }
            HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            for (String header : response.headers().allValues("Set-Cookie")) {
                String pair = header.split(";", 2)[0];
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    String value = pair.substring(eq + 1);
                    boolean expired = header.toLowerCase(java.util.Locale.ROOT).contains("max-age=0") || value.isEmpty();
                    if (expired) {
                        cookies.remove(pair.substring(0, eq).trim());
                    } else {
                        cookies.put(pair.substring(0, eq).trim(), value);
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

    private static String form(Map<String, String> values) {
        StringBuilder out = new StringBuilder();
        new LinkedHashMap<>(values).forEach((key, value) -> {
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(URLEncoder.encode(key, StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        });
        return out.toString();
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

    /** What the user ended with: tokens, or the page that refused them. */
    public record LoginResult(boolean succeeded, int status, String page, String error, JsonNode tokens) {

        static LoginResult success(JsonNode tokens) {
            return new LoginResult(true, 200, "", "", tokens);
        }

        static LoginResult refused(int status, String page, String error) {
            return new LoginResult(false, status, page, error, null);
        }

        /** Claims of the ID token, decoded without verification: the server issued it to us over loopback. */
        public JsonNode idTokenClaims() {
            if (tokens == null) {
                throw new IllegalStateException("Login failed: " + error);
            }
            String[] parts = tokens.path("id_token").asText().split("\\.");
            try {
                return JsonSerialization.mapper.readTree(Base64.getUrlDecoder().decode(parts[1]));
            } catch (IOException | ArrayIndexOutOfBoundsException e) {
                throw new IllegalStateException("Unreadable ID token", e);
            }
        }
    }
}
