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
 * Checks an Entra ID token before a sign-in (or a token exchange) is accepted: size, JOSE structure, algorithm and
 * signature here, then every claim rule of {@link EntraTenantRules}. Pure: the signature check is passed in, so
 * production uses Keycloak's OIDC key handling with the tenant's JWKS while tests use their own keys. The
 * signature comes first so that nothing an attacker wrote is reported as if Microsoft had said it. Immutable, so one
 * instance serves every token of a provider configuration.
 */
public final class EntraTokenValidator {

    /** Entra ID tokens, even with group claims, stay far below this; anything larger is not worth parsing. */
    public static final int MAX_TOKEN_LENGTH = 32 * 1024;

    /** Entra signs ID tokens with RS256 only; HS* would let a public key be used as an HMAC secret. */
    private static final Set<String> ALLOWED_ALGORITHMS = Set.of("RS256");

    private final EntraTenantRules rules;

    public EntraTokenValidator(EntraTenantRules rules) {
        this.rules = Objects.requireNonNull(rules, "rules");
    }

    EntraTenantRules rules() {
        return rules;
    }

    /**
     * @param compactToken   the ID token as received
     * @param signatureCheck true if the JWS signature verifies with a key of the configured tenant; called at most once
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
        return rules.idTokenRefusal(jws.getHeader().getType(), token, nowEpochSecond)
                .map(EntraVerdict::refused)
                .orElseGet(() -> EntraVerdict.accepted(token));
    }
}
