package com.claromentis.keycloak.graph;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The app registration's certificate credential: an RSA private key (PKCS#8 PEM) and the certificate uploaded to the
 * app (PEM). It signs the client assertion Entra's token endpoint takes instead of a client secret (RFC 7523), with
 * the certificate's SHA-256 and SHA-1 thumbprints in the header, by which Entra finds the uploaded certificate.
 */
final class AppCertificate {

    static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static final Pattern CERTIFICATE = Pattern.compile(
            "-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+)-----END CERTIFICATE-----");
    private static final Pattern KEY = Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private final PrivateKey key;
    private final X509Certificate certificate;

    private AppCertificate(PrivateKey key, X509Certificate certificate) {
        this.key = key;
        this.certificate = certificate;
    }

    /**
     * @param pem the certificate and its private key, both PEM, in either order
     * @throws IllegalArgumentException with a message fit for the admin console, never quoting the key
     */
    static AppCertificate parse(String pem) {
        if (pem == null || pem.isBlank()) {
            throw new IllegalArgumentException("Client certificate is empty");
        }
        if (pem.contains("BEGIN RSA PRIVATE KEY") || pem.contains("BEGIN ENCRYPTED PRIVATE KEY")) {
            throw new IllegalArgumentException("Client certificate: the private key must be an unencrypted PKCS#8 key "
                    + "(-----BEGIN PRIVATE KEY-----); convert it with: openssl pkcs8 -topk8 -nocrypt -in key.pem");
        }
        Matcher cert = CERTIFICATE.matcher(pem);
        Matcher key = KEY.matcher(pem);
        if (!cert.find() || !key.find()) {
            throw new IllegalArgumentException("Client certificate must hold the certificate (-----BEGIN CERTIFICATE-----) "
                    + "and its private key (-----BEGIN PRIVATE KEY-----), both PEM");
        }
        try {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(decode(cert.group(1))));
            if (!(certificate.getPublicKey() instanceof RSAPublicKey)) {
                throw new IllegalArgumentException("Client certificate must be an RSA certificate, as Entra ID requires");
            }
            PrivateKey privateKey = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(decode(key.group(1))));
            AppCertificate parsed = new AppCertificate(privateKey, certificate);
            parsed.requireMatchingKey();
            return parsed;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            if (e instanceof IllegalArgumentException && e.getMessage() != null && e.getMessage().startsWith("Client certificate")) {
                throw (IllegalArgumentException) e;
            }
            throw new IllegalArgumentException("Client certificate cannot be read: " + e.getClass().getSimpleName(), e);
        }
    }

    /** A client assertion for {@code tokenEndpoint}, valid for five minutes from {@code now}. */
    String assertion(String clientId, String tokenEndpoint, Instant now) {
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5t#S256\":\"" + thumbprint("SHA-256") + "\",\"x5t\":\""
                + thumbprint("SHA-1") + "\"}";
        long iat = now.getEpochSecond();
        String claims = "{\"aud\":" + json(tokenEndpoint) + ",\"iss\":" + json(clientId) + ",\"sub\":" + json(clientId)
                + ",\"jti\":\"" + UUID.randomUUID() + "\",\"nbf\":" + iat + ",\"iat\":" + iat + ",\"exp\":" + (iat + 300) + "}";
        String signingInput = URL.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + URL.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + URL.encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The client certificate's key cannot sign: " + e.getClass().getSimpleName(), e);
        }
    }

    private void requireMatchingKey() throws GeneralSecurityException {
        byte[] probe = "claromentis".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(key);
        signer.update(probe);
        byte[] signed = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(probe);
        if (!verifier.verify(signed)) {
            throw new IllegalArgumentException("Client certificate: the private key does not belong to the certificate");
        }
    }

    private String thumbprint(String algorithm) {
        try {
            return URL.encodeToString(MessageDigest.getInstance(algorithm).digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("No " + algorithm + " in this JVM", e);
        }
    }

    private static byte[] decode(String base64) {
        return Base64.getMimeDecoder().decode(base64.replaceAll("\\s", ""));
    }

    private static String json(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
