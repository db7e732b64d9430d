package com.claromentis.keycloak.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time by who spent it while a sync ran: the Keycloak JVM's threads by role (read from Linux's
 * {@code /proc/<pid>/task/<tid>/stat}, named by the thread names the JVM gives the kernel), the benchmark JVM (the
 * People API sandbox answering the outbox), and slapd. On a 2-core machine a sync competes with everything else for
 * the same cores, so this is how a slow figure says where the time went without pausing the server as stack samples
 * do. Where {@code /proc} is not there (not Linux) the Keycloak threads are simply not itemised.
 */
final class CpuAccount {

    /** The kernel's clock ticks in /proc, fixed at 100 per second for user space on Linux (USER_HZ). */
    private static final double TICKS_PER_SECOND = 100;

    static final String SYNC = "Keycloak request threads (the sync)";
    static final String WORKER = "Keycloak outbox worker threads";
    static final String GC = "Keycloak GC";
    static final String JIT = "Keycloak JIT";
    static final String OTHER = "Keycloak other threads";
    static final String SANDBOX = "benchmark JVM (People API sandbox)";
    static final String SLAPD = "slapd";
    static final String DATABASE = "PostgreSQL";
    static final List<String> GROUPS = List.of(SYNC, WORKER, GC, JIT, OTHER, SANDBOX, SLAPD, DATABASE);

    private final long keycloakPid;
    private final long slapdPid;
    private final long postgresPid;

    /**
     * @param slapdPid the directory server's process; -1 for none
     * @param database Keycloak's PostgreSQL, counted with its backends; null on {@code dev-file}
     */
    CpuAccount(long keycloakPid, long slapdPid, DatabaseStatements database) {
        this.keycloakPid = keycloakPid;
        this.slapdPid = slapdPid;
        this.postgresPid = database == null ? -1 : database.pid();
    }

    /** Cumulative CPU seconds so far: Keycloak per thread id (with its group), the other processes whole. */
    record Snapshot(Map<String, double[]> keycloakThreads, double sandboxSeconds, double slapdSeconds,
                    double databaseSeconds) {
    }

    Snapshot take() {
        Map<String, double[]> threads = new HashMap<>();
        Path tasks = Path.of("/proc", Long.toString(keycloakPid), "task");
        if (keycloakPid > 0 && Files.isDirectory(tasks)) {
            try (Stream<Path> all = Files.list(tasks)) {
                for (Path task : all.toList()) {
                    thread(task).ifPresent(entry -> threads.put(task.getFileName() + " " + entry.getKey(),
                            new double[]{entry.getValue()}));
                }
            } catch (IOException e) {
                // The JVM ended: nothing more to account.
            }
        }
        double database = postgresPid <= 0 ? 0 : ProcessHandle.of(postgresPid).map(main -> processSeconds(main)
                + main.descendants().mapToDouble(CpuAccount::processSeconds).sum()).orElse(0.0);
        return new Snapshot(threads, processSeconds(ProcessHandle.current()), processSeconds(slapdPid), database);
    }

    /** CPU seconds per group between two snapshots; a thread that started in between counts from zero. */
    static Map<String, Double> between(Snapshot before, Snapshot after) {
        Map<String, Double> out = new LinkedHashMap<>();
        GROUPS.forEach(group -> out.put(group, 0.0));
        after.keycloakThreads().forEach((key, seconds) -> {
            double[] earlier = before.keycloakThreads().get(key);
            String group = key.substring(key.indexOf(' ') + 1);
            out.merge(group, seconds[0] - (earlier == null ? 0 : earlier[0]), Double::sum);
        });
        out.put(SANDBOX, after.sandboxSeconds() - before.sandboxSeconds());
        out.put(SLAPD, after.slapdSeconds() - before.slapdSeconds());
        out.put(DATABASE, after.databaseSeconds() - before.databaseSeconds());
        return out;
    }

    /** "name 1.2 s, ..." for the console. */
    static String describe(Map<String, Double> seconds) {
        StringBuilder out = new StringBuilder();
        seconds.forEach((group, value) -> out.append(out.length() == 0 ? "" : ", ")
                .append(String.format(java.util.Locale.ROOT, "%s %.1f", group, value)));
        return out.toString();
    }

    /** The thread's group and CPU seconds, from {@code stat}: "tid (name) state ... utime stime ...". */
    private static java.util.Optional<Map.Entry<String, Double>> thread(Path task) {
        try {
            String stat = Files.readString(task.resolve("stat"));
            int open = stat.indexOf('(');
            int close = stat.lastIndexOf(')');
            String name = stat.substring(open + 1, close);
            // After the name: state is field 3, utime field 14 and stime field 15 of proc(5).
            String[] fields = stat.substring(close + 2).split(" ");
            double seconds = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
            return java.util.Optional.of(Map.entry(group(name), seconds));
        } catch (IOException | RuntimeException e) {
            // The thread ended while we read it.
            return java.util.Optional.empty();
        }
    }

    /** By the names Quarkus, our outbox and HotSpot give their threads (the kernel keeps the first 15 characters). */
    private static String group(String name) {
        if (name.startsWith("executor-thread")) {
            return SYNC;
        }
        if (name.startsWith("claromentis-out")) {
            return WORKER;
        }
        if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
            return GC;
        }
        if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
            return JIT;
        }
        return OTHER;
    }

    private static double processSeconds(long pid) {
        return pid <= 0 ? 0 : ProcessHandle.of(pid).map(CpuAccount::processSeconds).orElse(0.0);
    }

    private static double processSeconds(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L) / 1e9;
    }
}
