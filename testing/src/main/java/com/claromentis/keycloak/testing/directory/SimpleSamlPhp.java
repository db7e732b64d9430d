package com.claromentis.keycloak.testing.directory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A real SAML 2.0 identity provider that is not Keycloak: Debian's SimpleSAMLphp (1.19) served by PHP's built-in
 * server on a free port of 127.0.0.1, from a private configuration in a fresh folder under
 * {@code target/directories/}. Started once per test run ({@link #shared()}) and stopped at JVM exit.
 *
 * <p>It signs its assertions but not the Response envelope (AD FS's default), names attributes in URI format, and
 * signs people in with a username/password form ({@code exampleauth:UserPass}). People and service providers are
 * PHP files that SimpleSAMLphp reads on every request, so a test changes them while the server runs. A person holding
 * the attribute {@value #REFUSED} is refused by the identity provider with a SAML {@code RequestDenied} answer, whose
 * Response it signs (there is no assertion to sign).
 */
public final class SimpleSamlPhp implements AutoCloseable {

    public static final String INSTALL = "apt-get install -y --no-install-recommends simplesamlphp php-cli php8.2-xml";
    /** A person with this attribute is refused by the identity provider (status Responder/RequestDenied). */
    public static final String REFUSED = "claromentis-test-refused";
    /** The message the identity provider's refusal carries. */
    public static final String REFUSAL_MESSAGE = "This account is disabled at the identity provider";

    private static final Logger LOG = Logger.getLogger(SimpleSamlPhp.class.getName());
    private static final Path WWW = Path.of("/usr/share/simplesamlphp/www");
    private static final Path STOCK_CONFIG = Path.of("/etc/simplesamlphp/config.php");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

    private static SimpleSamlPhp shared;

    private final Path home;
    private final int port;
    private final Map<String, Person> people = new LinkedHashMap<>();
    private final Map<String, ServiceProvider> serviceProviders = new LinkedHashMap<>();
    private Process php;

    private SimpleSamlPhp(Path home, int port) {
        this.home = home;
        this.port = port;
    }

    /** The run's identity provider, started on first use. */
    public static synchronized SimpleSamlPhp shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "simplesamlphp-stop"));
        }
        return shared;
    }

    private static SimpleSamlPhp start() {
        Path binary = Commands.require("php", INSTALL);
        if (!Files.isRegularFile(WWW.resolve("saml2/idp/SSOService.php")) || !Files.isRegularFile(STOCK_CONFIG)) {
            throw new IllegalStateException("SimpleSAMLphp is missing (" + WWW + ", " + STOCK_CONFIG
                    + "). Install it (as root) with: " + INSTALL);
        }
        int port = ServerProcess.freePort();
        SimpleSamlPhp server = new SimpleSamlPhp(Workspace.fresh("simplesamlphp-" + port), port);
        Instant begin = Instant.now();
        try {
            server.writeConfiguration();
            // Without the opcode cache every request reads the PHP files a test has just rewritten (people, service
            // providers); with it a file changed within the last two seconds may still be served from the cache.
            ProcessBuilder builder = new ProcessBuilder(binary.toString(), "-d", "opcache.enable=0",
                    "-d", "opcache.enable_cli=0", "-S", "127.0.0.1:" + port, "-t", WWW.toString())
                    .directory(server.home.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(server.home.resolve("php-server.log").toFile());
            builder.environment().put("SIMPLESAMLPHP_CONFIG_DIR", server.home.resolve("config").toString());
            // The built-in server answers one request at a time unless told otherwise.
            builder.environment().put("PHP_CLI_SERVER_WORKERS", "4");
            server.php = builder.start();
            server.awaitReady(begin);
            LOG.info(() -> "SimpleSAMLphp ready on " + server.baseUrl() + " in "
                    + Duration.between(begin, Instant.now()).toMillis() + " ms (" + server.home + ")");
            return server;
        } catch (IOException e) {
            server.close();
            throw new UncheckedIOException("Cannot start SimpleSAMLphp under " + server.home, e);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Where the identity provider's metadata is, as an administrator gives it to Keycloak's import. */
    public String metadataUrl() {
        return baseUrl() + "/saml2/idp/metadata.php";
    }

    public String entityId() {
        return metadataUrl();
    }

    /** The folder holding the configuration, keys and logs, for a person reading a failure. */
    public Path home() {
        return home;
    }

    /**
     * Trusts a service provider (a Keycloak realm's SAML broker) with the default assertion lifetime of 5 minutes.
     *
     * @param entityId the realm URL, which Keycloak's broker uses as its entity id
     * @param acsUrl   the broker endpoint, {@code <realm URL>/broker/<alias>/endpoint}
     */
    public void serviceProvider(String entityId, String acsUrl) {
        serviceProvider(entityId, acsUrl, DEFAULT_LIFETIME);
    }

    /** As {@link #serviceProvider(String, String)}, with assertions valid for {@code assertionLifetime} only. */
    public synchronized void serviceProvider(String entityId, String acsUrl, Duration assertionLifetime) {
        serviceProviders.put(entityId, new ServiceProvider(entityId, acsUrl, assertionLifetime));
        write(home.resolve("metadata/saml20-sp-remote.php"), spRemote());
    }

    /**
     * Adds or replaces a person who signs in with {@code username} and {@code password}; {@code attributes} are sent
     * as the assertion's attributes, named as given (e.g. AD FS claim URIs), every value as given.
     */
    public synchronized void person(String username, String password, Map<String, List<String>> attributes) {
        if (username.contains(":") || password.contains(":")) {
            throw new IllegalArgumentException("SimpleSAMLphp's UserPass source cannot hold ':' in a username or password");
        }
        people.put(username, new Person(username, password, Map.copyOf(attributes)));
        write(home.resolve("config/authsources.php"), authSources());
    }

    private void writeConfiguration() throws IOException {
        for (String dir : List.of("config", "metadata", "cert", "log", "data", "tmp", "sessions")) {
            Files.createDirectories(home.resolve(dir));
        }
        Commands.run(home, home.resolve("commands.log"), Duration.ofSeconds(60), Map.of(), List.of(
                Commands.require("openssl", INSTALL).toString(), "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-days", "2", "-subj", "/CN=simplesamlphp.test", "-keyout", home.resolve("cert/idp.key").toString(),
                "-out", home.resolve("cert/idp.crt").toString()));
        write(home.resolve("config/config.php"), """
                <?php
                // Written by claromentis-testing's SimpleSamlPhp fixture: Debian's configuration, with what a
                // loopback-only identity provider of one test run needs.
                require %s;
                $config['baseurlpath'] = %s;
                $config['certdir'] = %s;
                $config['metadatadir'] = %s;
                $config['loggingdir'] = %s;
                $config['datadir'] = %s;
                $config['tempdir'] = %s;
                $config['secretsalt'] = %s;
                $config['auth.adminpassword'] = %s;
                $config['enable.saml20-idp'] = true;
                $config['module.enable'] = ['exampleauth' => true];
                $config['store.type'] = 'phpsession';
                $config['session.phpsession.savepath'] = %s;
                $config['session.cookie.secure'] = false;
                // SimpleSAMLphp's default, SameSite=None, is dropped by browsers from a cookie that is not Secure.
                $config['session.cookie.samesite'] = 'Lax';
                $config['trusted.url.domains'] = ['127.0.0.1'];
                $config['logging.handler'] = 'file';
                $config['showerrors'] = false;
                """.formatted(php(STOCK_CONFIG.toString()), php(baseUrl() + "/"), php(dir("cert")), php(dir("metadata")),
                php(dir("log")), php(dir("data")), php(dir("tmp")), php(Secrets.randomSecret()),
                php(Secrets.randomSecret()), php(home.resolve("sessions").toString())));
        write(home.resolve("metadata/saml20-idp-hosted.php"), """
                <?php
                $metadata['__DYNAMIC:1__'] = [
                    'host' => '__DEFAULT__',
                    'privatekey' => 'idp.key',
                    'certificate' => 'idp.crt',
                    'auth' => 'staff',
                    'attributes.NameFormat' => 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri',
                    'saml20.sign.assertion' => true,
                    'saml20.sign.response' => false,
                    'authproc' => [
                        90 => ['class' => 'core:PHP', 'code' => %s],
                    ],
                ];
                """.formatted(php("if (isset($attributes[" + php(REFUSED) + "])) { $state['SPMetadata']['saml20.sign.response'] = true; "
                + "\\SimpleSAML\\Auth\\State::throwException("
                + "$state, new \\SimpleSAML\\Module\\saml\\Error(\\SAML2\\Constants::STATUS_RESPONDER, "
                + "\\SAML2\\Constants::STATUS_REQUEST_DENIED, " + php(REFUSAL_MESSAGE) + ")); }")));
        write(home.resolve("metadata/saml20-sp-remote.php"), spRemote());
        write(home.resolve("config/authsources.php"), authSources());
    }

    private String dir(String name) {
        return home.resolve(name) + "/";
    }

    private String spRemote() {
        StringBuilder out = new StringBuilder("<?php\n");
        for (ServiceProvider sp : serviceProviders.values()) {
            out.append("$metadata[").append(php(sp.entityId())).append("] = [\n")
                    .append("    'AssertionConsumerService' => ").append(php(sp.acsUrl())).append(",\n")
                    .append("    'NameIDFormat' => 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',\n")
                    .append("    'assertion.lifetime' => ").append(Math.max(1, sp.assertionLifetime().toSeconds())).append(",\n")
                    .append("];\n");
        }
        return out.toString();
    }

    private String authSources() {
        StringBuilder out = new StringBuilder("<?php\n$config = [\n    'admin' => ['core:AdminPassword'],\n"
                + "    'staff' => [\n        'exampleauth:UserPass',\n");
        for (Person person : people.values()) {
            out.append("        ").append(php(person.username() + ":" + person.password())).append(" => [\n");
            person.attributes().forEach((name, values) -> {
                out.append("            ").append(php(name)).append(" => [");
                values.forEach(value -> out.append(php(value)).append(", "));
                out.append("],\n");
            });
            out.append("        ],\n");
        }
        return out.append("    ],\n];\n").toString();
    }

    /** A PHP single-quoted string literal: only the backslash and the quote are special there. */
    static String php(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static void write(Path file, String content) {
        try {
            // Written aside and moved, so a request arriving meanwhile reads the old file or the new one, never half.
            Path temporary = file.resolveSibling(file.getFileName() + ".new");
            Files.writeString(temporary, content, StandardCharsets.UTF_8);
            Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    private void awaitReady(Instant begin) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String lastProblem = "no answer yet";
        while (Duration.between(begin, Instant.now()).compareTo(READY_TIMEOUT) < 0) {
            if (!php.isAlive()) {
                throw new IllegalStateException("PHP's server exited while starting SimpleSAMLphp: "
                        + Commands.tail(home.resolve("php-server.log")));
            }
            try {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(metadataUrl()))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                // Its error pages answer 200 too: only the metadata itself says it is ready.
                if (answer.body().contains("IDPSSODescriptor")) {
                    return;
                }
                if (answer.body().contains("DOMDocument")) {
                    throw new IllegalStateException("PHP lacks its XML extension (\"DOMDocument not found\"). Install it "
                            + "(as root) with: " + INSTALL);
                }
                lastProblem = "HTTP " + answer.statusCode() + " without metadata: "
                        + answer.body().substring(0, Math.min(300, answer.body().length()));
            } catch (IOException e) {
                lastProblem = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for SimpleSAMLphp", e);
            }
            ServerProcess.sleep(100);
        }
        throw new IllegalStateException("SimpleSAMLphp did not serve its metadata within " + READY_TIMEOUT + " ("
                + lastProblem + "); see " + home.resolve("log") + " and " + home.resolve("php-server.log"));
    }

    @Override
    public synchronized void close() {
        if (php == null) {
            return;
        }
        php.descendants().forEach(ProcessHandle::destroy);
        php.destroy();
        try {
            if (!php.waitFor(10, TimeUnit.SECONDS)) {
                php.descendants().forEach(ProcessHandle::destroyForcibly);
                php.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        php = null;
    }

    private record Person(String username, String password, Map<String, List<String>> attributes) {
    }

    private record ServiceProvider(String entityId, String acsUrl, Duration assertionLifetime) {
    }

    /** Secrets of the identity provider's own configuration, fresh for every run. */
    private static final class Secrets {
        private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

        static String randomSecret() {
            byte[] bytes = new byte[24];
            RANDOM.nextBytes(bytes);
            return java.util.HexFormat.of().formatHex(bytes);
        }
    }
}
