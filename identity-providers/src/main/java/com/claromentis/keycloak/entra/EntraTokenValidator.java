package com.claromentis.keycloak.entra;

import java.io.IOException;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

import org.keycloak.jose.jws.JWSInput;
import org.keycloak.jose.jws.JWSInputException;
import org.keycloak.representations.JsonWebToken;
import org.keycloak.util.JsonSerialization;

/**
 * The Entra-specific rules every ID token must pass before a sign-in (or a token exchange) is accepted.
 * Pure: the signature check is passed in, so production uses Keycloak's OIDC key handling with the tenant's
 * JWKS while tests use their own keys. The order of checks decides which reason is reported; the signature
 * comes first so that nothing an attacker wrote is reported as if Microsoft had said it.
 */
public final class EntraTokenValidator {

    public static final String TENANT_ID = "tid";
    public static final String OBJECT_ID = "oid";
    public static final String IDENTITY_PROVIDER = "idp";

    /** Entra ID tokens, even with group claims, stay far below this; anything larger is not worth parsing. */
    public static final int MAX_TOKEN_LENGTH = 32 * 1024;

    /** Entra signs ID tokens with RS256 only; HS* would let a public key be used as an HMAC secret. */
    private static final Set<String> ALLOWED_ALGORITHMS = Set.of("RS256");

    private final String expectedIssuer;
    private final String tenantId;
    private final String clientId;
    private final boolean guestsAllowed;
    private final int clockSkewSeconds;

    public EntraTokenValidator(String expectedIssuer, String tenantId, String clientId, boolean guestsAllowed,
                               int clockSkewSeconds) {
        this.expectedIssuer = Objects.requireNonNull(expectedIssuer, "expectedIssuer");
        this.tenantId = Objects.requireNonNull(tenantId, "tenantId");
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.guestsAllowed = guestsAllowed;
        this.clockSkewSeconds = Math.max(0, clockSkewSeconds);
    }

    /**
     * @param compactToken   the ID token as received
     * @param signatureCheck true if the JWS signature verifies with a key of the configured tenant
     * @param nowEpochSecond current time in seconds
     */
    public EntraVerdict validate(String compactToken, Predicate<JWSInput> signatureCheck, long nowEpochSecond) {
        if (compactToken == null || compactToken.isBlank()) {
            return EntraVerdict.refused(EntraRefusal.MALFORMED_TOKEN);
        }
        if (compactToken.length() > MAX_TOKEN_LENGTH) {
            return EntraVerdict.refused(EntraRefusal.TOKEN_TOO_LARGE);
        }
        JWSInput jws;
        try {
            jws = new JWSInput(compactToken);
        } catch (JWSInputException | RuntimeException e) {
            // Hostile input: Keycloak's parser signals bad segments and bad base64 with unchecked exceptions.
            return EntraVerdict.refused(EntraRefusal.MALFORMED_TOKEN);
        }
        String alg = jws.getHeader() == null ? null : jws.getHeader().getRawAlgorithm();
        if (alg == null || alg.isBlank() || alg.equalsIgnoreCase("none")) {
            return EntraVerdict.refused(EntraRefusal.UNSIGNED_TOKEN);
        }
        if (!ALLOWED_ALGORITHMS.contains(alg)) {
            return EntraVerdict.refused(EntraRefusal.UNSUPPORTED_ALGORITHM);
        }
        if (jws.getSignature() == null || jws.getSignature().length == 0 || !signatureCheck.test(jws)) {
            return EntraVerdict.refused(EntraRefusal.BAD_SIGNATURE);
        }
        JsonWebToken token;
        try {
            token = JsonSerialization.readValue(jws.getContent(), JsonWebToken.class);
        } catch (IOException | RuntimeException e) {
            return EntraVerdict.refused(EntraRefusal.MALFORMED_TOKEN);
        }
        if (token == null) {
            return EntraVerdict.refused(EntraRefusal.MALFORMED_TOKEN);
        }
        return checkClaims(token, nowEpochSecond);
    }

    private EntraVerdict checkClaims(JsonWebToken token, long now) {
        String iss = token.getIssuer();
        if (iss == null || iss.isEmpty()) {
            return EntraVerdict.refused(EntraRefusal.MISSING_ISSUER);
        }
        // The multi-tenant discovery documents publish this literal template; a token carrying it was never
        // issued by a real tenant and must not be matched loosely.
        if (iss.contains("{tenantid}") || iss.contains("{tenant}")) {
            return EntraVerdict.refused(EntraRefusal.ISSUER_TEMPLATE);
        }
        Object tid = token.getOtherClaims().get(TENANT_ID);
        if (tid == null) {
            return EntraVerdict.refused(EntraRefusal.MISSING_TENANT);
        }
        if (!(tid instanceof String tidValue) || !EntraTenants.isGuid(tidValue)) {
            return EntraVerdict.refused(EntraRefusal.INVALID_TENANT_CLAIM);
        }
        if (tidValue.equals(EntraTenants.PERSONAL_ACCOUNT_TENANT)) {
            return EntraVerdict.refused(EntraRefusal.PERSONAL_ACCOUNT);
        }
        if (!tidValue.equals(tenantId)) {
            return EntraVerdict.refused(EntraRefusal.TENANT_MISMATCH);
        }
        if (!iss.equals(expectedIssuer)) {
            return EntraVerdict.refused(EntraRefusal.ISSUER_MISMATCH);
        }
        if (!token.hasAudience(clientId)) {
            return EntraVerdict.refused(EntraRefusal.WRONG_AUDIENCE);
        }
        if (token.getIssuedFor() != null && !token.getIssuedFor().equals(clientId)) {
            return EntraVerdict.refused(EntraRefusal.WRONG_AUTHORIZED_PARTY);
        }
        if (token.getExp() == null) {
            return EntraVerdict.refused(EntraRefusal.MISSING_EXPIRY);
        }
        if (now > token.getExp() + clockSkewSeconds) {
            return EntraVerdict.refused(EntraRefusal.EXPIRED);
        }
        if (token.getNbf() != null && now + clockSkewSeconds < token.getNbf()) {
            return EntraVerdict.refused(EntraRefusal.NOT_YET_VALID);
        }
        Object oid = token.getOtherClaims().get(OBJECT_ID);
        if (oid == null) {
            return EntraVerdict.refused(EntraRefusal.MISSING_OBJECT_ID);
        }
        if (!(oid instanceof String oidValue) || !EntraTenants.isGuid(oidValue)) {
            return EntraVerdict.refused(EntraRefusal.INVALID_OBJECT_ID);
        }
        Object idp = token.getOtherClaims().get(IDENTITY_PROVIDER);
        // Members carry no idp or idp == iss; anything else signed in through another directory (B2B guest,
        // or a personal account invited as a guest).
        if (idp != null && !idp.equals(iss) && !guestsAllowed) {
            return EntraVerdict.refused(EntraRefusal.GUEST_USER);
        }
        return EntraVerdict.accepted(token);
    }
}
