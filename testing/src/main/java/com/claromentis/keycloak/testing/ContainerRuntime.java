package com.claromentis.keycloak.testing;

import dasniko.testcontainers.keycloak.KeycloakContainer;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.MountableFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.logging.Logger;

/**
 * Keycloak as the official image ({@code testcontainers-keycloak}'s {@link KeycloakContainer}) on a host with a
 * Docker engine, configured by {@link ContainerSettings}. It uses the host's network, so it listens on 127.0.0.1 at
 * the ports of {@code keycloak.conf} and reaches the fixtures the tests start there, exactly as the distribution
 * does. Not exercised on hosts without an engine (this project's CI): only {@link ContainerSettings} is tested there.
 */
final class ContainerRuntime implements KeycloakRuntime {

    private static final Logger LOG = Logger.getLogger(ContainerRuntime.class.getName());
    private static final Duration START_TIMEOUT = Duration.ofMinutes(10);

    private final ContainerSettings settings;
    private final Path logFile;
    private KeycloakContainer container;

    private ContainerRuntime(ContainerSettings settings, Path logFile) {
        this.settings = settings;
        this.logFile = logFile;
    }

    /** Starts the suite's Keycloak in a container, with {@code workDir} holding its configuration, data and log. */
    static KeycloakServer startServer(String keycloakVersion, Path bundleJar, Path workDir, int httpPort,
                                      KeycloakServerOptions options) {
        KeycloakServer.requireFile(bundleJar, "bundle JAR (run `mvn package` so bundle/target holds it)");
        try {
            Path home = workDir.resolve("container");
            KeycloakServer.deleteTree(home);
            Files.createDirectories(home.resolve("conf"));
            Files.createDirectories(home.resolve("data"));
            Path logFile = KeycloakServer.newLogFile(workDir);
            ContainerSettings settings = ContainerSettings.of(keycloakVersion, bundleJar, options, home);
            LOG.info(() -> "Starting Keycloak " + keycloakVersion + " in a container of " + settings.image()
                    + " (Testcontainers); configuration in " + home);
            return KeycloakServer.launchNew(home, keycloakVersion, logFile, httpPort, new ContainerRuntime(settings, logFile),
                    options);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare Keycloak's container under " + workDir, e);
        }
    }

    @Override
    public void build(KeycloakServerOptions options) {
        // kc.sh start in the image builds with the configuration it is given.
    }

    @Override
    public void command(KeycloakServerOptions options, List<String> arguments) {
        // The container's data lives in the container; a second kc.sh run would need its own container on that data.
        throw new UnsupportedOperationException("kc.sh " + String.join(" ", arguments)
                + " runs only on the unpacked distribution: run this test with -Dit.launcher=distribution");
    }

    @Override
    public void start(KeycloakServerOptions options) {
        KeycloakContainer created = new KeycloakContainer(settings.image())
                // kc.sh start: the image builds with the configuration it is given, as an administrator's would.
                .withProductionMode()
                .withEnabledMetrics()
                .withAdminUsername(KeycloakServer.ADMIN_USERNAME)
                .withAdminPassword(KeycloakServer.ADMIN_PASSWORD)
                .withProviderLibsFrom(settings.providers().keySet().stream().map(Path::toFile).toList())
                .withNetworkMode("host")
                .withEnv(settings.environment())
                .withCopyFileToContainer(MountableFile.forHostPath(settings.configuration()),
                        ContainerSettings.KEYCLOAK_HOME + "/conf/keycloak.conf")
                .withFileSystemBind(settings.data().toString(), ContainerSettings.KEYCLOAK_HOME + "/data", BindMode.READ_WRITE)
                // The image runs as an unprivileged user: this host's owner of the data folder may write it.
                .withCreateContainerCmdModifier(command -> command.withUser(owner(settings.data()) + ":0"))
                .withLogConsumer(this::append)
                // Host network: no mapped ports to probe; the server's own readiness check follows.
                .waitingFor(Wait.forLogMessage(".*(Listening on|ERROR).*", 1))
                .withStartupTimeout(START_TIMEOUT);
        settings.hostFiles().forEach(file -> created.withFileSystemBind(file.toString(), file.toString(), BindMode.READ_ONLY));
        container = created;
        container.start();
    }

    @Override
    public boolean isAlive() {
        return container != null && container.isRunning();
    }

    @Override
    public String exitDescription() {
        return container == null ? "never started" : "container " + container.getContainerId() + " stopped";
    }

    @Override
    public OptionalLong javaPid() {
        return OptionalLong.empty();
    }

    @Override
    public void kill() {
        if (isAlive()) {
            container.getDockerClient().killContainerCmd(container.getContainerId()).exec();
        }
    }

    @Override
    public void stop() {
        if (container != null) {
            container.stop();
            container = null;
        }
    }

    private void append(OutputFrame frame) {
        try {
            Files.writeString(logFile, frame.getUtf8String(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            LOG.warning(() -> "Cannot write Keycloak's output to " + logFile + ": " + e.getMessage());
        }
    }

    private static String owner(Path folder) {
        try {
            return Files.getAttribute(folder, "unix:uid").toString();
        } catch (IOException | UnsupportedOperationException e) {
            // Without a Unix owner (e.g. Docker Desktop's shared folders) the image's own user is used.
            return "1000";
        }
    }
}
