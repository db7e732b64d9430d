package com.claromentis.keycloak.benchmarks;

import com.claromentis.keycloak.sandbox.Faults;
import com.claromentis.keycloak.sandbox.SandboxServer;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Sustained delivery: provisioning changes queued by admin user creations, timed until the realm's outbox shows
 * nothing pending and the sandbox holds every user. Delivery is seen from outside only (the sandbox's user count,
 * the admin summary), so the figure includes everything the worker does per change.
 */
final class OutboxDrain {

    private static final Duration POLL = Duration.ofMillis(100);
    /** The admin summary is a request to Keycloak; once a second is enough to see the backlog's peak. */
    private static final int PENDING_EVERY_N_POLLS = 10;

    private OutboxDrain() {
    }

    /**
     * What a backlog drain is measured with besides the clock.
     *
     * @param statements counts the drain's statements, or null (dev-file)
     * @param cpu        CPU by process and Keycloak thread role, or null
     */
    record Meters(DatabaseStatements statements, CpuAccount cpu) {
        static final Meters NONE = new Meters(null, null);
    }

    /**
     * One measurement.
     *
     * @param outage             whether the changes were queued while the sandbox was down
     * @param createSeconds      wall time of the admin creations
     * @param retriedInOutage    failed attempts the worker made while the sandbox was down (0 without an outage)
     * @param firstDeliverySeconds from the clock's start to the first user in the sandbox
     * @param drainSeconds       from the clock's start (outage end, or first creation) to nothing pending
     * @param maxPending         largest pending count seen
     * @param peopleApiCalls     sandbox requests from the clock's start to the end
     * @param statements         what the drain asked of PostgreSQL, or {@link DatabaseStatements.Counts#NONE}
     * @param cpuSeconds         CPU seconds spent during the drain, by whom ({@link CpuAccount}); empty when not counted
     */
    record Outcome(String label, int changes, boolean outage, double createSeconds, long retriedInOutage, double firstDeliverySeconds,
                   double drainSeconds, long maxPending, long peopleApiCalls, DatabaseStatements.Counts statements,
                   java.util.Map<String, Double> cpuSeconds) {

        /** The figure: changes delivered per second of the drain. */
        double deliveriesPerSecond() {
            return changes / drainSeconds;
        }

        /** The same without the wait for the first delivery (a backoff still running when the outage ended). */
        double deliveringPerSecond() {
            return changes / Math.max(drainSeconds - firstDeliverySeconds, 1e-9);
        }

        double createsPerSecond() {
            return changes / createSeconds;
        }
    }

    /**
     * Queues {@code changes} while the sandbox answers every API request with 503, then ends the outage and times
     * the backlog's delivery.
     */
    static Outcome backlog(BenchmarkRun run, ProvisioningRealm realm, SandboxServer sandbox, int changes, int creators,
                           Duration timeout, Meters meters) {
        return backlog(run, realm, sandbox, "queued", "backlog of " + changes + " queued in an outage", changes, creators,
                timeout, meters);
    }

    /**
     * @param prefix     the created users' usernames start with it, so two backlogs of one realm do not collide
     */
    static Outcome backlog(BenchmarkRun run, ProvisioningRealm realm, SandboxServer sandbox, String prefix, String label,
                           int changes, int creators, Duration timeout, Meters meters) {
        int before = sandbox.userCount();
        long retriedBefore = realm.nodeCounter("retried");
        sandbox.faults().outage(Faults.Outage.STATUS_503);
        long createNanos;
        try {
            createNanos = AdminUsers.create(realm.realm(), prefix, changes, creators);
        } catch (RuntimeException e) {
            sandbox.faults().outage(Faults.Outage.NONE);
            throw e;
        }
        long pending = realm.pending();
        if (pending != changes || sandbox.userCount() != before) {
            sandbox.faults().outage(Faults.Outage.NONE);
            throw new IllegalStateException("Expected " + changes + " changes waiting out the outage, found " + pending
                    + " pending: " + realm.summary());
        }
        long retried = realm.nodeCounter("retried") - retriedBefore;
        long requestsBefore = SandboxDirectory.totalRequests(sandbox);
        if (meters.statements() != null) {
            meters.statements().reset();
        }
        CpuAccount.Snapshot cpuBefore = meters.cpu() == null ? null : meters.cpu().take();
        try (StackSampler sampler = run.sampleStacks("drain-" + prefix)) {
            long start = System.nanoTime();
            sandbox.faults().outage(Faults.Outage.NONE);
            Watch watch = watch(realm, sandbox, before, changes, start, timeout, CompletableFuture.completedFuture(0L));
            return new Outcome(label, changes, true, createNanos / 1e9, retried,
                    watch.firstDeliverySeconds, watch.drainSeconds, Math.max(pending, watch.maxPending),
                    SandboxDirectory.totalRequests(sandbox) - requestsBefore,
                    meters.statements() == null ? DatabaseStatements.Counts.NONE : meters.statements().read(),
                    cpuBefore == null ? java.util.Map.of() : CpuAccount.between(cpuBefore, meters.cpu().take()));
        }
    }

    /** Queues {@code changes} while the sandbox is up: delivery runs alongside the creations. */
    static Outcome live(ProvisioningRealm realm, SandboxServer sandbox, int changes, int creators, Duration timeout) {
        int before = sandbox.userCount();
        long requestsBefore = SandboxDirectory.totalRequests(sandbox);
        long start = System.nanoTime();
        CompletableFuture<Long> creating = CompletableFuture.supplyAsync(
                () -> AdminUsers.create(realm.realm(), "live", changes, creators));
        Watch watch = watch(realm, sandbox, before, changes, start, timeout, creating);
        return new Outcome("live: " + changes + " queued while Claromentis is up", changes, false, seconds(creating),
                0, watch.firstDeliverySeconds, watch.drainSeconds, watch.maxPending,
                SandboxDirectory.totalRequests(sandbox) - requestsBefore, DatabaseStatements.Counts.NONE, java.util.Map.of());
    }

    private record Watch(double firstDeliverySeconds, double drainSeconds, long maxPending) {
    }

    /** Polls until the creations are done, the sandbox has every user and nothing is pending. */
    private static Watch watch(ProvisioningRealm realm, SandboxServer sandbox, int before, int changes, long start,
                               Duration timeout, CompletableFuture<Long> creating) {
        long deadline = start + timeout.toNanos();
        long first = 0;
        long maxPending = 0;
        for (long poll = 0; System.nanoTime() < deadline; poll++) {
            long now = System.nanoTime();
            int delivered = sandbox.userCount() - before;
            if (delivered > 0 && first == 0) {
                first = now;
            }
            if (creating.isCompletedExceptionally()) {
                seconds(creating);
            }
            boolean allThere = creating.isDone() && delivered >= changes;
            if (allThere || poll % PENDING_EVERY_N_POLLS == 0) {
                long pending = realm.pending();
                maxPending = Math.max(maxPending, pending);
                if (allThere && pending == 0) {
                    return new Watch((first - start) / 1e9, (now - start) / 1e9, maxPending);
                }
            }
            ProvisioningRealm.pause(POLL);
        }
        throw new IllegalStateException("Delivery of " + changes + " changes did not finish within " + timeout + ": "
                + (sandbox.userCount() - before) + " in the sandbox, outbox " + realm.summary());
    }

    private static double seconds(Future<Long> creating) {
        try {
            return creating.get() / 1e9;
        } catch (ExecutionException e) {
            throw new IllegalStateException("Creating the users failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }
}
