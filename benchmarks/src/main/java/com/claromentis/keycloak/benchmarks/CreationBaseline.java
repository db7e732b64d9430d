package com.claromentis.keycloak.benchmarks;

import com.claromentis.keycloak.peopleapi.ClaromentisUser;
import com.claromentis.keycloak.peopleapi.PeopleApiClient;
import com.claromentis.keycloak.sandbox.SandboxServer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The provisioning baseline: how fast the bundle's own People API client does, with nothing else to do, the People
 * API work one delivered creation needs ({@code findUserByUsername}, then {@code createUser}). No delivery can beat
 * it, so delivery is reported as a fraction of it, measured in the same run on the same machine.
 *
 * <p>Sequential is the baseline because the outbox delivers on one worker thread per node; the parallel figure shows
 * what the sandbox could take if delivery were concurrent.
 */
final class CreationBaseline {

    private static final int WARM_UP = 100;
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private CreationBaseline() {
    }

    /** Creations per second of each timed run, and the sandbox requests one creation takes. */
    record Rates(List<Double> sequential, List<Double> parallel, int threads, double callsPerCreation) {
        double sequentialMedian() {
            return Stats.median(sequential);
        }

        double parallelMedian() {
            return Stats.median(parallel);
        }

        /** Both sets of runs: the median then covers the machine's load at both times. */
        Rates plus(Rates later) {
            List<Double> seq = new ArrayList<>(sequential);
            seq.addAll(later.sequential);
            List<Double> par = new ArrayList<>(parallel);
            par.addAll(later.parallel);
            return new Rates(List.copyOf(seq), List.copyOf(par), threads, callsPerCreation);
        }
    }

    /** @param round names this set of runs, so the usernames of a later set do not collide with an earlier one's */
    static Rates measure(SandboxServer sandbox, String round, int usersPerRun, int runs, int threads) {
        try (PeopleApiClient client = SandboxDirectory.client(sandbox)) {
            // Warms the JIT and the connection pool, and counts the requests of one creation.
            long before = SandboxDirectory.totalRequests(sandbox);
            createAll(client, "baseline-warm-" + round, WARM_UP);
            double callsPerCreation = (double) (SandboxDirectory.totalRequests(sandbox) - before) / WARM_UP;
            List<Double> sequential = new ArrayList<>();
            List<Double> parallel = new ArrayList<>();
            for (int run = 1; run <= runs; run++) {
                long start = System.nanoTime();
                createAll(client, "baseline-seq-" + round + "-" + run, usersPerRun);
                sequential.add(Stats.perSecond(usersPerRun, System.nanoTime() - start));
                start = System.nanoTime();
                createInParallel(client, "baseline-par-" + round + "-" + run, usersPerRun, threads);
                parallel.add(Stats.perSecond(usersPerRun, System.nanoTime() - start));
            }
            return new Rates(sequential, parallel, threads, callsPerCreation);
        }
    }

    /**
     * Creations per second of {@code runs} timed runs on {@code threads} threads only, after a warm-up on as many:
     * the limit for a far-away People API, where one connection's rate is the round trip's and only concurrency helps.
     */
    static List<Double> parallel(SandboxServer sandbox, String round, int usersPerRun, int runs, int threads) {
        try (PeopleApiClient client = SandboxDirectory.client(sandbox)) {
            createInParallel(client, "baseline-warm-" + round, Math.min(WARM_UP, usersPerRun), threads);
            List<Double> rates = new ArrayList<>();
            for (int run = 1; run <= runs; run++) {
                long start = System.nanoTime();
                createInParallel(client, "baseline-par-" + round + "-" + run, usersPerRun, threads);
                rates.add(Stats.perSecond(usersPerRun, System.nanoTime() - start));
            }
            return List.copyOf(rates);
        }
    }

    private static void createInParallel(PeopleApiClient client, String prefix, int users, int threads) {
        Parallel.forEach(users, threads, TIMEOUT, "The parallel baseline", i -> createOne(client, prefix, i));
    }

    private static void createAll(PeopleApiClient client, String prefix, int users) {
        for (int i = 0; i < users; i++) {
            createOne(client, prefix, i);
        }
    }

    /** What a delivered creation asks of the People API: is the username taken, then create the user. */
    private static void createOne(PeopleApiClient client, String prefix, int i) {
        String username = prefix + "." + i;
        if (client.findUserByUsername(username).isPresent()) {
            throw new IllegalStateException(username + " already exists in the sandbox");
        }
        client.createUser(ClaromentisUser.builder(username)
                .firstName("Baseline")
                .surname("User " + i)
                .email(username + "@example.test")
                .active(true)
                .build());
    }
}
