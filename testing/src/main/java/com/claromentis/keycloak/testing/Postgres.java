package com.claromentis.keycloak.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server (Debian's {@code postgresql} package) on a free port of 127.0.0.1, for tests that
 * must prove something on a production database rather than on H2.
 *
 * <p>{@code initdb} and {@code pg_ctl} from {@code /usr/lib/postgresql/<version>/bin} create a fresh cluster in a
 * folder of its own under the system temporary folder (not under {@code target/}: when the tests run as root the
 * server runs as the {@code postgres} account, which must be able to reach it, and a checkout under {@code /root}
 * is closed to it). It never touches a system cluster. Password authentication ({@code scram-sha-256}) is required,
 * as in production, for the superuser {@link #USERNAME}.
 */
public final class Postgres implements AutoCloseable {

    public static final String INSTALL = "apt-get install -y postgresql";
    public static final String USERNAME = "claromentis";
    /** A test-only password of a loopback server that lives as long as the test run. */
    public static final String PASSWORD = "claromentis-test-db";

    private static final Logger LOG = Logger.getLogger(Postgres.class.getName());
    private static final Path INSTALL_ROOT = Path.of("/usr/lib/postgresql");
    private static final String FOLDER_PREFIX = "claromentis-postgres-";
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    /** Two Keycloak nodes with Keycloak's default pool of up to 100 connections each, plus the tests' own. */
    private static final int MAX_CONNECTIONS = 300;

    private static boolean leftOversChecked;

    private final Path bin;
    private final Path home;
    private final int port;
    /** Set when the tests run as root: PostgreSQL refuses to run as root, so its commands run as this account. */
    private final String runAs;
    private Duration startTime = Duration.ZERO;
    private Thread shutdownHook;

    private Postgres(Path bin, Path home, int port, String runAs) {
        this.bin = bin;
        this.home = home;
        this.port = port;
        this.runAs = runAs;
    }

    /** Creates and starts a fresh, empty cluster; stopped by {@link #close()} or, failing that, at JVM exit. */
    public static Postgres start() {
        return start(java.util.Map.of());
    }

    /**
     * As {@link #start()}, with extra server settings ({@code -c name=value}), e.g. {@code shared_preload_libraries}
     * for a benchmark that counts statements with {@code pg_stat_statements}.
     */
    public static Postgres start(java.util.Map<String, String> settings) {
        StringBuilder extra = new StringBuilder();
        settings.forEach((name, value) -> {
            if (!name.matches("[a-z_.]+") || !value.matches("[A-Za-z0-9_.,]+")) {
                throw new IllegalArgumentException("Not a PostgreSQL setting: " + name + "=" + value);
            }
            extra.append(" -c ").append(name).append('=').append(value);
        });
        Path bin = binaries();
        String runAs = isRoot() ? serviceAccount() : null;
        stopLeftOverFromEarlierRun(bin, runAs);
        int port = KeycloakServer.freePort();
        Instant begin = Instant.now();
        Path home;
        try {
            home = Files.createTempDirectory(FOLDER_PREFIX + port + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a folder for PostgreSQL", e);
        }
        Postgres server = new Postgres(bin, home, port, runAs);
        try {
            Path passwordFile = Files.writeString(home.resolve("superuser-password"), PASSWORD + "\n");
            if (runAs != null) {
                giveTo(runAs, home, passwordFile);
            }
            server.run(List.of(bin.resolve("initdb").toString(), "-D", server.data().toString(), "-U", USERNAME,
                    "--pwfile=" + passwordFile, "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C"));
            server.shutdownHook = new Thread(server::stopQuietly, "postgres-" + port + "-stop");
            Runtime.getRuntime().addShutdownHook(server.shutdownHook);
            // -w waits until the server accepts connections. The socket lives in the cluster's own folder, so
            // nothing in /var/run/postgresql is needed or touched.
            server.run(List.of(bin.resolve("pg_ctl").toString(), "-D", server.data().toString(), "-l",
                    server.logFile().toString(), "-w", "-t", "60", "-o", "-p " + port + " -k " + home
                            + " -c listen_addresses=127.0.0.1 -c max_connections=" + MAX_CONNECTIONS + extra, "start"));
            server.startTime = Duration.between(begin, Instant.now());
            LOG.info(() -> "PostgreSQL ready on 127.0.0.1:" + port + " in " + server.startTime.toMillis() + " ms ("
                    + home + (runAs == null ? "" : ", running as " + runAs) + ")");
            return server;
        } catch (IOException e) {
            server.close();
            throw new UncheckedIOException("Cannot prepare PostgreSQL under " + home, e);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    public Path home() {
        return home;
    }

    /** The server's main process (its connections' backends are its children), if it runs. */
    public Optional<ProcessHandle> process() {
        return postmaster(data());
    }

    public Path logFile() {
        return home.resolve("postgres.log");
    }

    /** From {@code initdb} to accepting connections. */
    public Duration startTime() {
        return startTime;
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/<database>}. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + requireName(database);
    }

    /** Creates an empty database owned by {@link #USERNAME} and returns its JDBC URL. */
    public String createDatabase(String database) {
        psql("postgres", "CREATE DATABASE " + requireName(database));
        return jdbcUrl(database);
    }

    /**
     * Runs SQL with {@code psql} over TCP, as a client would, and returns the rows as {@code |}-separated lines
     * without headers.
     */
    public String psql(String database, String sql) {
        List<String> command = List.of(bin.resolve("psql").toString(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", USERNAME, "-d", requireName(database),
                "-c", sql);
        return exec(command, false).strip();
    }

    /** The first column of the first row of a query, as a number. */
    public long queryLong(String database, String sql) {
        String text = psql(database, sql);
        try {
            return Long.parseLong(text.lines().findFirst().orElse("").trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("Not a number from `" + sql + "`: " + text, e);
        }
    }

    public boolean isRunning() {
        return Files.isRegularFile(data().resolve("postmaster.pid"));
    }

    @Override
    public void close() {
        stopQuietly();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // Already shutting down: the hook runs anyway and finds nothing left to stop.
                LOG.fine(() -> "JVM shutting down; PostgreSQL hook left in place: " + e.getMessage());
            }
            shutdownHook = null;
        }
        try {
            deleteTree(home);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot remove PostgreSQL's folder " + home, e);
        }
    }

    private void stopQuietly() {
        if (!isRunning()) {
            return;
        }
        try {
            // Immediate: the data is thrown away, so a checkpoint at shutdown would only cost time.
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "immediate", "-w", "stop"));
            LOG.info(() -> "PostgreSQL on port " + port + " stopped");
        } catch (RuntimeException e) {
            LOG.warning(() -> "Could not stop PostgreSQL in " + home + ": " + e.getMessage());
        }
    }

    private Path data() {
        return home.resolve("data");
    }

    private String run(List<String> command) {
        return exec(command, true);
    }

    /** Runs a PostgreSQL tool, as {@link #runAs} when set, failing with its output when it fails. */
    private String exec(List<String> command, boolean asServiceAccount) {
        List<String> full = new ArrayList<>();
        if (asServiceAccount && runAs != null) {
            full.addAll(List.of("runuser", "-u", runAs, "--"));
        }
        full.addAll(command);
        try {
            Path output = Files.createTempFile("postgres-command-", ".out");
            try {
                ProcessBuilder builder = new ProcessBuilder(full)
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile());
                builder.environment().put("PGPASSWORD", PASSWORD);
                builder.environment().put("PGCONNECT_TIMEOUT", "10");
                // The server's messages in English whatever the machine's locale, so failures read the same everywhere.
                builder.environment().put("LC_ALL", "C");
                Process process = builder.start();
                boolean finished = process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (!finished) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
                String text = Files.readString(output, StandardCharsets.UTF_8);
                String name = Path.of(command.get(0)).getFileName().toString();
                if (!finished) {
                    throw new IllegalStateException(name + " did not finish within " + COMMAND_TIMEOUT + ":\n"
                            + text + "\n" + KeycloakServer.tail(logFile(), 40));
                }
                if (process.exitValue() != 0) {
                    throw new IllegalStateException(name + " failed with exit code " + process.exitValue() + ":\n"
                            + text + (Files.exists(logFile()) ? "\nServer log:\n" + KeycloakServer.tail(logFile(), 40) : ""));
                }
                return text;
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + command.get(0), e);
        }
    }

    /** The newest installed version's binaries, or a failure that says how to install them. */
    static Path binaries() {
        List<Path> candidates = new ArrayList<>();
        if (Files.isDirectory(INSTALL_ROOT)) {
            try (Stream<Path> versions = Files.list(INSTALL_ROOT)) {
                versions.map(version -> version.resolve("bin"))
                        .filter(dir -> Files.isExecutable(dir.resolve("initdb")) && Files.isExecutable(dir.resolve("pg_ctl"))
                                && Files.isExecutable(dir.resolve("psql")))
                        .forEach(candidates::add);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot list " + INSTALL_ROOT, e);
            }
        }
        return candidates.stream()
                .max(Comparator.comparingInt(Postgres::majorVersion))
                .orElseThrow(() -> new IllegalStateException("PostgreSQL is not installed (no initdb, pg_ctl and psql"
                        + " under " + INSTALL_ROOT + "/<version>/bin). Install it (as root) with: " + INSTALL));
    }

    private static int majorVersion(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The account the server runs as under root: the package's {@code postgres}, else {@code nobody}. */
    private static String serviceAccount() {
        UserPrincipalLookupService users = Path.of("/").getFileSystem().getUserPrincipalLookupService();
        for (String name : List.of("postgres", "nobody")) {
            try {
                users.lookupPrincipalByName(name);
                return name;
            } catch (IOException e) {
                LOG.fine(() -> "No account " + name + ": " + e.getMessage());
            }
        }
        throw new IllegalStateException("Running as root, but there is neither a `postgres` nor a `nobody` account to"
                + " run PostgreSQL as (it refuses to run as root). Reinstall it with: " + INSTALL);
    }

    private static void giveTo(String account, Path... paths) throws IOException {
        UserPrincipal owner = Path.of("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(account);
        for (Path path : paths) {
            Files.setOwner(path, owner);
        }
    }

    /** Clusters an earlier, killed run left behind (no shutdown hook ran), and their folders. */
    private static synchronized void stopLeftOverFromEarlierRun(Path bin, String runAs) {
        if (leftOversChecked) {
            return;
        }
        leftOversChecked = true;
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (Stream<Path> folders = Files.list(tmp)) {
            for (Path home : folders.filter(p -> p.getFileName().toString().startsWith(FOLDER_PREFIX)).toList()) {
                Optional<ProcessHandle> postmaster = postmaster(home.resolve("data"));
                if (postmaster.isPresent()) {
                    LOG.warning(() -> "Stopping the PostgreSQL " + postmaster.get().pid() + " an earlier run left in " + home);
                    postmaster.get().destroyForcibly();
                    postmaster.get().onExit().orTimeout(20, TimeUnit.SECONDS).exceptionally(e -> null).join();
                }
                deleteTree(home);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot clear earlier PostgreSQL folders under " + tmp, e);
        }
    }

    /** The live server of that data folder, from its {@code postmaster.pid}, checked against its command line. */
    private static Optional<ProcessHandle> postmaster(Path data) {
        try {
            Path pidFile = data.resolve("postmaster.pid");
            if (!Files.isRegularFile(pidFile)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(process -> process.info().commandLine().map(line -> line.contains(data.toString())).orElse(false));
        } catch (IOException | RuntimeException e) {
            LOG.fine(() -> "No live server for " + data + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        KeycloakServer.deleteTree(root);
    }

    private static String requireName(String database) {
        if (database == null || !DATABASE_NAME.matcher(database).matches()) {
            throw new IllegalArgumentException("Not a plain database name: " + database);
        }
        return database;
    }
}
