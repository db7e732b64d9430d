package com.claromentis.keycloak.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/** Keycloak as {@code kc.sh} of the unpacked distribution: {@code build}, then {@code start --optimized}. */
final class DistributionRuntime implements KeycloakRuntime {

    private static final Logger LOG = Logger.getLogger(DistributionRuntime.class.getName());
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);

    private final Path home;
    private final Path logFile;
    private Process process;

    DistributionRuntime(Path home, Path logFile) {
        this.home = home;
        this.logFile = logFile;
    }

    @Override
    public void build(KeycloakServerOptions options) {
        if (buildOnce(options)) {
            return;
        }
        // Quarkus runs its build steps in parallel, and one of them (the Hibernate ORM processor reading the JPA
        // model) has been seen to fail on a ConcurrentModificationException on two busy cores: a race of the build,
        // not of its input. That one failure is retried once; any other fails at once, with its log.
        String tail = KeycloakServer.tail(logFile, KeycloakServer.LOG_TAIL_LINES);
        if (tail.contains("threw an exception: java.util.ConcurrentModificationException")) {
            LOG.warning(() -> "kc.sh build hit a race inside Quarkus's build (ConcurrentModificationException); "
                    + "building once more (log " + logFile + ")");
            if (buildOnce(options)) {
                return;
            }
        }
        throw new IllegalStateException("kc.sh build failed (log " + logFile + "):\n"
                + KeycloakServer.tail(logFile, KeycloakServer.LOG_TAIL_LINES));
    }

    private boolean buildOnce(KeycloakServerOptions options) {
        Process build = spawn(List.of("build"), options);
        if (!waitFor(build, BUILD_TIMEOUT) || build.exitValue() != 0) {
            build.destroyForcibly();
            return false;
        }
        return true;
    }

    @Override
    public void command(KeycloakServerOptions options, List<String> arguments) {
        Process command = spawn(arguments, options);
        if (!waitFor(command, BUILD_TIMEOUT) || command.exitValue() != 0) {
            command.destroyForcibly();
            throw new IllegalStateException("kc.sh " + String.join(" ", arguments) + " failed (log " + logFile + "):\n"
                    + KeycloakServer.tail(logFile, KeycloakServer.LOG_TAIL_LINES));
        }
    }

    @Override
    public void start(KeycloakServerOptions options) {
        process = spawn(List.of("start", "--optimized"), options);
    }

    @Override
    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    @Override
    public String exitDescription() {
        return process == null ? "never started" : process.isAlive() ? "running" : "exited with code " + process.exitValue();
    }

    @Override
    public OptionalLong javaPid() {
        if (process == null || !process.isAlive()) {
            return OptionalLong.empty();
        }
        return process.descendants()
                .filter(handle -> handle.info().command().map(command -> command.endsWith("/java")).orElse(false))
                .mapToLong(ProcessHandle::pid)
                .findFirst();
    }

    @Override
    public void kill() {
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            waitFor(process, Duration.ofSeconds(30));
        }
    }

    @Override
    public void stop() {
        if (process == null) {
            return;
        }
        // kc.sh runs java as a child: stop the whole tree or the JVM outlives the test run.
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.forEach(ProcessHandle::destroy);
        process.destroy();
        if (!waitFor(process, Duration.ofSeconds(30))) {
            tree.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            waitFor(process, Duration.ofSeconds(10));
        }
        tree.forEach(handle -> handle.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> handle).join());
        process = null;
    }

    private Process spawn(List<String> arguments, KeycloakServerOptions options) {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/kc.sh").toString());
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        Map<String, String> env = builder.environment();
        // The distribution would otherwise pick whatever JAVA_HOME the caller has; use the JVM running us.
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.putAll(KeycloakServer.environment(options));
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + command, e);
        }
    }

    private static boolean waitFor(Process process, Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
