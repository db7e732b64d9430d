package com.claromentis.keycloak.testing.graph;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed RSA certificates with their private keys, as an administrator uploads one to an Entra app registration
 * and pastes both into Keycloak, made by the JDK's own {@code keytool}.
 */
public final class AppCertificates {

    /** The certificate and the private key as PEM (what the administrator pastes), and the certificate itself. */
    public record Credential(String pem, X509Certificate certificate) {
    }

    private AppCertificates() {
    }

    public static Credential create(String subject) {
        try {
            Path dir = Files.createTempDirectory("app-cert");
            Path store = dir.resolve("app.p12");
            String password = UUID.randomUUID().toString();
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "app", "-keyalg", "RSA",
                    "-keysize", "2048", "-validity", "30", "-dname", "CN=" + subject, "-storetype", "PKCS12",
                    "-keystore", store.toString(), "-storepass", password, "-keypass", password)
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool could not create a certificate: " + output);
            }
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keyStore.load(in, password.toCharArray());
            }
            PrivateKey key = (PrivateKey) keyStore.getKey("app", password.toCharArray());
            X509Certificate certificate = (X509Certificate) keyStore.getCertificate("app");
            Base64.Encoder mime = Base64.getMimeEncoder(64, "\n".getBytes());
            String pem = "-----BEGIN CERTIFICATE-----\n" + mime.encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\n" + mime.encodeToString(key.getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            Files.delete(store);
            Files.delete(dir);
            return new Credential(pem, certificate);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot create a test certificate", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating a test certificate", e);
        }
    }
}
