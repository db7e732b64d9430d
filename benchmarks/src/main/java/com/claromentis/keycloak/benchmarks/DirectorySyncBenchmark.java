package com.claromentis.keycloak.benchmarks;

import com.claromentis.keycloak.sandbox.SandboxServer;
import com.claromentis.keycloak.testing.KeycloakServer;
import com.claromentis.keycloak.testing.KeycloakServerOptions;
import com.claromentis.keycloak.testing.LdapFederation;
import com.claromentis.keycloak.testing.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import org.keycloak.representations.idm.ComponentRepresentation;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static com.claromentis.keycloak.benchmarks.BenchmarkRun.step;

/**
 * The directory-sync benchmark on the real Keycloak with the bundle and a real OpenLDAP: a full sync of 10,000
 * directory users with the Claromentis openldap preset (its mappers, and the provisioning outbox the directory sync
 * mapper queues every user into) against the same directory with Keycloak's default LDAP mappers only, both in the
 * same run, as a throughput ratio (goal at least 0.9); a changed-users sync of 100 modified users as a share of the
 * full sync's time (goal at most 5%); and the Keycloak JVM's heap.
 *
 * <p>Ratios rather than absolute times, and goals reported as met or missed, never enforced: a figure on a shared
 * 2-core machine is evidence, not a verdict. Run it with {@code ./run-benchmarks.sh directory}; it is not part of
 * {@code mvn verify}.
 */
public final class DirectorySyncBenchmark {

    static final double RATIO_GOAL = 0.9;
    static final double CHANGED_SHARE_GOAL = 0.05;
    private static final String DIRECTORY_SYNC_MAPPER = "claromentis-directory-sync";
    private static final Duration DRAIN_POLL = Duration.ofMillis(200);
    /** Keycloak's changed-users sync compares modifyTimestamp, to the second, with the time of the last sync. */
    private static final Duration TIMESTAMP_RESOLUTION = Duration.ofMillis(1_100);

    private final BenchmarkRun run;
    private final DirectorySyncSettings settings;

    private DirectorySyncBenchmark(BenchmarkRun run, DirectorySyncSettings settings) {
        this.run = run;
        this.settings = settings;
    }

    public static void main(String[] args) {
        BenchmarkRun.main(run -> new DirectorySyncBenchmark(run, DirectorySyncSettings.fromSystemProperties()).measure());
    }

    /** A realm under test: Keycloak's LDAP provider alone, or with the preset and provisioning into its own sandbox. */
    private record Subject(String name, boolean preset, String ldapId, SandboxServer sandbox, ProvisioningRealm outbox) {
    }

    /** What delivering the queued changes took after the sync call returned (preset realms only). */
    record Drain(double seconds, long maxPending, long dead, int inClaromentis, long peopleApiCalls) {
    }

    /**
     * One timed sync.
     *
     * @param inClaromentisAtReturn users the sandbox held when the sync call returned: the outbox delivers alongside
     * @param liveBeforeMb          heap live (after a full GC) just before it
     * @param liveAfterMb           heap live just after it (and after its drain)
     * @param peakMb                largest used heap, garbage included, while the sync call ran
     * @param drain                 null for a baseline realm
     */
    record Sync(String realm, boolean preset, FullSync.Outcome outcome, int inClaromentisAtReturn, double liveBeforeMb,
                double liveAfterMb, double peakMb, Drain drain) {

        double seconds() {
            return outcome.nanos() / 1e9;
        }
    }

    private DirectorySyncResults measure() {
        double loadAtStart = Results.loadAverage();
        step("Starting slapd and adding %,d users (and %,d warm-up users), %d groups x %,d members", settings.users(),
                settings.warmUpUsers(), settings.groups(), settings.groupSize());
        OpenLdapCompany company = run.keep(OpenLdapCompany.start(
                Path.of(System.getProperty("bench.work.dir", "benchmarks/target/work")), settings));
        step("  slapd filled in %.1f s (%s)", company.fillSeconds(), company.ldapUrl());

        KeycloakServer keycloak = run.startKeycloak(KeycloakServerOptions.builder().build());
        KeycloakHeap heap = KeycloakHeap.find();
        FullSync sync = new FullSync(keycloak.baseUrl(), KeycloakServer.ADMIN_USERNAME, KeycloakServer.ADMIN_PASSWORD,
                Duration.ofMinutes(settings.syncTimeoutMinutes()));

        if (settings.warmUpUsers() > 0) {
            // Untimed: the JIT, Hibernate's and Keycloak's caches and the connection pools warm up on the same code
            // paths (both kinds of realm), so the first timed sync is not the one that pays for it.
            step("Warm-up (untimed): %,d users into a baseline and a preset realm", settings.warmUpUsers());
            for (Subject warm : List.of(subject(keycloak, company, "warm-up-baseline", false, company.warmUpDn()),
                    subject(keycloak, company, "warm-up-preset", true, company.warmUpDn()))) {
                FullSync.Outcome outcome = sync.run(warm.name(), warm.ldapId());
                step("  %s: %.1f s, %s", warm.name(), outcome.nanos() / 1e9, outcome.result());
                if (warm.preset()) {
                    drain(warm, settings.warmUpUsers(), 0);
                }
            }
        }

        // Baseline, preset, preset, baseline: a machine that speeds up or slows down over the run (another build
        // starting, the JIT still improving) moves both kinds alike, and each kind's figure is the median of its two.
        List<Subject> subjects = List.of(
                subject(keycloak, company, "baseline-1", false, company.peopleDn()),
                subject(keycloak, company, "preset-1", true, company.peopleDn()),
                subject(keycloak, company, "preset-2", true, company.peopleDn()),
                subject(keycloak, company, "baseline-2", false, company.peopleDn()));
        double maxHeapMb = heap.maxMb();
        KeycloakHeap.Reading liveAtStart = heap.live();
        step("Keycloak heap: %.0f MB live after a full GC (max %.0f MB)", liveAtStart.usedMb(), maxHeapMb);

        List<Sync> fullSyncs = new ArrayList<>();
        for (Subject subject : subjects) {
            fullSyncs.add(fullSync(sync, heap, subject));
        }
        KeycloakHeap.Reading liveAfterFull = heap.live();

        step("Changing the job title of %,d directory users, then a changed-users sync of every realm", settings.changed());
        pause(TIMESTAMP_RESOLUTION);
        company.changeTitles(settings.changed(), settings.users());
        List<Sync> changedSyncs = new ArrayList<>();
        for (Subject subject : subjects) {
            changedSyncs.add(changedSync(sync, heap, subject));
        }
        KeycloakHeap.Reading liveAtEnd = heap.live();
        return new DirectorySyncResults(settings, run.keycloakVersion(), loadAtStart, company.fillSeconds(),
                fullSyncs, changedSyncs, maxHeapMb, liveAtStart, liveAfterFull, liveAtEnd);
    }

    private Sync fullSync(FullSync sync, KeycloakHeap heap, Subject subject) {
        step("Full sync of %s (%s)", subject.name(), subject.preset()
                ? "openldap preset, provisioning on" : "Keycloak's default LDAP mappers");
        double liveBefore = heap.live().usedMb();
        long callsBefore = subject.preset() ? SandboxDirectory.totalRequests(subject.sandbox()) : 0;
        FullSync.Outcome outcome;
        KeycloakHeap.Peak peak = heap.peak();
        try (StackSampler sampler = run.sampleStacks("directory-" + subject.name())) {
            outcome = sync.run(subject.name(), subject.ldapId());
        } finally {
            peak.close();
        }
        int atReturn = subject.preset() ? subject.sandbox().userCount() : 0;
        if (outcome.count("added") != settings.users() || outcome.count("failed") != 0) {
            throw new IllegalStateException("The full sync of " + subject.name() + " did not import every user: "
                    + outcome.result());
        }
        step("  %.1f s (%,.0f users/s): %s", outcome.nanos() / 1e9, Stats.perSecond(settings.users(), outcome.nanos()),
                outcome.result());
        Drain drain = subject.preset() ? drain(subject, settings.users(), callsBefore) : null;
        double liveAfter = heap.live().usedMb();
        step("  heap: %.0f MB live before, %.0f MB peak during, %.0f MB live after", liveBefore, peak.maxMb(), liveAfter);
        return new Sync(subject.name(), subject.preset(), outcome, atReturn, liveBefore, liveAfter, peak.maxMb(), drain);
    }

    private Sync changedSync(FullSync sync, KeycloakHeap heap, Subject subject) {
        step("Changed-users sync of %s", subject.name());
        long callsBefore = subject.preset() ? SandboxDirectory.totalRequests(subject.sandbox()) : 0;
        FullSync.Outcome outcome;
        KeycloakHeap.Peak peak = heap.peak();
        try {
            outcome = sync.changed(subject.name(), subject.ldapId());
        } finally {
            peak.close();
        }
        if (outcome.count("updated") != settings.changed() || outcome.count("failed") != 0) {
            // Recorded in the results rather than thrown: the time is still a measurement, and the table shows it.
            System.err.printf("Expected %d updated and none failed in the changed-users sync of %s, got %s%n",
                    settings.changed(), subject.name(), outcome.result());
        }
        step("  %.2f s: %s", outcome.nanos() / 1e9, outcome.result());
        Drain drain = subject.preset() ? drain(subject, settings.users(), callsBefore) : null;
        return new Sync(subject.name(), subject.preset(), outcome, subject.preset() ? subject.sandbox().userCount() : 0,
                Double.NaN, Double.NaN, peak.maxMb(), drain);
    }

    /**
     * From the sync call's return until the realm's outbox has nothing pending. The sync's transactions have all
     * committed by then, so every change it queued is counted; delivery started while it ran.
     */
    private Drain drain(Subject subject, int expectedUsers, long callsBefore) {
        long start = System.nanoTime();
        long deadline = start + Duration.ofMinutes(settings.drainTimeoutMinutes()).toNanos();
        long maxPending = 0;
        long pending;
        while ((pending = subject.outbox().pending()) > 0) {
            maxPending = Math.max(maxPending, pending);
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The outbox of " + subject.name() + " still has " + pending
                        + " pending changes after " + settings.drainTimeoutMinutes() + " min: " + subject.outbox().summary());
            }
            pause(DRAIN_POLL);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        JsonNode summary = subject.outbox().summary();
        int inClaromentis = subject.sandbox().userCount();
        Drain drain = new Drain(seconds, maxPending, summary.path("dead").asLong(), inClaromentis,
                SandboxDirectory.totalRequests(subject.sandbox()) - callsBefore);
        step("  outbox drained %.1f s after the sync returned (at most %,d pending seen, %d dead); %,d users in "
                + "Claromentis, %,d People API requests", seconds, maxPending, drain.dead(), inClaromentis, drain.peopleApiCalls());
        if (inClaromentis < expectedUsers) {
            System.err.printf("Only %d of %d users reached Claromentis for %s: %s%n", inClaromentis, expectedUsers,
                    subject.name(), summary);
        }
        return drain;
    }

    /**
     * A realm with Keycloak's LDAP provider on {@code usersDn}, as the integration tests add it (stock mappers, first
     * name from givenName); for a preset realm first a People API sandbox with the directory's group names, the
     * realm's disabled {@code claromentis-people-api} connection and the provisioning listener, and then the openldap
     * preset in one admin call, as an administrator would.
     */
    private Subject subject(KeycloakServer keycloak, OpenLdapCompany company, String name, boolean preset,
                            String usersDn) {
        SandboxServer sandbox = null;
        ProvisioningRealm outbox = null;
        TestRealm realm;
        if (preset) {
            sandbox = run.keep(SandboxDirectory.startEmpty());
            company.groupNames().forEach(sandbox::addGroup);
            outbox = ProvisioningRealm.create(keycloak, sandbox, name, true);
            realm = outbox.realm();
        } else {
            realm = TestRealm.create(keycloak, name);
        }
        LdapFederation ldap = LdapFederation.addInetOrgPerson(realm.admin(), name, company.ldapUrl(),
                company.bindDn(), company.bindPassword(), usersDn);
        if (preset) {
            realm.admin().exchangeJson("POST", realm.adminPath() + "/claromentis-directory/" + ldap.id()
                    + "/preset/openldap?groupsDn=" + URLEncoder.encode(company.groupsDn(), StandardCharsets.UTF_8));
            if (ldap.mappers().stream().map(ComponentRepresentation::getProviderId).noneMatch(DIRECTORY_SYNC_MAPPER::equals)) {
                throw new IllegalStateException("The openldap preset added no " + DIRECTORY_SYNC_MAPPER + " mapper to "
                        + name + ": " + ldap.mapperConfigs().keySet());
            }
        }
        step("  realm %s: %d LDAP mappers %s", name, ldap.mappers().size(), ldap.mappers().stream()
                .map(ComponentRepresentation::getName).sorted().toList());
        return new Subject(name, preset, ldap.id(), sandbox, outbox);
    }

    private static void pause(Duration duration) {
        ProvisioningRealm.pause(duration);
    }
}
