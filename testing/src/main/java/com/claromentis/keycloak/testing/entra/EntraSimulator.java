package com.claromentis.keycloak.testing.entra;

import com.claromentis.keycloak.testing.Browser;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.keycloak.util.JsonSerialization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for Microsoft Entra ID's v2.0 endpoints, enough for Keycloak's OIDC broker: per-tenant discovery,
 * JWKS, an authorize endpoint that approves at once (no UI) and a token endpoint that returns an RS256 ID token
 * shaped like Entra's ({@code iss = {authority}/{tid}/v2.0}, {@code tid}, {@code oid}, {@code idp} for guests).
 *
 * <p>Like Entra, one signing key serves every tenant. Which user the next authorize request signs in, and whether
 * the token is tampered with, is set by the test ({@link #nextSignIn}); real Entra would ask the user.
 * {@code common}, {@code organizations} and {@code consumers} publish the issuer template / personal tenant just
 * as Microsoft's documents do, and verified domains resolve to their tenant's GUID.
 */
public final class EntraSimulator implements AutoCloseable {

    /** What to do to the next ID token, for the hostile cases. */
    public enum Tamper {
        NONE,
        /** Issued for another application. */
        WRONG_AUDIENCE,
        /** Signed with a key the tenant never published, under the published key id. */
        FOREIGN_KEY,
        /** Expired an hour ago. */
        EXPIRED,
        /** Valid now by exp and nbf, but its iat says it will only be issued an hour from now. */
        ISSUED_IN_FUTURE,
        /** Issued for our app and another one at once, with no azp saying which of them asked for it. */
        SEVERAL_AUDIENCES,
        /** Shaped like a v1.0 token: {@code ver} 1.0 and the tenant's {@code https://sts.windows.net/{tid}/} issuer. */
        V1_TOKEN,
        /** JOSE header {@code typ: at+jwt}: an OAuth access token (RFC 9068), not an ID token. */
        ACCESS_TOKEN_TYP,
        /** No {@code iss} claim at all. */
        NO_ISSUER
    }

    /** What Keycloak sent to the authorize endpoint: the tenant path segment and the query parameters. */
    public record AuthorizeRequest(String tenantSegment, Map<String, String> params) {
    }

    public static final String OTHER_APPLICATION = "0f0e0d0c-0b0a-4909-8807-060504030201";

    private static final Pattern ROUTE = Pattern.compile(
            "^/([^/]+)/(v2\\.0/\\.well-known/openid-configuration|discovery/v2\\.0/keys|oauth2/v2\\.0/authorize|oauth2/v2\\.0/token)$");
    /** Microsoft's shared tenant of personal accounts (outlook.com, hotmail.com), the issuer of {@code consumers}. */
    public static final String PERSONAL_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad";
    private static final Pattern GUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final String KEY_ID = "entra-sim-key-1";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpServer server;
    private final Map<String, String> verifiedDomains;
    private final KeyPair signingKey;
    private final KeyPair foreignKey;
    private final AtomicReference<PendingSignIn> next = new AtomicReference<>();
    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private final List<AuthorizeRequest> authorizeRequests = new CopyOnWriteArrayList<>();

    private record PendingSignIn(EntraUser user, Tamper tamper) {
    }

    private record Grant(EntraUser user, Tamper tamper, String clientId, String redirectUri, String nonce,
                         String codeChallenge) {
    }

    private EntraSimulator(Map<String, String> verifiedDomains) throws IOException, GeneralSecurityException {
        this.verifiedDomains = Map.copyOf(verifiedDomains);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        this.signingKey = generator.generateKeyPair();
        this.foreignKey = generator.generateKeyPair();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.start();
    }

    /** @param verifiedDomains domain name to tenant GUID, for discovery by domain */
    public static EntraSimulator start(Map<String, String> verifiedDomains) {
        try {
            return new EntraSimulator(verifiedDomains);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the Entra simulator", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("No RSA in this JVM", e);
        }
    }

    /** The authority origin to enter as the provider's authority host, e.g. {@code http://127.0.0.1:40123}. */
    public String authority() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String issuer(String tenantId) {
        return authority() + "/" + tenantId + "/v2.0";
    }

    /** The user the next authorize request signs in, with an untampered token. */
    public void nextSignIn(EntraUser user) {
        nextSignIn(user, Tamper.NONE);
    }

    public void nextSignIn(EntraUser user, Tamper tamper) {
        next.set(new PendingSignIn(user, tamper));
    }

    public List<AuthorizeRequest> authorizeRequests() {
        return List.copyOf(authorizeRequests);
    }

    /** An ID token as Entra would issue it to {@code audience}, e.g. as a token-exchange subject token. */
    public String idToken(EntraUser user, String audience, Tamper tamper) {
        return sign(claims(user, audience, null, tamper), tamper);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Matcher route = ROUTE.matcher(exchange.getRequestURI().getRawPath());
            if (!route.matches()) {
                respond(exchange, 404, error("invalid_request", "AADSTS90002: no such endpoint"));
                return;
            }
            String segment = URLDecoder.decode(route.group(1), StandardCharsets.UTF_8);
            switch (route.group(2)) {
                case "discovery/v2.0/keys" -> respond(exchange, 200, jwks());
                case "oauth2/v2.0/authorize" -> authorize(exchange, segment);
                case "oauth2/v2.0/token" -> token(exchange);
                default -> discovery(exchange, segment);
            }
        }
    }

    private void discovery(HttpExchange exchange, String segment) throws IOException {
        Optional<String> issuerTenant = issuerTenantOf(segment);
        if (issuerTenant.isEmpty()) {
            respond(exchange, 400, error("invalid_tenant", "AADSTS90002: Tenant '" + segment + "' not found."));
            return;
        }
        // A domain's document names the tenant GUID everywhere, exactly as Microsoft's does.
        String pathTenant = isGuid(issuerTenant.get()) ? issuerTenant.get() : segment;
        ObjectNode document = JsonSerialization.mapper.createObjectNode();
        document.put("issuer", authority() + "/" + issuerTenant.get() + "/v2.0");
        document.put("authorization_endpoint", authority() + "/" + pathTenant + "/oauth2/v2.0/authorize");
        document.put("token_endpoint", authority() + "/" + pathTenant + "/oauth2/v2.0/token");
        document.put("jwks_uri", authority() + "/" + pathTenant + "/discovery/v2.0/keys");
        document.putArray("response_types_supported").add("code").add("id_token").add("code id_token");
        document.putArray("id_token_signing_alg_values_supported").add("RS256");
        document.putArray("subject_types_supported").add("pairwise");
        respond(exchange, 200, document.toString());
    }

    /** Whether {@code value} is written like a tenant id (a lower-case GUID). */
    public static boolean isGuid(String value) {
        return value != null && GUID.matcher(value).matches();
    }

    private Optional<String> issuerTenantOf(String segment) {
        return switch (segment) {
            case "common", "organizations" -> Optional.of("{tenantid}");
            case "consumers" -> Optional.of(PERSONAL_TENANT);
            default -> isGuid(segment) ? Optional.of(segment) : Optional.ofNullable(verifiedDomains.get(segment));
        };
    }

    private void authorize(HttpExchange exchange, String segment) throws IOException {
        Map<String, String> params = Browser.query(exchange.getRequestURI().getRawQuery());
        authorizeRequests.add(new AuthorizeRequest(segment, params));
        String redirectUri = params.get("redirect_uri");
        PendingSignIn signIn = next.getAndSet(null);
        if (redirectUri == null || params.get("client_id") == null) {
            respond(exchange, 400, error("invalid_request", "AADSTS900144: client_id and redirect_uri are required"));
            return;
        }
        Map<String, String> answer = new LinkedHashMap<>();
        if (signIn == null) {
            answer.put("error", "access_denied");
            answer.put("error_description", "No test user was chosen for this sign-in");
        } else {
            String code = randomToken();
            codes.put(code, new Grant(signIn.user(), signIn.tamper(), params.get("client_id"), redirectUri,
                    params.get("nonce"), params.get("code_challenge")));
            answer.put("code", code);
        }
        if (params.get("state") != null) {
            answer.put("state", params.get("state"));
        }
        exchange.getResponseHeaders().add("Location", redirectUri + (redirectUri.contains("?") ? "&" : "?") + Browser.encode(answer));
        exchange.sendResponseHeaders(302, -1);
    }

    private void token(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            respond(exchange, 405, error("invalid_request", "POST only"));
            return;
        }
        Map<String, String> params = Browser.query(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        Grant grant = params.get("code") == null ? null : codes.remove(params.get("code"));
        String clientId = clientIdOf(exchange, params);
        if (grant == null || !"authorization_code".equals(params.get("grant_type"))) {
            respond(exchange, 400, error("invalid_grant", "AADSTS70008: the code is unknown or was already redeemed"));
            return;
        }
        if (!grant.clientId().equals(clientId) || !grant.redirectUri().equals(params.get("redirect_uri"))) {
            respond(exchange, 400, error("invalid_grant", "AADSTS50148: client or redirect_uri differs from the authorize request"));
            return;
        }
        if (grant.codeChallenge() != null && !grant.codeChallenge().equals(challenge(params.get("code_verifier")))) {
            respond(exchange, 400, error("invalid_grant", "AADSTS501481: the code_verifier does not match the code_challenge"));
            return;
        }
        ObjectNode answer = JsonSerialization.mapper.createObjectNode();
        answer.put("token_type", "Bearer");
        answer.put("scope", "openid profile email");
        answer.put("expires_in", 3600);
        // Access tokens for Graph are opaque to third parties; what matters to Keycloak is the ID token.
        answer.put("access_token", randomToken());
        answer.put("id_token", sign(claims(grant.user(), grant.clientId(), grant.nonce(), grant.tamper()), grant.tamper()));
        respond(exchange, 200, answer.toString());
    }

    /** client_secret_post or client_secret_basic; the secret's value is not this simulator's business. */
    private static String clientIdOf(HttpExchange exchange, Map<String, String> params) {
        String basic = exchange.getRequestHeaders().getFirst("Authorization");
        if (basic != null && basic.startsWith("Basic ")) {
            String decoded = new String(Base64.getDecoder().decode(basic.substring(6)), StandardCharsets.UTF_8);
            return URLDecoder.decode(decoded.substring(0, Math.max(0, decoded.indexOf(':'))), StandardCharsets.UTF_8);
        }
        return params.get("client_id");
    }

    private Map<String, Object> claims(EntraUser user, String audience, String nonce, Tamper tamper) {
        long now = System.currentTimeMillis() / 1000;
        long issuedAt = tamper == Tamper.EXPIRED ? now - 7200 : now;
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("aud", switch (tamper) {
            case WRONG_AUDIENCE -> OTHER_APPLICATION;
            case SEVERAL_AUDIENCES -> List.of(audience, OTHER_APPLICATION);
            default -> audience;
        });
        if (tamper == Tamper.V1_TOKEN) {
            claims.put("iss", "https://sts.windows.net/" + user.tenantId() + "/");
        } else if (tamper != Tamper.NO_ISSUER) {
            claims.put("iss", issuer(user.tenantId()));
        }
        claims.put("iat", tamper == Tamper.ISSUED_IN_FUTURE ? now + 3600 : issuedAt);
        claims.put("nbf", issuedAt);
        claims.put("exp", issuedAt + 3600);
        if (user.homeIssuer() != null) {
            claims.put("idp", user.homeIssuer());
        }
        claims.put("name", user.givenName() + " " + user.familyName());
        claims.put("given_name", user.givenName());
        claims.put("family_name", user.familyName());
        if (nonce != null) {
            claims.put("nonce", nonce);
        }
        claims.put("oid", user.objectId());
        claims.put("preferred_username", user.username());
        claims.put("email", user.email());
        // sub is pairwise per application in Entra; derive it so it is stable but never equals oid.
        claims.put("sub", base64Url(sha256(user.objectId() + "|" + audience)));
        claims.put("tid", user.tenantId());
        claims.put("ver", tamper == Tamper.V1_TOKEN ? "1.0" : "2.0");
        return claims;
    }

    private String sign(Map<String, Object> claims, Tamper tamper) {
        try {
            Map<String, Object> header = new LinkedHashMap<>();
            header.put("typ", tamper == Tamper.ACCESS_TOKEN_TYP ? "at+jwt" : "JWT");
            header.put("alg", "RS256");
            header.put("kid", KEY_ID);
            String input = base64Url(JsonSerialization.writeValueAsBytes(header)) + "."
                    + base64Url(JsonSerialization.writeValueAsBytes(claims));
            PrivateKey key = (tamper == Tamper.FOREIGN_KEY ? foreignKey : signingKey).getPrivate();
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + base64Url(signature.sign());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write token claims", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot sign with RS256", e);
        }
    }

    private String jwks() {
        RSAPublicKey key = (RSAPublicKey) signingKey.getPublic();
        ObjectNode document = JsonSerialization.mapper.createObjectNode();
        ArrayNode keys = document.putArray("keys");
        ObjectNode jwk = keys.addObject();
        jwk.put("kty", "RSA");
        jwk.put("use", "sig");
        jwk.put("kid", KEY_ID);
        jwk.put("n", base64Url(unsigned(key.getModulus())));
        jwk.put("e", base64Url(unsigned(key.getPublicExponent())));
        return document.toString();
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    private static String error(String code, String description) {
        ObjectNode error = JsonSerialization.mapper.createObjectNode();
        error.put("error", code);
        error.put("error_description", description);
        return error.toString();
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private static String challenge(String verifier) {
        return verifier == null ? null : base64Url(sha256(verifier));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 missing from the JVM", e);
        }
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String randomToken() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return base64Url(bytes);
    }
}
