package com.claromentis.keycloak.testing.directory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A daemon started by a fixture and known only by the pid file it wrote in the fixture's own folder: servers rewrite
 * their argv, so nothing is ever matched by name.
 */
final class ServerProcess {

    private static final Logger LOG = Logger.getLogger(ServerProcess.class.getName());

    private ServerProcess() {
    }

    /** The live process whose pid is in {@code pidFile} and whose working folder is {@code home}, if any. */
    static Optional<ProcessHandle> fromPidFile(Path pidFile, Path home) {
        try {
            if (!Files.isRegularFile(pidFile)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
            if (handle.isEmpty()) {
                return Optional.empty();
            }
            // Guards against a recycled pid: our daemons hold files of their own folder open (logs, databases).
            Path realHome = home.toRealPath();
            boolean ours = false;
            try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
                ours = fds.anyMatch(fd -> {
                    try {
                        return Files.readSymbolicLink(fd).startsWith(realHome);
                    } catch (IOException e) {
                        return false;
                    }
                });
            }
            return ours ? handle : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** SIGTERM, then SIGKILL for whatever of the process tree is left after {@code grace}. */
    static void stop(ProcessHandle process, Duration grace) {
        List<ProcessHandle> tree = process.descendants().toList();
        process.destroy();
        if (!waitFor(process, grace)) {
            LOG.warning(() -> "Directory server " + process.pid() + " ignored SIGTERM for " + grace + "; killing it");
            process.destroyForcibly();
            waitFor(process, Duration.ofSeconds(10));
        }
        for (ProcessHandle child : tree) {
            if (!waitFor(child, Duration.ofSeconds(5))) {
                child.destroyForcibly();
                waitFor(child, Duration.ofSeconds(5));
            }
        }
    }

    static boolean waitFor(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return !process.isAlive();
        } catch (java.util.concurrent.ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /** Whether something accepts TCP connections on 127.0.0.1:{@code port}. */
    static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("No free loopback port", e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for a directory server", e);
        }
    }
}
