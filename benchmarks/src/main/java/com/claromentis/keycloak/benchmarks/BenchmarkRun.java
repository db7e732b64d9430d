package com.claromentis.keycloak.benchmarks;

import com.claromentis.keycloak.testing.Artifacts;
import com.claromentis.keycloak.testing.KeycloakServer;
import com.claromentis.keycloak.testing.KeycloakServerOptions;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.function.Function;

/**
 * What every benchmark main shares: where the artifacts, work files and results live, the servers it started (all
 * stopped at the end, on Ctrl-C too), progress lines, and writing the report. One place, so the benchmarks differ
 * only in what they measure.
 */
final class BenchmarkRun implements AutoCloseable {

    private static final String NO_DELAY = "sun.net.httpserver.nodelay";
    private static final int MAX_CAUSES = 5;

    private final Artifacts artifacts;
    private final Path workDir;
    private final Path resultsDir;
    private final int stackSamples;
    private final Deque<AutoCloseable> running = new ArrayDeque<>();

    private BenchmarkRun(Artifacts artifacts, Path workDir, Path resultsDir, int stackSamples) {
        this.artifacts = artifacts;
        this.workDir = workDir;
        this.resultsDir = resultsDir;
        this.stackSamples = stackSamples;
    }

    /** Runs {@code benchmark}, prints and writes its report, stops everything it started and exits (1 on failure). */
    static void main(Function<BenchmarkRun, Report> benchmark) {
        // The JDK's HttpServer (the sandbox) writes headers and body separately; with Nagle on, a keep-alive client
        // waits for its own delayed ACK, about 40 ms a response. That measures TCP, not the sandbox, and would
        // make the baseline ten times too slow. Read once when the server class loads, so it is set first thing.
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
        BenchmarkRun run;
        try {
            run = new BenchmarkRun(
                    Artifacts.load(Path.of(System.getProperty("bench.properties", "benchmarks/target/benchmark.properties")),
                            "mvn -q package -DskipTests -pl benchmarks -am` (or run `./run-benchmarks.sh"),
                    Path.of(System.getProperty("bench.work.dir", "benchmarks/target/work")),
                    Path.of(System.getProperty("bench.results.dir", "benchmarks/target")),
                    Knobs.integer("bench.stackSamples", 0, 0, 200));
        } catch (RuntimeException e) {
            failed(e);
            System.exit(1);
            return;
        }
        // Ctrl-C must not leave a Keycloak JVM behind: it is a child process, not a thread of ours.
        Runtime.getRuntime().addShutdownHook(new Thread(run::close, "benchmark-shutdown"));
        int exit = 0;
        try {
            Report report = benchmark.apply(run);
            Path written = run.write(report);
            System.out.println();
            System.out.println(report.markdown());
            System.out.println("Written to " + written + " and " + report.fileName() + ".json");
        } catch (RuntimeException e) {
            failed(e);
            exit = 1;
        } finally {
            run.close();
        }
        System.exit(exit);
    }

    String keycloakVersion() {
        return artifacts.keycloakVersion();
    }

    /** Starts Keycloak with the bundle the way the integration tests do, and stops it when the run ends. */
    KeycloakServer startKeycloak(KeycloakServerOptions options) {
        step("Starting Keycloak %s with the bundle (about 30 s)", keycloakVersion());
        KeycloakServer keycloak = KeycloakServer.start(
                artifacts.distributionZip(),
                artifacts.bundleJar(),
                workDir.resolve("keycloak"),
                0,
                options);
        keep(keycloak);
        step("  log: %s", keycloak.logFile());
        return keycloak;
    }

    /** Closes {@code resource} when the run ends, in reverse order of starting. */
    <T extends AutoCloseable> T keep(T resource) {
        synchronized (running) {
            running.push(resource);
        }
        return resource;
    }

    /** jstack samples of the Keycloak JVM every 2 s into results/stacks/, if {@code -Dbench.stackSamples} asks. */
    StackSampler sampleStacks(String prefix) {
        return StackSampler.start(stackSamples, 2_000, resultsDir.resolve("stacks"), prefix);
    }

    static void step(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }

    @Override
    public void close() {
        synchronized (running) {
            while (!running.isEmpty()) {
                try {
                    running.pop().close();
                } catch (Exception e) {
                    System.err.println("Could not stop a benchmark component cleanly: " + e.getMessage());
                }
            }
        }
    }

    private Path write(Report report) {
        try {
            Files.createDirectories(resultsDir);
            Path markdown = resultsDir.resolve(report.fileName() + ".md");
            Files.writeString(markdown, "# " + report.title() + "\n\n" + report.markdown());
            Files.writeString(resultsDir.resolve(report.fileName() + ".json"), new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report.json()) + "\n");
            return markdown;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the results as JSON", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the results under " + resultsDir, e);
        }
    }

    /** The failure and its causes, one line each: enough to find the step, without a stack dump on the console. */
    private static void failed(Throwable e) {
        System.err.println("The benchmark failed: " + e);
        Throwable cause = e.getCause();
        for (int i = 0; i < MAX_CAUSES && cause != null; i++, cause = cause.getCause()) {
            System.err.println("  caused by: " + cause);
        }
    }

}
