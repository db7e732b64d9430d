package com.claromentis.keycloak.entra;

import com.claromentis.keycloak.tenant.EntraAuthority;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.Date;
import java.util.function.Consumer;
import java.util.function.Predicate;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.keycloak.jose.jws.JWSInput;

/** Entra-shaped ID tokens signed with throwaway keys. */
final class TestTokens {

    static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    static final String OTHER_TENANT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";
    static final String CLIENT_ID = "6731de76-14a6-49ae-97bc-6eba6914391e";
    static final String OID = "00000000-0000-0000-66f3-3332eca7ea81";
    static final String ISSUER = "https://login.microsoftonline.com/" + TENANT + "/v2.0";
    static final long NOW = 1_800_000_000L;

    static final RSAKey TENANT_KEY = generate("tenant-key");
    static final RSAKey OTHER_KEY = generate("attacker-key");

    private TestTokens() {
    }

    private static RSAKey generate(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A valid member token; the customizer makes it hostile. */
    static JWTClaimsSet.Builder memberClaims() {
        return new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(CLIENT_ID)
                .subject("AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ")
                .issueTime(new Date((NOW - 60) * 1000))
                .notBeforeTime(new Date((NOW - 60) * 1000))
                .expirationTime(new Date((NOW + 3600) * 1000))
                .claim("tid", TENANT)
                .claim("oid", OID)
                .claim("preferred_username", "alan@contoso.onmicrosoft.com")
                .claim("ver", "2.0");
    }

    static String signed(Consumer<JWTClaimsSet.Builder> customizer) {
        return signedWith(TENANT_KEY, customizer);
    }

    /** A validator of the global cloud for our tenant and client, 30 seconds of clock skew. */
    static EntraTokenValidator validator(boolean guestsAllowed) {
        return new EntraTokenValidator(new EntraTenantRules(EntraAuthority.parse(null), TENANT, CLIENT_ID, guestsAllowed, 30));
    }

    /** Signed by the tenant key with the given JOSE header {@code typ}. */
    static String signedWithType(String typ, Consumer<JWTClaimsSet.Builder> customizer) {
        JWTClaimsSet.Builder claims = memberClaims();
        customizer.accept(claims);
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(TENANT_KEY.getKeyID())
                    .type(new JOSEObjectType(typ)).build(), claims.build());
            jwt.sign(new RSASSASigner(TENANT_KEY));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String signedWith(RSAKey key, Consumer<JWTClaimsSet.Builder> customizer) {
        JWTClaimsSet.Builder claims = memberClaims();
        customizer.accept(claims);
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims.build());
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hmacSigned() {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), memberClaims().build());
            jwt.sign(new MACSigner(new byte[32]));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String unsigned() {
        return new PlainJWT(memberClaims().build()).serialize();
    }

    /** Header and payload written by hand, with the tenant key's signature over them. */
    static String rawSigned(String headerJson, String payloadJson) {
        String input = b64(headerJson) + "." + b64(payloadJson);
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(TENANT_KEY.toPrivateKey());
            signature.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Stands in for Keycloak's OIDC signature validation with the tenant's JWKS. */
    static Predicate<JWSInput> tenantKeys() {
        return jws -> {
            try {
                RSAPublicKey publicKey = TENANT_KEY.toRSAPublicKey();
                Signature signature = Signature.getInstance("SHA256withRSA");
                signature.initVerify(publicKey);
                signature.update(jws.getEncodedSignatureInput().getBytes(StandardCharsets.US_ASCII));
                return signature.verify(jws.getSignature());
            } catch (Exception e) {
                return false;
            }
        };
    }
}
