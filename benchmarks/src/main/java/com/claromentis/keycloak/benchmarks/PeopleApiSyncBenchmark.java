package com.claromentis.keycloak.benchmarks;

import com.claromentis.keycloak.sandbox.SandboxServer;
import com.claromentis.keycloak.testing.KeycloakServer;
import com.claromentis.keycloak.testing.KeycloakServerOptions;
import com.claromentis.keycloak.testing.TestRealm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static com.claromentis.keycloak.benchmarks.BenchmarkRun.step;

/**
 * The benchmark on the real Keycloak with the bundle: a full sync of the sandbox's users as users per
 * second and as a fraction of the sandbox's raw paging rate measured in the same run, and People API calls per
 * repeated sign-in with a warm cache (goal 0).
 *
 * <p>Ratios rather than absolute times: the machine's speed cancels out, so figures from different machines and
 * days can be compared. Run it with {@code ./run-benchmarks.sh sync}; it is not part of {@code mvn verify}.
 */
public final class PeopleApiSyncBenchmark {

    private static final String REALM = "bench";
    private static final String COMPONENT = "claromentis";

    private final BenchmarkRun run;
    private final BenchmarkSettings settings;

    private PeopleApiSyncBenchmark(BenchmarkRun run, BenchmarkSettings settings) {
        this.run = run;
        this.settings = settings;
    }

    public static void main(String[] args) {
        BenchmarkRun.main(run -> new PeopleApiSyncBenchmark(run, BenchmarkSettings.fromSystemProperties()).measure());
    }

    private Results measure() {
        double loadAtStart = Results.loadAverage();
        step("Seeding the People API sandbox: %,d users, %d groups x %d, %d roles x %d", settings.users(),
                settings.groups(), settings.groupSize(), settings.roles(), settings.roleSize());
        SandboxServer sandbox = run.keep(SandboxDirectory.start(settings));

        step("Measuring the raw paging rate (%d runs after a warm-up)", settings.rawRuns());
        RawPaging.Rates raw = RawPaging.measure(sandbox, settings.users(), settings.rawRuns());
        step("  raw paging: median %,.0f users/s; raw read with members: median %,.0f users/s",
                raw.userPagingMedian(), raw.fullReadMedian());

        KeycloakServer keycloak = run.startKeycloak(KeycloakServerOptions.builder().build());
        TestRealm realm = TestRealm.create(keycloak, REALM);
        String componentId = realm.addComponent(SandboxDirectory.component(realm, sandbox, COMPONENT, true));

        FullSync fullSync = new FullSync(keycloak.baseUrl(), KeycloakServer.ADMIN_USERNAME,
                KeycloakServer.ADMIN_PASSWORD, Duration.ofMinutes(settings.syncTimeoutMinutes()));
        List<Results.Sync> syncs = new ArrayList<>();
        syncs.add(timedSync(fullSync, sandbox, componentId, "first full sync (imports everyone)", "sync-1"));
        Results.Sync first = syncs.get(0);
        if (first.outcome().count("added") != settings.users() || first.outcome().count("failed") != 0) {
            throw new IllegalStateException("The first sync did not import every user: " + first.outcome().result());
        }
        syncs.add(timedSync(fullSync, sandbox, componentId, "second full sync (nothing changed)", "sync-2"));

        String someone = someoneInTheMiddle(sandbox);
        step("Signing in as %s %d times with a warm cache", someone, settings.logins());
        WarmLogins.Outcome logins = WarmLogins.measure(realm, sandbox, someone, settings.logins());
        return new Results(settings, run.keycloakVersion(), loadAtStart, raw, syncs, logins);
    }

    private Results.Sync timedSync(FullSync fullSync, SandboxServer sandbox, String componentId, String label,
                                   String samplePrefix) {
        step("Running the %s", label);
        long before = SandboxDirectory.totalRequests(sandbox);
        FullSync.Outcome outcome;
        try (StackSampler sampler = run.sampleStacks(samplePrefix)) {
            outcome = fullSync.run(REALM, componentId);
        }
        Results.Sync sync = new Results.Sync(label, outcome, SandboxDirectory.totalRequests(sandbox) - before);
        step("  %.1f s: %s", outcome.nanos() / 1e9, outcome.result());
        return sync;
    }

    /** Someone in the middle of the org chart: has a manager and a group, like most staff. */
    private String someoneInTheMiddle(SandboxServer sandbox) {
        String username = "user." + (settings.users() / 2);
        if (sandbox.findUserByUsername(username).isEmpty()) {
            throw new IllegalStateException("The sandbox has no " + username + ": generated names are not as expected");
        }
        return username;
    }
}
