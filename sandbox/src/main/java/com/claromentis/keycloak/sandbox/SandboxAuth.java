package com.claromentis.keycloak.sandbox;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** HTTP Basic and bearer-token checks, plus the OAuth2 client-credentials token endpoint that issues the tokens. */
final class SandboxAuth {

    static final String UNAUTHORIZED = "You are not authorized to carry out that request";

    private final SandboxConfig config;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    private final AtomicLong issued = new AtomicLong();

    SandboxAuth(SandboxConfig config) {
        this.config = config;
    }

    /** Throws a 401 unless the request carries valid Basic credentials or a live bearer token. */
    void authorize(HttpExchange ex) {
        String header = ex.getRequestHeaders().getFirst("Authorization");
        if (header != null) {
            if (startsWithIgnoreCase(header, "Basic ")) {
                String[] pair = decodeBasic(header);
                if (pair != null && same(pair[0], config.username()) && same(pair[1], config.password())) {
                    return;
                }
            } else if (startsWithIgnoreCase(header, "Bearer ")) {
                String token = header.substring(7).trim();
                Instant expiry = tokens.get(token);
                if (expiry != null && config.clock().instant().isBefore(expiry)) {
                    return;
                }
            }
        }
        ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"claromentis-sandbox\"");
        throw new ApiError(401, UNAUTHORIZED);
    }

    /** {@code POST /oauth/token}: answers in RFC 6749 shape ({@code error}, not {@code code}). */
    void handleToken(HttpExchange ex) throws IOException {
        if (!"POST".equals(ex.getRequestMethod())) {
            oauthError(ex, 405, "invalid_request", "Use POST");
            return;
        }
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !Exchanges.mediaType(type).equals("application/x-www-form-urlencoded")) {
            oauthError(ex, 400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded");
            return;
        }
        Map<String, String> form = Exchanges.parseQuery(new String(Exchanges.readBody(ex), StandardCharsets.UTF_8));
        String header = ex.getRequestHeaders().getFirst("Authorization");
        String clientId;
        String clientSecret;
        if (header != null && startsWithIgnoreCase(header, "Basic ")) {
            if (form.containsKey("client_secret")) {
                oauthError(ex, 400, "invalid_request", "Use one client authentication method, not two");
                return;
            }
            String[] pair = decodeBasic(header);
            // RFC 6749 2.3.1: id and secret are form-encoded before being put in the Basic header.
            clientId = pair == null ? null : Exchanges.decode(pair[0]);
            clientSecret = pair == null ? null : Exchanges.decode(pair[1]);
        } else {
            clientId = form.get("client_id");
            clientSecret = form.get("client_secret");
        }
        if (clientId == null || clientSecret == null
                || !same(clientId, config.clientId()) || !same(clientSecret, config.clientSecret())) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"claromentis-sandbox\"");
            oauthError(ex, 401, "invalid_client", "Client authentication failed");
            return;
        }
        if (!"client_credentials".equals(form.get("grant_type"))) {
            oauthError(ex, 400, "unsupported_grant_type", "Only client_credentials is supported");
            return;
        }
        Instant now = config.clock().instant();
        tokens.values().removeIf(expiry -> !now.isBefore(expiry));
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        tokens.put(token, now.plus(config.tokenLifetime()));
        issued.incrementAndGet();

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", token);
        body.put("token_type", "Bearer");
        body.put("expires_in", config.tokenLifetime().toSeconds());
        String scope = form.get("scope");
        if (scope != null && !scope.isBlank()) {
            body.put("scope", scope);
        }
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        Exchanges.sendJson(ex, 200, body, null);
    }

    long tokensIssued() {
        return issued.get();
    }

    void revokeAll() {
        tokens.clear();
    }

    private static void oauthError(HttpExchange ex, int status, String error, String description) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        Exchanges.sendJson(ex, status, body, null);
    }

    private static String[] decodeBasic(String header) {
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean same(String given, String expected) {
        // Constant-time so the sandbox does not teach clients timing habits that would be unsafe elsewhere.
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean startsWithIgnoreCase(String text, String prefix) {
        return text.regionMatches(true, 0, prefix, 0, prefix.length());
    }
}
