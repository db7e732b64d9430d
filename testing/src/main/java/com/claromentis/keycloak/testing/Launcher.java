package com.claromentis.keycloak.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Which way {@link KeycloakExtension} runs the suite's Keycloak: the {@code keycloak-quarkus-dist} zip
 * ({@link #DISTRIBUTION}), or the official image through Testcontainers ({@link #TESTCONTAINERS}) where a Docker
 * engine answers. {@value #PROPERTY} chooses; unset, Testcontainers is used when an engine answers and its classes
 * are on the class path, the distribution otherwise.
 */
enum Launcher {
    DISTRIBUTION, TESTCONTAINERS;

    static final String PROPERTY = "it.launcher";
    /** Loaded only to see whether Testcontainers is on the class path; never initialised here. */
    static final String TESTCONTAINERS_CLASS = "org.testcontainers.containers.GenericContainer";

    private static final Path DEFAULT_SOCKET = Path.of("/var/run/docker.sock");

    /** The launcher for this JVM: {@value #PROPERTY}, the environment's {@code DOCKER_HOST}, the default socket. */
    static Launcher forThisRun() {
        return choose(System.getProperty(PROPERTY), () -> dockerAnswers(System.getenv()), testcontainersPresent());
    }

    /**
     * @param property              the value of {@value #PROPERTY}, or null
     * @param dockerReachable       asked only when the property leaves the choice open
     * @param testcontainersPresent whether Testcontainers' classes can be loaded
     */
    static Launcher choose(String property, BooleanSupplier dockerReachable, boolean testcontainersPresent) {
        String value = property == null ? "" : property.strip().toLowerCase(Locale.ROOT);
        Launcher chosen = switch (value) {
            case "", "auto" -> testcontainersPresent && dockerReachable.getAsBoolean() ? TESTCONTAINERS : DISTRIBUTION;
            case "distribution" -> DISTRIBUTION;
            case "testcontainers" -> TESTCONTAINERS;
            default -> throw new IllegalArgumentException(PROPERTY + " is '" + property
                    + "': use 'testcontainers', 'distribution' or 'auto' (the default)");
        };
        if (chosen == TESTCONTAINERS && !testcontainersPresent) {
            throw new IllegalStateException(PROPERTY + "=testcontainers, but Testcontainers is not on the class path"
                    + " (integration-tests/ has it as a test dependency)");
        }
        return chosen;
    }

    static boolean testcontainersPresent() {
        try {
            Class.forName(TESTCONTAINERS_CLASS, false, Launcher.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * Whether a Docker engine answers {@code GET /_ping} with 200 at {@code DOCKER_HOST} ({@code unix://} or
     * {@code tcp://}) or, without it, at {@code /var/run/docker.sock}; within a second, without Testcontainers.
     */
    static boolean dockerAnswers(Map<String, String> environment) {
        String dockerHost = environment.getOrDefault("DOCKER_HOST", "");
        try {
            if (dockerHost.isBlank()) {
                return Files.exists(DEFAULT_SOCKET) && pingsOverUnixSocket(DEFAULT_SOCKET);
            }
            URI uri = URI.create(dockerHost.trim());
            if ("unix".equals(uri.getScheme())) {
                return pingsOverUnixSocket(Path.of(uri.getPath()));
            }
            if ("tcp".equals(uri.getScheme()) && uri.getHost() != null && uri.getPort() > 0) {
                return pingsOverTcp(uri.getHost(), uri.getPort());
            }
            return false;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    private static final String PING = "GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n";

    private static boolean pingsOverUnixSocket(Path socket) throws IOException {
        // A Unix socket channel has no read timeout: the read runs aside, and the channel is closed if it is late.
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try (channel) {
            java.util.concurrent.CompletableFuture<String> answer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    channel.connect(UnixDomainSocketAddress.of(socket));
                    channel.write(ByteBuffer.wrap(PING.getBytes(StandardCharsets.US_ASCII)));
                    ByteBuffer read = ByteBuffer.allocate(64);
                    channel.read(read);
                    return new String(read.array(), 0, read.position(), StandardCharsets.US_ASCII);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            return isOk(answer.get(1, java.util.concurrent.TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean pingsOverTcp(String host, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1000);
            socket.setSoTimeout(1000);
            socket.getOutputStream().write(PING.getBytes(StandardCharsets.US_ASCII));
            byte[] answer = socket.getInputStream().readNBytes(64);
            return isOk(new String(answer, StandardCharsets.US_ASCII));
        }
    }

    private static boolean isOk(String statusLine) {
        return statusLine.startsWith("HTTP/1.") && statusLine.length() >= 12 && statusLine.startsWith("200", 9);
    }
}
