package com.claromentis.keycloak.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Keycloak JVM's heap, read from outside with the JDK's own tools: {@code jcmd GC.run} then {@code GC.heap_info}
 * for what a sync leaves <em>live</em> (garbage would make "used" a figure of when G1 last collected), and a
 * {@code jstat -gc} process sampling every half second for the <em>peak</em> used during a sync, garbage included,
 * which is what has to fit under the maximum. jstat reads the JVM's performance counters from shared memory, so
 * sampling costs the server nothing; the full GCs run between the timed syncs, never during one.
 */
final class KeycloakHeap {

    private static final long MB = 1024 * 1024;
    private static final Pattern TOTAL_USED = Pattern.compile("total (\\d+)K, used (\\d+)K");
    private static final Pattern MAX_HEAP = Pattern.compile("MaxHeapSize=(\\d+)");
    private static final int SAMPLE_MILLIS = 500;

    private final long pid;

    private KeycloakHeap(long pid) {
        this.pid = pid;
    }

    /** Used and committed heap in bytes; -1 each when the JVM could not be read. */
    record Reading(long used, long committed) {
        static final Reading UNKNOWN = new Reading(-1, -1);

        double usedMb() {
            return used < 0 ? Double.NaN : (double) used / MB;
        }

        double committedMb() {
            return committed < 0 ? Double.NaN : (double) committed / MB;
        }
    }

    /** The Keycloak JVM that kc.sh started as a child of ours; without it every reading is unknown. */
    static KeycloakHeap find() {
        Optional<ProcessHandle> jvm = ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains("quarkus")).orElse(false))
                .findFirst();
        if (jvm.isEmpty()) {
            System.err.println("No Keycloak JVM among this process's children; heap figures will be missing");
        }
        return new KeycloakHeap(jvm.map(ProcessHandle::pid).orElse(-1L));
    }

    /** The Keycloak JVM's process id, or -1 when it was not found. */
    long pid() {
        return pid;
    }

    /** After a full GC: what the server holds on to. */
    Reading live() {
        jcmd("GC.run");
        return now();
    }

    /** As it is, garbage included. */
    Reading now() {
        String info = jcmd("GC.heap_info");
        // G1 prints one "garbage-first heap total NK, used MK" line; the other collectors one line per generation.
        // Metaspace has the same words and is not heap.
        long used = 0;
        long committed = 0;
        boolean found = false;
        for (String line : info.split("\n")) {
            Matcher m = TOTAL_USED.matcher(line);
            if (m.find() && !line.contains("Metaspace") && !line.contains("class space")) {
                committed += Long.parseLong(m.group(1)) * 1024;
                used += Long.parseLong(m.group(2)) * 1024;
                found = true;
            }
        }
        return found ? new Reading(used, committed) : Reading.UNKNOWN;
    }

    /** {@code -Xmx} as the JVM runs with it, in MB (kc.sh's default outside a container is 512 MB). */
    double maxMb() {
        Matcher m = MAX_HEAP.matcher(jcmd("VM.flags"));
        return m.find() ? (double) Long.parseLong(m.group(1)) / MB : Double.NaN;
    }

    /** Starts sampling used heap until {@link Peak#close()}. */
    Peak peak() {
        return new Peak(pid);
    }

    /** The largest used heap seen while it ran. */
    static final class Peak implements AutoCloseable {

        private final AtomicLong maxBytes = new AtomicLong(-1);
        private final Process jstat;
        private final Thread reader;

        private Peak(long pid) {
            Process started = null;
            if (pid > 0) {
                try {
                    started = new ProcessBuilder(tool("jstat"), "-gc", Long.toString(pid), Integer.toString(SAMPLE_MILLIS))
                            .redirectErrorStream(true).start();
                } catch (IOException e) {
                    System.err.println("jstat did not start; no peak heap figure: " + e.getMessage());
                }
            }
            this.jstat = started;
            this.reader = started == null ? null : new Thread(this::read, "heap-sampler");
            if (reader != null) {
                reader.setDaemon(true);
                reader.start();
            }
        }

        double maxMb() {
            long max = maxBytes.get();
            return max < 0 ? Double.NaN : (double) max / MB;
        }

        /** Columns S0U S1U EU OU (KB, as decimals) by name, so the column order of the JDK's version does not matter. */
        private void read() {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(jstat.getInputStream(),
                    StandardCharsets.UTF_8))) {
                List<String> header = null;
                String line;
                while ((line = lines.readLine()) != null) {
                    List<String> cells = Arrays.asList(line.trim().split("\\s+"));
                    if (cells.contains("EU")) {
                        header = cells;
                        continue;
                    }
                    if (header == null || cells.size() != header.size()) {
                        continue;
                    }
                    double kb = 0;
                    for (String column : List.of("S0U", "S1U", "EU", "OU")) {
                        kb += Double.parseDouble(cells.get(header.indexOf(column)));
                    }
                    long bytes = (long) (kb * 1024);
                    maxBytes.accumulateAndGet(bytes, Math::max);
                }
            } catch (IOException | RuntimeException e) {
                // jstat ended (closed below) or printed something unexpected: the peak so far stands.
            }
        }

        @Override
        public void close() {
            if (jstat != null) {
                // One more sample interval, so the sync's last half second is seen.
                try {
                    Thread.sleep(SAMPLE_MILLIS + 100L);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                jstat.destroy();
                try {
                    jstat.waitFor(5, TimeUnit.SECONDS);
                    reader.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private String jcmd(String command) {
        if (pid <= 0) {
            return "";
        }
        try {
            Process process = new ProcessBuilder(tool("jcmd"), Long.toString(pid), command)
                    .redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                System.err.println("jcmd " + command + " failed: " + out.strip());
                return "";
            }
            return out;
        } catch (IOException e) {
            System.err.println("jcmd " + command + " failed: " + e.getMessage());
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading the heap", e);
        }
    }

    /** The tool of the JDK running us, which is the one running Keycloak (KeycloakServer sets its JAVA_HOME). */
    private static String tool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }
}
