package com.claromentis.keycloak.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A real Keycloak server from the {@code keycloak-quarkus-dist} zip, with the bundle JAR in {@code providers/}.
 *
 * <p>It does what an administrator does: unpack, copy one JAR, {@code kc.sh build}, {@code kc.sh start --optimized},
 * so a passing suite also proves the installation instructions. On hosts with a Docker engine the suite's server
 * may instead run in the official image ({@link ContainerRuntime}, chosen by {@link Launcher}) with the same
 * configuration, ports and log file.
 */
public final class KeycloakServer implements AutoCloseable {

    public static final String ADMIN_USERNAME = "admin";
    public static final String ADMIN_PASSWORD = "admin";

    private static final Logger LOG = Logger.getLogger(KeycloakServer.class.getName());
    // Generous: a build plus first start on 2 busy cores has been seen to take over 5 minutes.
    private static final Duration START_TIMEOUT = Duration.ofMinutes(10);
    static final int LOG_TAIL_LINES = 80;

    private final Path home;
    private final String version;
    private final Path logFile;
    private final int httpPort;
    private final int managementPort;
    private final String host;
    private final KeycloakRuntime runtime;
    private KeycloakAdminClient admin;

    private KeycloakServer(Path home, String version, Path logFile, int httpPort, int managementPort,
                           KeycloakRuntime runtime) {
        this.home = home;
        this.version = version;
        this.logFile = logFile;
        this.host = "127.0.0.1";
        this.httpPort = httpPort;
        this.managementPort = managementPort;
        this.runtime = runtime;
    }

    /**
     * Unpacks the distribution under {@code workDir}, installs the bundle, builds and starts the server.
     *
     * @param httpPort 0 for a free port
     */
    public static KeycloakServer start(Path distributionZip, Path bundleJar, Path workDir, int httpPort,
                                       KeycloakServerOptions serverOptions) {
        requireFile(distributionZip, "Keycloak distribution zip (org.keycloak:keycloak-quarkus-dist:zip)");
        requireFile(bundleJar, "bundle JAR (run `mvn package` so bundle/target holds it)");
        try {
            Path home = unpack(distributionZip, workDir);
            installProviders(home, bundleJar, serverOptions.extraProviders());
            Path logFile = newLogFile(workDir);
            String version = readVersion(home);
            // Several distributions are tested (see integration-tests/pom.xml): say which one this run proves.
            LOG.info(() -> "Starting Keycloak " + version + " from " + distributionZip + " in " + home);
            return launchNew(home, version, logFile, httpPort, new DistributionRuntime(home, logFile),
                    serverOptions);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare Keycloak under " + workDir, e);
        }
    }

    /**
     * Writes {@code home/conf/keycloak.conf}, builds and starts {@code runtime}, and waits for it to be ready: the
     * one start sequence of every runtime.
     */
    static KeycloakServer launchNew(Path home, String version, Path logFile, int httpPort, KeycloakRuntime runtime,
                                    KeycloakServerOptions serverOptions) throws IOException {
        int port = httpPort == 0 ? freePort() : httpPort;
        KeycloakServer server = new KeycloakServer(home, version, logFile, port, freePort(), runtime);
        server.writeConfiguration(serverOptions);
        runtime.build(serverOptions);
        server.launch(serverOptions);
        return server;
    }

    static Path newLogFile(Path workDir) throws IOException {
        Path logs = Files.createDirectories(workDir.resolve("logs"));
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return logs.resolve("keycloak-" + stamp + ".log");
    }

    public String baseUrl() {
        return "http://" + host + ":" + httpPort;
    }

    public int httpPort() {
        return httpPort;
    }

    public String managementUrl() {
        return "http://" + host + ":" + managementPort;
    }

    /**
     * The distribution's folder; for a server in a container, the host folder whose {@code conf/keycloak.conf} the
     * container reads (its other files are inside the container).
     */
    public Path home() {
        return home;
    }

    /** The distribution's own version ({@code version.txt}), e.g. {@code 26.7.3}; {@code "unknown"} if it has none. */
    public String version() {
        return version;
    }

    public Path logFile() {
        return logFile;
    }

    public synchronized KeycloakAdminClient admin() {
        if (admin == null) {
            admin = new KeycloakAdminClient(baseUrl(), ADMIN_USERNAME, ADMIN_PASSWORD);
        }
        return admin;
    }

    /** The last lines of the server log, for failure messages. */
    public String logTail() {
        return tail(logFile, LOG_TAIL_LINES);
    }

    public boolean isRunning() {
        return runtime.isAlive();
    }

    /**
     * The pid of the server's JVM ({@code kc.sh} runs java as a child), e.g. to recognise this node in what it wrote
     * to a shared database; empty when it is not running, or runs in a container.
     */
    public java.util.OptionalLong javaPid() {
        return runtime.javaPid();
    }

    /** Kills the server without a clean shutdown, as a crash would. */
    public void kill() {
        runtime.kill();
    }

    /** Starts the server again on the same ports and data, e.g. after {@link #kill()}. */
    public void restart(KeycloakServerOptions serverOptions) {
        close();
        synchronized (this) {
            // The admin token of the last run is signed with the master realm's keys of that run: after a restart on
            // a fresh database (kc.sh import into an empty one) Keycloak answers it with 401 until it would expire.
            admin = null;
        }
        launch(serverOptions);
    }

    /**
     * Runs another {@code kc.sh} command on this server's home, such as {@code export --dir ...} or
     * {@code import --dir ...}, while the server is stopped (the embedded H2 database takes one process at a time).
     */
    public void runCommand(KeycloakServerOptions serverOptions, String... arguments) {
        if (isRunning()) {
            throw new IllegalStateException("stop the server before kc.sh " + String.join(" ", arguments));
        }
        runtime.command(serverOptions, List.of(arguments));
    }

    @Override
    public void close() {
        runtime.stop();
    }

    private void writeConfiguration(KeycloakServerOptions serverOptions) throws IOException {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("db", "dev-file");
        conf.put("health-enabled", "true");
        conf.put("metrics-enabled", "true");
        conf.put("http-enabled", "true");
        conf.put("http-host", host);
        conf.put("http-port", Integer.toString(httpPort));
        conf.put("http-management-port", Integer.toString(managementPort));
        conf.put("hostname-strict", "false");
        conf.put("log-level", "INFO");
        // One node: no cluster transport. Keycloak's default (ispn) opens JGroups listeners on the machine's other
        // interfaces and, after a kill -9 restart, waits for the dead node's JOIN answer for seconds.
        conf.put("cache", "local");
        conf.putAll(serverOptions.options());
        StringBuilder text = new StringBuilder("# Written by claromentis-testing; regenerated on every start.\n");
        conf.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        Files.writeString(home.resolve("conf/keycloak.conf"), text.toString());
    }

    private void launch(KeycloakServerOptions serverOptions) {
        Instant started = Instant.now();
        runtime.start(serverOptions);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI ready = URI.create(managementUrl() + "/health/ready");
        while (Duration.between(started, Instant.now()).compareTo(START_TIMEOUT) < 0) {
            if (!runtime.isAlive()) {
                throw new IllegalStateException("Keycloak " + runtime.exitDescription()
                        + " while starting (log " + logFile + "):\n" + logTail());
            }
            if (answers(http, ready)) {
                LOG.info(() -> "Keycloak " + version + " ready at " + baseUrl() + " after "
                        + Duration.between(started, Instant.now()).toMillis() + " ms; log " + logFile);
                return;
            }
            sleep(250);
        }
        close();
        throw new IllegalStateException("Keycloak did not become ready within " + START_TIMEOUT
                + " (log " + logFile + "):\n" + logTail());
    }

    /** The environment Keycloak starts with, whichever runtime runs it. */
    static Map<String, String> environment(KeycloakServerOptions serverOptions) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USERNAME);
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        String krb5 = System.getProperty("java.security.krb5.conf");
        // Keycloak's Kerberos (SPNEGO) uses the same Kerberos configuration as the JVM that starts it; JAVA_OPTS_APPEND
        // of the caller's own environment wins.
        String inherited = System.getenv("JAVA_OPTS_APPEND");
        env.put("JAVA_OPTS_APPEND", inherited != null ? inherited : "-Djava.net.preferIPv4Stack=true"
                + (krb5 == null || krb5.isBlank() ? "" : " -Djava.security.krb5.conf=" + krb5));
        env.putAll(serverOptions.environment());
        return env;
    }

    private static boolean answers(HttpClient http, URI uri) {
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Keycloak", e);
        }
    }

    private static Path unpack(Path zip, Path workDir) throws IOException {
        Files.createDirectories(workDir);
        Path marker = workDir.resolve(".unpacked-" + Files.size(zip));
        Path home = null;
        if (Files.exists(marker)) {
            home = Path.of(Files.readString(marker).trim());
            if (Files.isExecutable(home.resolve("bin/kc.sh"))) {
                resetState(home);
                return home;
            }
        }
        try (InputStream in = Files.newInputStream(zip); ZipInputStream entries = new ZipInputStream(in)) {
            ZipEntry entry;
            Path root = workDir.toRealPath();
            while ((entry = entries.getNextEntry()) != null) {
                Path target = root.resolve(entry.getName()).normalize();
                if (!target.startsWith(root)) {
                    throw new IOException("Zip entry escapes the target folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(entries, target, StandardCopyOption.REPLACE_EXISTING);
                }
                if (home == null) {
                    home = root.resolve(entry.getName().split("/")[0]);
                }
            }
        }
        if (home == null) {
            throw new IOException("Empty distribution zip " + zip);
        }
        try (Stream<Path> scripts = Files.list(home.resolve("bin"))) {
            for (Path script : scripts.filter(p -> p.toString().endsWith(".sh")).toList()) {
                var permissions = EnumSet.copyOf(Files.getPosixFilePermissions(script));
                permissions.addAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE));
                Files.setPosixFilePermissions(script, permissions);
            }
        }
        Files.writeString(marker, home.toString());
        return home;
    }

    private static String readVersion(Path home) {
        Path file = home.resolve("version.txt");
        try {
            // The file reads "Keycloak - Version 26.7.3"; the admin API would need a running server and a login.
            String text = Files.readString(file, StandardCharsets.UTF_8).trim();
            return text.substring(text.lastIndexOf(' ') + 1);
        } catch (IOException e) {
            LOG.warning(() -> "No readable " + file + " (" + e.getMessage() + "): the Keycloak version is unknown");
            return "unknown";
        }
    }

    /** Every run starts from an empty database so a test never sees a previous run's realms. */
    private static void resetState(Path home) throws IOException {
        deleteTree(home.resolve("data"));
    }

    private static void installProviders(Path home, Path bundleJar, List<Path> extra) throws IOException {
        Path providers = home.resolve("providers");
        deleteTree(providers);
        Files.createDirectories(providers);
        Files.copy(bundleJar, providers.resolve(bundleJar.getFileName()));
        for (Path jar : extra) {
            Files.copy(jar, providers.resolve(jar.getFileName()));
        }
    }

    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    static void requireFile(Path path, String what) {
        if (path == null || !Files.isRegularFile(path)) {
            throw new IllegalStateException("Missing " + what + ": " + path);
        }
    }

    /** A port of 127.0.0.1 nothing listens on now, e.g. for a cluster transport. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free loopback port", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Keycloak", e);
        }
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + file + ": " + e.getMessage() + ")";
        }
    }
}
