package com.claromentis.keycloak.testing.directory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The test run's own certificate authority for the directory servers' LDAPS, made with {@code openssl}.
 *
 * <p>Samba's self-made certificate names only {@code DC1.example.test}, with no subject alternative name, so a Java
 * LDAPS client connecting to {@code 127.0.0.1} (JNDI checks the endpoint identity) refuses it even when trusted. Each
 * fixture therefore gets a server certificate from this CA with {@code IP:127.0.0.1} and {@code DNS:localhost}, put
 * where the server looks for its certificate, and Keycloak trusts the one CA file through its truststore
 * ({@code truststore-paths}). The CA lives at a fixed path ({@link #caCertificate()}) made once per JVM, before any
 * directory server starts, so Keycloak can be given it before it starts.
 */
public final class DirectoryTls {

    /** Password of {@link #truststore()}. */
    public static final String TRUSTSTORE_PASSWORD = "changeit";

    private static final Duration OPENSSL_TIMEOUT = Duration.ofSeconds(60);
    private static final String INSTALL = "apt-get install -y openssl";
    private static DirectoryTls shared;

    private final Path dir;
    private final Path caCertificate;
    private final Path caKey;
    private final Path truststore;

    private DirectoryTls(Path dir) {
        this.dir = dir;
        this.caCertificate = dir.resolve("ca.pem");
        this.caKey = dir.resolve("ca.key");
        this.truststore = dir.resolve("truststore.p12");
    }

    /** The run's CA, made on first use under {@code target/directories/tls/}. */
    public static synchronized DirectoryTls shared() {
        if (shared == null) {
            DirectoryTls tls = new DirectoryTls(Workspace.fresh("tls"));
            tls.makeAuthority();
            shared = tls;
        }
        return shared;
    }

    /** PEM of the CA certificate every fixture's server certificate is issued by. */
    public Path caCertificate() {
        return caCertificate;
    }

    /** PKCS12 truststore holding only {@link #caCertificate()}, password {@value #TRUSTSTORE_PASSWORD}. */
    public Path truststore() {
        return truststore;
    }

    public X509Certificate caX509() {
        try (InputStream in = Files.newInputStream(caCertificate)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Unreadable CA certificate " + caCertificate, e);
        }
    }

    /**
     * Issues a server certificate for {@code 127.0.0.1}, {@code localhost} and {@code extraDnsNames} into
     * {@code targetDir} as {@code cert.pem}, {@code key.pem} (PKCS#8, mode 0600) and a copy of the CA as {@code ca.pem}.
     */
    public ServerCertificate issue(Path targetDir, String commonName, String... extraDnsNames) {
        try {
            Files.createDirectories(targetDir);
            StringBuilder san = new StringBuilder("subjectAltName=IP:127.0.0.1,DNS:localhost");
            for (String name : extraDnsNames) {
                san.append(",DNS:").append(name);
            }
            Path key = targetDir.resolve("key.pem");
            Path cert = targetDir.resolve("cert.pem");
            openssl(List.of("req", "-x509", "-config", config().toString(), "-CA", caCertificate.toString(),
                    "-CAkey", caKey.toString(), "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key.toString(), "-out", cert.toString(), "-days", "30", "-subj", "/CN=" + commonName,
                    "-addext", san.toString(), "-addext", "basicConstraints=critical,CA:FALSE",
                    "-addext", "keyUsage=critical,digitalSignature", "-addext", "extendedKeyUsage=serverAuth"));
            // Samba refuses a private key others can read.
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
            Path ca = targetDir.resolve("ca.pem");
            Files.copy(caCertificate, ca, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return new ServerCertificate(cert, key, ca);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the certificate for " + commonName, e);
        }
    }

    /** A server's certificate files. */
    public record ServerCertificate(Path certificate, Path privateKey, Path caCertificate) {
    }

    private void makeAuthority() {
        openssl(List.of("req", "-x509", "-config", config().toString(), "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", caKey.toString(), "-out", caCertificate.toString(),
                "-days", "30", "-subj", "/O=claromentis-keycloak tests/CN=Directory fixtures test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"));
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("directory-test-ca", caX509());
            try (OutputStream out = Files.newOutputStream(truststore)) {
                store.store(out, TRUSTSTORE_PASSWORD.toCharArray());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + truststore, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot build the truststore " + truststore, e);
        }
    }

    /** A minimal request config, so the system openssl.cnf's default extensions do not clash with ours. */
    private Path config() {
        Path config = dir.resolve("openssl.cnf");
        try {
            if (!Files.exists(config)) {
                Files.writeString(config, "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = unused\n");
            }
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void openssl(List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(Commands.require("openssl", INSTALL).toString());
        command.addAll(arguments);
        Commands.run(dir, dir.resolve("openssl.log"), OPENSSL_TIMEOUT, Map.of(), command);
    }
}
