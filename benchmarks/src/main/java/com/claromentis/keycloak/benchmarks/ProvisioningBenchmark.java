package com.claromentis.keycloak.benchmarks;

import com.claromentis.keycloak.sandbox.SandboxServer;
import com.claromentis.keycloak.testing.KeycloakServer;
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

        KeycloakServer keycloak = run.startKeycloak(settings.serverOptions());
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
        step("Queueing %,d changes while the sandbox is down (%d admin threads), then ending the outage",
                settings.changes(), settings.creators());
        drains.add(report(OutboxDrain.backlog(run, outbox, sandbox, settings.changes(), settings.creators(), timeout),
                baseline));
        if (settings.liveChanges() > 0) {
            step("Queueing %,d changes while the sandbox is up", settings.liveChanges());
            drains.add(report(OutboxDrain.live(outbox, sandbox, settings.liveChanges(), settings.creators(), timeout),
                    baseline));
        }

        step("First sign-ins through LDAP: %d per mode in blocks of %d, modes taking turns", settings.signIns(),
                settings.signInBlock());
        FirstSignIns.Outcome signIns = FirstSignIns.measure(keycloak, sandbox, directory, settings);
        return new ProvisioningResults(settings, run.keycloakVersion(), loadAtStart, baseline, drains, signIns,
                outboxSettings);
    }

    private CreationBaseline.Rates baseline(SandboxServer sandbox, String round) {
        CreationBaseline.Rates rates = CreationBaseline.measure(sandbox, round, settings.baselineUsers(),
                settings.rawRuns(), settings.creators());
        step("  raw creation: median %,.0f users/s sequential, %,.0f users/s on %d threads (%.1f requests each)",
                rates.sequentialMedian(), rates.parallelMedian(), rates.threads(), rates.callsPerCreation());
        return rates;
    }

    private static OutboxDrain.Outcome report(OutboxDrain.Outcome drain, CreationBaseline.Rates baseline) {
        step("  created in %.1f s (%,.0f/s); delivered in %.1f s after the clock started (first after %.1f s): "
                        + "%,.1f deliveries/s, %.3f of raw creation", drain.createSeconds(), drain.createsPerSecond(),
                drain.drainSeconds(), drain.firstDeliverySeconds(), drain.deliveriesPerSecond(),
                drain.deliveriesPerSecond() / baseline.sequentialMedian());
        return drain;
    }
}
