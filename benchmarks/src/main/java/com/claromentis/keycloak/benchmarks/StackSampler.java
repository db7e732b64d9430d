package com.claromentis.keycloak.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Takes {@code jstack} dumps of the Keycloak JVM while a sync runs, so a slow figure comes with the evidence of
 * where the time went. Off by default ({@code -Dbench.stackSamples=0}): dumps pause the server and skew the timing.
 */
final class StackSampler implements AutoCloseable {

    private final Thread thread;

    private StackSampler(Thread thread) {
        this.thread = thread;
    }

    /** Starts sampling every {@code interval} into {@code dir}/{@code prefix}-N.txt; does nothing for 0 samples. */
    static StackSampler start(int samples, long intervalMillis, Path dir, String prefix) {
        if (samples == 0) {
            return new StackSampler(null);
        }
        Optional<ProcessHandle> keycloak = keycloakJvm();
        if (keycloak.isEmpty()) {
            System.err.println("No Keycloak JVM among this process's children; no stack samples taken");
            return new StackSampler(null);
        }
        Path jstack = Path.of(System.getProperty("java.home"), "bin", "jstack");
        Thread thread = new Thread(() -> sample(jstack, keycloak.get().pid(), samples, intervalMillis, dir, prefix),
                "stack-sampler");
        thread.setDaemon(true);
        thread.start();
        return new StackSampler(thread);
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void sample(Path jstack, long pid, int samples, long intervalMillis, Path dir, String prefix) {
        try {
            Files.createDirectories(dir);
            for (int i = 1; i <= samples && !Thread.currentThread().isInterrupted(); i++) {
                Thread.sleep(intervalMillis);
                Process dump = new ProcessBuilder(jstack.toString(), Long.toString(pid))
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve(prefix + "-" + i + ".txt").toFile())
                        .start();
                if (!dump.waitFor(30, TimeUnit.SECONDS)) {
                    dump.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            // The sync finished before all samples were taken: that is the normal way to stop.
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            System.err.println("Stack sampling stopped: " + e.getMessage());
        }
    }

    /** kc.sh starts Keycloak as a child java process of ours. */
    private static Optional<ProcessHandle> keycloakJvm() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains("quarkus")).orElse(false))
                .findFirst();
    }
}
