package com.claromentis.keycloak.graph;

import com.claromentis.keycloak.testing.graph.AppCertificates;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The app's certificate credential")
class AppCertificateTest {

    private static final AppCertificates.Credential APP = AppCertificates.create("graph-sync-test");
    private static final AppCertificates.Credential OTHER = AppCertificates.create("another-app");
    private static final String ENDPOINT = "https://login.microsoftonline.com/4b1c6f0e-2a7d-4c3e-9f10-5d2e8a7b6c01/oauth2/v2.0/token";

    @Nested
    @DisplayName("given the certificate and its PKCS#8 key in PEM")
    class Valid {

        @Test
        @DisplayName("then the client assertion is an RS256 JWT for the token endpoint, signed by the key, with the thumbprint")
        void assertion() throws Exception {
            AppCertificate certificate = AppCertificate.parse(APP.pem());
            Instant now = Instant.now();

            String[] jwt = certificate.assertion("app-id", ENDPOINT, now).split("\\.");

            ObjectMapper json = new ObjectMapper();
            JsonNode header = json.readTree(Base64.getUrlDecoder().decode(jwt[0]));
            JsonNode claims = json.readTree(Base64.getUrlDecoder().decode(jwt[1]));
            assertThat(header.path("alg").asText()).isEqualTo("RS256");
            assertThat(header.path("x5t#S256").asText()).isEqualTo(Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(APP.certificate().getEncoded())));
            assertThat(claims.path("aud").asText()).isEqualTo(ENDPOINT);
            assertThat(claims.path("iss").asText()).isEqualTo("app-id");
            assertThat(claims.path("sub").asText()).isEqualTo("app-id");
            assertThat(claims.path("exp").asLong() - now.getEpochSecond()).isEqualTo(300);
            assertThat(claims.path("jti").asText()).isNotBlank();
            Signature verify = Signature.getInstance("SHA256withRSA");
            verify.initVerify(APP.certificate().getPublicKey());
            verify.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
            assertThat(verify.verify(Base64.getUrlDecoder().decode(jwt[2]))).isTrue();
        }

        @Test
        @DisplayName("then two assertions never share a jti (Entra accepts each once)")
        void freshJti() {
            AppCertificate certificate = AppCertificate.parse(APP.pem());
            Instant now = Instant.now();

            assertThat(certificate.assertion("a", ENDPOINT, now)).isNotEqualTo(certificate.assertion("a", ENDPOINT, now));
        }
    }

    @Nested
    @DisplayName("given what an administrator might paste by mistake")
    class Refused {

        @Test
        @DisplayName("then a key of another certificate, a missing part, a PKCS#1 or encrypted key, or garbage is refused without quoting the key")
        void refusals() {
            String key = APP.pem().substring(APP.pem().indexOf("-----BEGIN PRIVATE KEY-----"));
            String otherCert = OTHER.pem().substring(0, OTHER.pem().indexOf("-----BEGIN PRIVATE KEY-----"));
            assertThatThrownBy(() -> AppCertificate.parse(otherCert + key)).hasMessageContaining("does not belong");
            assertThatThrownBy(() -> AppCertificate.parse(key)).hasMessageContaining("both PEM");
            assertThatThrownBy(() -> AppCertificate.parse("-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----"))
                    .hasMessageContaining("PKCS#8");
            assertThatThrownBy(() -> AppCertificate.parse(" ")).hasMessageContaining("empty");
            String broken = APP.pem().replace("-----BEGIN CERTIFICATE-----\n", "-----BEGIN CERTIFICATE-----\nAAAA");
            assertThatThrownBy(() -> AppCertificate.parse(broken)).hasMessageContaining("cannot be read")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(key.substring(30, 60)));
        }
    }
}
