package com.claromentis.keycloak.benchmarks;

import com.claromentis.keycloak.sandbox.SandboxServer;
import com.claromentis.keycloak.testing.KeycloakServer;
import com.claromentis.keycloak.testing.KeycloakServerOptions;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.claromentis.keycloak.benchmarks.BenchmarkRun.step;

/**
 * Issue 5's benchmark on the real Keycloak with the bundle: the provisioning outbox's sustained delivery rate as a
 * fraction of the sandbox's raw find-and-create rate measured in the same run, and first sign-in time with
 * provisioning off, on, and on while Claromentis is down (the goal: the same time in all three, as sign-in never
 * waits for the People API).
 *
 * <p>Run it with {@code ./run-benchmarks.sh provisioning}; it is not part of {@code mvn verify}.
 */
public final class ProvisioningBenchmark {

    private final BenchmarkRun run;
    private final ProvisioningSettings settings;

    private ProvisioningBenchmark(BenchmarkRun run, ProvisioningSettings settings) {
        this.run = run;
        this.settings = settings;
    }

    public static void main(String[] args) {
        BenchmarkRun.main(run -> new ProvisioningBenchmark(run, ProvisioningSettings.fromSystemProperties()).measure());
    }

    private ProvisioningResults measure() {
        double loadAtStart = Results.loadAverage();
        SandboxServer sandbox = run.keep(SandboxDirectory.startEmpty());
        step("Measuring the raw creation rate: find + create of %,d users, %d runs sequential and on %d threads",
                settings.baselineUsers(), settings.rawRuns(), settings.creators());
        CreationBaseline.Rates early = baseline(sandbox, "early");

        step("Generating the directory: %,d staff and %d warm-up people", settings.signIns(), settings.warmUpSignIns());
        StaffDirectory directory = run.keep(StaffDirectory.start(settings.signIns(), settings.warmUpSignIns()));

        KeycloakServerOptions.Builder options = settings.serverOptions();
        // On PostgreSQL the drains also say what they asked of the database per change.
        DatabaseStatements statements = DatabaseStatements.ifChosen(run, settings.database(), options);
        KeycloakServer keycloak = run.startKeycloak(options.build());
        OutboxDrain.Meters meters = new OutboxDrain.Meters(statements,
                new CpuAccount(KeycloakHeap.find().pid(), -1, statements));
        Duration timeout = Duration.ofMinutes(settings.drainTimeoutMinutes());
        ProvisioningRealm outbox = ProvisioningRealm.create(keycloak, sandbox, "outbox", true);
        // As the server reports them, so the figures say which settings they were measured with.
        Map<String, Object> outboxSettings = new ObjectMapper().convertValue(outbox.summary().path("settings"),
                new TypeReference<Map<String, Object>>() { });

        // The machine is shared: the baseline is measured again next to the drains (Keycloak idle), and the ratio uses
        // the median of both sets, so a busy spell at either time moves it less.
        step("Measuring the raw creation rate again, just before the drains (Keycloak up and idle)");
        CreationBaseline.Rates baseline = early.plus(baseline(sandbox, "late"));
        List<OutboxDrain.Outcome> drains = new ArrayList<>();
        if (settings.warmUpChanges() > 0) {
            step("Warming up: an untimed backlog of %,d changes queued in an outage and drained", settings.warmUpChanges());
            report(OutboxDrain.backlog(run, outbox, sandbox, "warm", "warm-up", settings.warmUpChanges(),
                    settings.creators(), timeout, OutboxDrain.Meters.NONE), baseline);
        }
        step("Queueing %,d changes while the sandbox is down (%d admin threads), then ending the outage",
                settings.changes(), settings.creators());
        drains.add(report(OutboxDrain.backlog(run, outbox, sandbox, settings.changes(), settings.creators(), timeout, meters),
                baseline));
        if (settings.liveChanges() > 0) {
            step("Queueing %,d changes while the sandbox is up", settings.liveChanges());
            drains.add(report(OutboxDrain.live(outbox, sandbox, settings.liveChanges(), settings.creators(), timeout),
                    baseline));
        }

        step("First sign-ins through LDAP: %d per mode in blocks of %d, modes taking turns", settings.signIns(),
                settings.signInBlock());
        FirstSignIns.Outcome signIns = FirstSignIns.measure(keycloak, sandbox, directory, settings);
        FarAway farAway = settings.latencyMillis() > 0 ? farAway(outbox, sandbox, outboxSettings, timeout, meters) : null;
        return new ProvisioningResults(settings, run.keycloakVersion(), loadAtStart, baseline, drains, signIns,
                outboxSettings, farAway);
    }

    /**
     * The backlog again, from a People API that answers {@code latencyMillis} late, as a real Claromentis tens of
     * milliseconds away does: against that, one connection's rate is its round trip's, so the limit is a concurrent
     * client with as many connections as the outbox delivers on ({@code worker-threads}), in the same run.
     *
     * @param raw          creations per second of that client, each run
     * @param userCreates  {@code POST /users} the sandbox received during the drain: more than the changes would be a
     *                     duplicate
     */
    record FarAway(int latencyMillis, int workers, List<Double> raw, OutboxDrain.Outcome drain, long userCreates) {
        double rawMedian() {
            return Stats.median(raw);
        }

        double ratio() {
            return drain.deliveriesPerSecond() / rawMedian();
        }
    }

    private FarAway farAway(ProvisioningRealm outbox, SandboxServer sandbox, Map<String, Object> outboxSettings,
                            Duration timeout, OutboxDrain.Meters meters) {
        int workers = Integer.parseInt(String.valueOf(outboxSettings.getOrDefault("worker-threads", 1)));
        int latency = settings.latencyMillis();
        sandbox.faults().latency(latency);
        try {
            int perRun = Math.max(workers * 25, Math.min(settings.latencyChanges(), 400));
            step("The People API %d ms away: raw find + create on %d threads (%d runs x %,d), then a backlog of %,d",
                    latency, workers, settings.rawRuns(), perRun, settings.latencyChanges());
            List<Double> raw = CreationBaseline.parallel(sandbox, "far", perRun, settings.rawRuns(), workers);
            step("  raw creation: median %,.1f users/s on %d threads", Stats.median(raw), workers);
            long createsBefore = sandbox.requestCount("POST /users");
            OutboxDrain.Outcome drain = report(OutboxDrain.backlog(run, outbox, sandbox, "far",
                    "backlog of " + settings.latencyChanges() + " queued in an outage, People API " + latency + " ms away",
                    settings.latencyChanges(), settings.creators(), timeout, meters), Stats.median(raw));
            long creates = sandbox.requestCount("POST /users") - createsBefore;
            FarAway farAway = new FarAway(latency, workers, raw, drain, creates);
            step("  %.3f of the concurrent client's rate; %,d POST /users for %,d changes", farAway.ratio(), creates,
                    settings.latencyChanges());
            return farAway;
        } finally {
            sandbox.faults().latency(0);
        }
    }

    private CreationBaseline.Rates baseline(SandboxServer sandbox, String round) {
        CreationBaseline.Rates rates = CreationBaseline.measure(sandbox, round, settings.baselineUsers(),
                settings.rawRuns(), settings.creators());
        step("  raw creation: median %,.0f users/s sequential, %,.0f users/s on %d threads (%.1f requests each)",
                rates.sequentialMedian(), rates.parallelMedian(), rates.threads(), rates.callsPerCreation());
        return rates;
    }

    private static OutboxDrain.Outcome report(OutboxDrain.Outcome drain, CreationBaseline.Rates baseline) {
        return report(drain, baseline.sequentialMedian());
    }

    private static OutboxDrain.Outcome report(OutboxDrain.Outcome drain, double rawPerSecond) {
        step("  created in %.1f s (%,.0f/s); delivered in %.1f s after the clock started (first after %.1f s): "
                        + "%,.1f deliveries/s, %.3f of raw creation", drain.createSeconds(), drain.createsPerSecond(),
                drain.drainSeconds(), drain.firstDeliverySeconds(), drain.deliveriesPerSecond(),
                drain.deliveriesPerSecond() / rawPerSecond);
        if (drain.statements().statements() > 0) {
            step("  database per change: %.1f statements, %.1f rows written, %.2f commits (%s)",
                    drain.statements().statements() / (double) drain.changes(),
                    drain.statements().rowsWritten() / (double) drain.changes(),
                    drain.statements().commits() / (double) drain.changes(), drain.statements().perUser(drain.changes()));
        }
        if (!drain.cpuSeconds().isEmpty()) {
            step("  CPU milliseconds per change: %s", perChange(drain));
        }
        return drain;
    }

    /** "Keycloak outbox worker threads 2.1, ..." in CPU ms per delivered change, groups that spent any. */
    static String perChange(OutboxDrain.Outcome drain) {
        StringBuilder out = new StringBuilder();
        double total = 0;
        for (Map.Entry<String, Double> group : drain.cpuSeconds().entrySet()) {
            double ms = group.getValue() * 1000 / drain.changes();
            total += ms;
            if (ms >= 0.05) {
                out.append(out.isEmpty() ? "" : ", ").append(String.format(java.util.Locale.ROOT, "%s %.2f", group.getKey(), ms));
            }
        }
        return out.append(String.format(java.util.Locale.ROOT, "; in all %.2f", total)).toString();
    }
}
