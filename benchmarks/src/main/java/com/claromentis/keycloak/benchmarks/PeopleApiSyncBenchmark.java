package com.claromentis.keycloak.benchmarks;

import com.claromentis.keycloak.sandbox.SandboxServer;
import com.claromentis.keycloak.testing.KeycloakServer;
import com.claromentis.keycloak.testing.KeycloakServerOptions;
import com.claromentis.keycloak.testing.TestRealm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The benchmark on the real Keycloak with the bundle: a full sync of the sandbox's users as users per
 * second and as a fraction of the sandbox's raw paging rate measured in the same run, and People API calls per
 * repeated sign-in with a warm cache (goal 0).
 *
 * <p>Ratios rather than absolute times: the machine's speed cancels out, so figures from different machines and
 * days can be compared. Run it with {@code ./run-benchmarks.sh}; it is not part of {@code mvn verify}.
 */
public final class PeopleApiSyncBenchmark implements AutoCloseable {

    private static final String REALM = "bench";
    private static final String COMPONENT = "claromentis";
    private static final String NO_DELAY = "sun.net.httpserver.nodelay";

    private final BenchmarkSettings settings;
    private final Deque<AutoCloseable> running = new ArrayDeque<>();

    private PeopleApiSyncBenchmark(BenchmarkSettings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) {
        // The JDK's HttpServer (the sandbox) writes headers and body separately; with Nagle on, a keep-alive client
        // waits for its own delayed ACK, about 40 ms a response. That measures TCP, not the sandbox, and would
        // make the baseline ten times too slow. Read once when the server class loads, so it is set first thing.
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
        BenchmarkSettings settings = BenchmarkSettings.fromSystemProperties();
        PeopleApiSyncBenchmark benchmark = new PeopleApiSyncBenchmark(settings);
        // Ctrl-C must not leave a Keycloak JVM behind: it is a child process, not a thread of ours.
        Runtime.getRuntime().addShutdownHook(new Thread(benchmark::close, "benchmark-shutdown"));
        int exit = 0;
        try {
            Results results = benchmark.run();
            results.write(settings.resultsDir());
            System.out.println();
            System.out.println(results.markdown());
            System.out.println("Written to " + settings.resultsDir().resolve("results.md") + " and results.json");
        } catch (RuntimeException e) {
            System.err.println("The benchmark failed: " + e);
            exit = 1;
        } finally {
            benchmark.close();
        }
        System.exit(exit);
    }

    private Results run() {
        Properties artifacts = load(settings.artifacts());
        double loadAtStart = Results.loadAverage();
        step("Seeding the People API sandbox: %,d users, %d groups x %d, %d roles x %d", settings.users(),
                settings.groups(), settings.groupSize(), settings.roles(), settings.roleSize());
        SandboxServer sandbox = SandboxDirectory.start(settings);
        running.push(sandbox);

        step("Measuring the raw paging rate (%d runs after a warm-up)", settings.rawRuns());
        RawPaging.Rates raw = RawPaging.measure(sandbox, settings.users(), settings.rawRuns());
        step("  raw paging: median %,.0f users/s; raw read with members: median %,.0f users/s",
                raw.userPagingMedian(), raw.fullReadMedian());

        step("Starting Keycloak %s with the bundle (about 30 s)", artifacts.getProperty("keycloak.version"));
        KeycloakServer keycloak = KeycloakServer.start(
                Path.of(artifacts.getProperty("keycloak.dist.zip")),
                Path.of(artifacts.getProperty("bundle.jar")),
                settings.workDir().resolve("keycloak"),
                0,
                KeycloakServerOptions.builder().build());
        running.push(keycloak);
        step("  log: %s", keycloak.logFile());
        TestRealm realm = TestRealm.create(keycloak, REALM);
        String componentId = realm.addComponent(component(realm, sandbox));

        FullSync fullSync = new FullSync(keycloak.baseUrl(), KeycloakServer.ADMIN_USERNAME,
                KeycloakServer.ADMIN_PASSWORD, Duration.ofMinutes(settings.syncTimeoutMinutes()));
        List<Results.Sync> syncs = new ArrayList<>();
        syncs.add(timedSync(fullSync, sandbox, componentId, "first full sync (imports everyone)", "sync-1"));
        Results.Sync first = syncs.get(0);
        if (first.outcome().count("added") != settings.users() || first.outcome().count("failed") != 0) {
            throw new IllegalStateException("The first sync did not import every user: " + first.outcome().result());
        }
        syncs.add(timedSync(fullSync, sandbox, componentId, "second full sync (nothing changed)", "sync-2"));

        String someone = someoneInTheMiddle(sandbox);
        step("Signing in as %s %d times with a warm cache", someone, settings.logins());
        WarmLogins.Outcome logins = WarmLogins.measure(realm, sandbox, someone, settings.logins());
        return new Results(settings, artifacts.getProperty("keycloak.version"), loadAtStart, raw, syncs,
                logins);
    }

    private Results.Sync timedSync(FullSync fullSync, SandboxServer sandbox, String componentId, String label,
                                   String samplePrefix) {
        step("Running the %s", label);
        long before = SandboxDirectory.totalRequests(sandbox);
        FullSync.Outcome outcome;
        StackSampler sampler = StackSampler.start(settings.stackSamples(), 2_000,
                settings.resultsDir().resolve("stacks"), samplePrefix);
        try {
            outcome = fullSync.run(REALM, componentId);
        } finally {
            sampler.close();
        }
        Results.Sync sync = new Results.Sync(label, outcome, SandboxDirectory.totalRequests(sandbox) - before);
        step("  %.1f s: %s", outcome.nanos() / 1e9, outcome.result());
        return sync;
    }

    /** Someone in the middle of the org chart: has a manager and a group, like most staff. */
    private String someoneInTheMiddle(SandboxServer sandbox) {
        String username = "user." + (settings.users() / 2);
        if (sandbox.findUserByUsername(username).isEmpty()) {
            throw new IllegalStateException("The sandbox has no " + username + ": generated names are not as expected");
        }
        return username;
    }

    /**
     * The People API user storage as an administrator adds it (same settings as the integration test). A plain map
     * rather than ComponentRepresentation: its config type lives in keycloak-common, which the harness does not carry.
     */
    private static Map<String, Object> component(TestRealm realm, SandboxServer sandbox) {
        Map<String, List<String>> config = new LinkedHashMap<>();
        config.put("baseUrl", List.of(sandbox.baseUrl()));
        config.put("authType", List.of("basic"));
        config.put("apiUsername", List.of(SandboxDirectory.API_USER));
        config.put("apiPassword", List.of(SandboxDirectory.API_PASSWORD));
        config.put("enabled", List.of("true"));
        config.put("importEnabled", List.of("true"));
        config.put("cachePolicy", List.of("DEFAULT"));
        Map<String, Object> component = new LinkedHashMap<>();
        component.put("name", COMPONENT);
        component.put("providerId", "claromentis-people-api");
        component.put("providerType", "org.keycloak.storage.UserStorageProvider");
        component.put("parentId", realm.representation().getId());
        component.put("config", config);
        return component;
    }

    @Override
    public synchronized void close() {
        while (!running.isEmpty()) {
            try {
                running.pop().close();
            } catch (Exception e) {
                System.err.println("Could not stop a benchmark component cleanly: " + e.getMessage());
            }
        }
    }

    private static void step(String format, Object... args) {
        System.out.println(String.format(java.util.Locale.ROOT, format, args));
    }

    private static Properties load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing: build first with "
                    + "`mvn -q package -DskipTests -pl benchmarks -am` (or run ./run-benchmarks.sh)");
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
