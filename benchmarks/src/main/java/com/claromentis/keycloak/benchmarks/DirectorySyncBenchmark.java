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
import java.util.Map;

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

    /** What a realm under test federates the directory with. */
    enum Kind {
        /** Keycloak's LDAP provider as an administrator adds it, with its default mappers: the baseline. */
        BASELINE("Keycloak's default mappers"),
        /** The same plus the openldap preset and provisioning into a People API sandbox: what the ratio is about. */
        PRESET("openldap preset, outbox"),
        /**
         * The preset with provisioning off (no listener, so the directory sync mapper queues nothing): not a goal,
         * it tells the preset's mappers' share of the cost from the outbox's.
         */
        PRESET_NO_OUTBOX("openldap preset, provisioning off"),
        /**
         * Keycloak's own mappers for the same directory attributes the preset reads (a user-attribute mapper each,
         * the manager as its raw DN) and Keycloak's group mapper for the same groups: not a goal, it tells what
         * writing the preset's fields costs Keycloak itself, so the ratio's gap can be split into the work the
         * product asks for and the preset's own overhead.
         */
        STOCK_SAME_FIELDS("Keycloak's mappers for the preset's fields and groups");

        final String description;

        Kind(String description) {
            this.description = description;
        }

        boolean provisions() {
            return this == PRESET;
        }
    }

    /** A realm under test; {@code sandbox} and {@code outbox} only for {@link Kind#PRESET}. */
    private record Subject(String name, Kind kind, TestRealm realm, String ldapId, SandboxServer sandbox,
                           ProvisioningRealm outbox) {
    }

    /** What delivering the queued changes took after the sync call returned (preset realms only). */
    record Drain(double seconds, long maxPending, long dead, int inClaromentis, long peopleApiCalls,
                 Map<String, Double> cpuSeconds) {
    }

    /**
     * One timed sync.
     *
     * @param inClaromentisAtReturn users the sandbox held when the sync call returned: the outbox delivers alongside
     * @param liveBeforeMb          heap live (after a full GC) just before it
     * @param liveAfterMb           heap live just after it (and after its drain)
     * @param peakMb                largest used heap, garbage included, while the sync call ran
     * @param drain                 null unless the realm provisions
     * @param loadAverage           the machine's one-minute load average when it started
     * @param cpuSeconds            CPU seconds spent while the sync call ran, by {@link CpuAccount} group
     * @param database              statements and rows while the sync call ran; {@link DatabaseStatements.Counts#NONE}
     *                              on dev-file and for changed syncs
     */
    record Sync(String realm, Kind kind, FullSync.Outcome outcome, int inClaromentisAtReturn, double liveBeforeMb,
                double liveAfterMb, double peakMb, Drain drain, double loadAverage, Map<String, Double> cpuSeconds,
                DatabaseStatements.Counts database) {

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

        KeycloakServerOptions.Builder options = KeycloakServerOptions.builder();
        DatabaseStatements statements = DatabaseStatements.ifChosen(run, settings.database(), options);
        KeycloakServer keycloak = run.startKeycloak(options.build());
        KeycloakHeap heap = KeycloakHeap.find();
        CpuAccount cpu = new CpuAccount(heap.pid(), company.pid(), statements);
        FullSync sync = new FullSync(keycloak.baseUrl(), KeycloakServer.ADMIN_USERNAME, KeycloakServer.ADMIN_PASSWORD,
                Duration.ofMinutes(settings.syncTimeoutMinutes()));

        if (settings.warmUpUsers() > 0) {
            // Untimed: the JIT, Hibernate's and Keycloak's caches and the connection pools warm up on the same code
            // paths (both kinds of realm), so the first timed sync is not the one that pays for it.
            step("Warm-up (untimed): %,d users into a baseline and a preset realm", settings.warmUpUsers());
            for (Subject warm : List.of(subject(keycloak, company, "warm-up-baseline", Kind.BASELINE, company.warmUpDn()),
                    subject(keycloak, company, "warm-up-preset", Kind.PRESET, company.warmUpDn()))) {
                FullSync.Outcome outcome = sync.run(warm.name(), warm.ldapId());
                step("  %s: %.1f s, %s", warm.name(), outcome.nanos() / 1e9, outcome.result());
                if (warm.kind().provisions()) {
                    drain(warm, cpu, settings.warmUpUsers(), 0);
                }
            }
        }

        // Baseline, preset, (preset without provisioning), preset, baseline: a machine that speeds up or slows down
        // over the run (another build starting, the JIT still improving) moves both kinds alike, and each kind's
        // figure is the median of its two. The diagnostic realms sit in the middle, where the drift cancels too.
        // Each realm is created just before its syncs and removed after them, and the database is vacuumed and
        // analysed before every timed sync: each one imports its 10,000 people into the same database (the warm-up
        // realms only), so no kind pays for the rows of the realms synced before it. Left in place, they did: every
        // later sync wrote into tables 10,000 people larger, with plans made for the smaller ones.
        List<Map.Entry<String, Kind>> plan = List.of(
                Map.entry("baseline-1", Kind.BASELINE),
                Map.entry("preset-1", Kind.PRESET),
                Map.entry("preset-no-outbox", Kind.PRESET_NO_OUTBOX),
                Map.entry("stock-same-fields", Kind.STOCK_SAME_FIELDS),
                Map.entry("preset-2", Kind.PRESET),
                Map.entry("baseline-2", Kind.BASELINE));
        double maxHeapMb = heap.maxMb();
        KeycloakHeap.Reading liveAtStart = heap.live();
        step("Keycloak heap: %.0f MB live after a full GC (max %.0f MB)", liveAtStart.usedMb(), maxHeapMb);

        List<Sync> fullSyncs = new ArrayList<>();
        List<Sync> changedSyncs = new ArrayList<>();
        KeycloakHeap.Reading liveAfterFull = liveAtStart;
        int round = 0;
        for (Map.Entry<String, Kind> entry : plan) {
            round++;
            Subject subject = subject(keycloak, company, entry.getKey(), entry.getValue(), company.peopleDn());
            fullSyncs.add(fullSync(sync, heap, cpu, statements, subject));
            step("Changing the job title of %,d directory users, then a changed-users sync of %s", settings.changed(),
                    subject.name());
            pause(TIMESTAMP_RESOLUTION);
            company.changeTitles(settings.changed(), settings.users(), round);
            changedSyncs.add(changedSync(sync, heap, cpu, subject));
            if (round == plan.size()) {
                liveAfterFull = heap.live();
            }
            long removal = System.nanoTime();
            subject.realm().close();
            step("  realm %s removed in %.1f s", subject.name(), (System.nanoTime() - removal) / 1e9);
        }
        KeycloakHeap.Reading liveAtEnd = heap.live();
        return new DirectorySyncResults(settings, run.keycloakVersion(), loadAtStart, company.fillSeconds(),
                fullSyncs, changedSyncs, maxHeapMb, liveAtStart, liveAfterFull, liveAtEnd);
    }

    /** @param statements Keycloak's database's counter, null on dev-file */
    private Sync fullSync(FullSync sync, KeycloakHeap heap, CpuAccount cpu, DatabaseStatements statements,
                          Subject subject) {
        step("Full sync of %s (%s)", subject.name(), subject.kind().description);
        if (statements != null) {
            statements.settle();
        }
        double liveBefore = heap.live().usedMb();
        boolean provisions = subject.kind().provisions();
        long callsBefore = provisions ? SandboxDirectory.totalRequests(subject.sandbox()) : 0;
        double load = Results.loadAverage();
        FullSync.Outcome outcome;
        KeycloakHeap.Peak peak = heap.peak();
        if (statements != null) {
            statements.reset();
        }
        CpuAccount.Snapshot cpuBefore = cpu.take();
        CpuAccount.Snapshot cpuAfter;
        try (StackSampler sampler = run.sampleStacks("directory-" + subject.name())) {
            outcome = sync.run(subject.name(), subject.ldapId());
        } finally {
            cpuAfter = cpu.take();
            peak.close();
        }
        Map<String, Double> cpuSeconds = CpuAccount.between(cpuBefore, cpuAfter);
        DatabaseStatements.Counts counts = statements == null ? DatabaseStatements.Counts.NONE : statements.read();
        int atReturn = provisions ? subject.sandbox().userCount() : 0;
        if (outcome.count("added") != settings.users() || outcome.count("failed") != 0) {
            throw new IllegalStateException("The full sync of " + subject.name() + " did not import every user: "
                    + outcome.result());
        }
        step("  %.1f s (%,.0f users/s): %s", outcome.nanos() / 1e9, Stats.perSecond(settings.users(), outcome.nanos()),
                outcome.result());
        step("  CPU seconds meanwhile: %s", CpuAccount.describe(cpuSeconds));
        if (statements != null) {
            step("  database per user: %.1f statements, %.1f rows written (%s)",
                    counts.statements() / (double) settings.users(), counts.rowsWritten() / (double) settings.users(),
                    counts.perUser(settings.users()));
        }
        Drain drain = provisions ? drain(subject, cpu, settings.users(), callsBefore) : null;
        double liveAfter = heap.live().usedMb();
        step("  heap: %.0f MB live before, %.0f MB peak during, %.0f MB live after (load average %.1f at the start)",
                liveBefore, peak.maxMb(), liveAfter, load);
        return new Sync(subject.name(), subject.kind(), outcome, atReturn, liveBefore, liveAfter, peak.maxMb(), drain,
                load, cpuSeconds, counts);
    }

    private Sync changedSync(FullSync sync, KeycloakHeap heap, CpuAccount cpu, Subject subject) {
        step("Changed-users sync of %s", subject.name());
        boolean provisions = subject.kind().provisions();
        long callsBefore = provisions ? SandboxDirectory.totalRequests(subject.sandbox()) : 0;
        double load = Results.loadAverage();
        FullSync.Outcome outcome;
        KeycloakHeap.Peak peak = heap.peak();
        CpuAccount.Snapshot cpuBefore = cpu.take();
        CpuAccount.Snapshot cpuAfter;
        try {
            outcome = sync.changed(subject.name(), subject.ldapId());
        } finally {
            cpuAfter = cpu.take();
            peak.close();
        }
        if (outcome.count("updated") != settings.changed() || outcome.count("failed") != 0) {
            // Recorded in the results rather than thrown: the time is still a measurement, and the table shows it.
            System.err.printf("Expected %d updated and none failed in the changed-users sync of %s, got %s%n",
                    settings.changed(), subject.name(), outcome.result());
        }
        step("  %.2f s: %s", outcome.nanos() / 1e9, outcome.result());
        Drain drain = provisions ? drain(subject, cpu, settings.users(), callsBefore) : null;
        return new Sync(subject.name(), subject.kind(), outcome, provisions ? subject.sandbox().userCount() : 0,
                Double.NaN, Double.NaN, peak.maxMb(), drain, load, CpuAccount.between(cpuBefore, cpuAfter),
                DatabaseStatements.Counts.NONE);
    }

    /**
     * From the sync call's return until the realm's outbox has nothing pending. The sync's transactions have all
     * committed by then, so every change it queued is counted; delivery started while it ran.
     */
    private Drain drain(Subject subject, CpuAccount cpu, int expectedUsers, long callsBefore) {
        CpuAccount.Snapshot cpuBefore = cpu.take();
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
        Map<String, Double> cpuSeconds = CpuAccount.between(cpuBefore, cpu.take());
        JsonNode summary = subject.outbox().summary();
        int inClaromentis = subject.sandbox().userCount();
        Drain drain = new Drain(seconds, maxPending, summary.path("dead").asLong(), inClaromentis,
                SandboxDirectory.totalRequests(subject.sandbox()) - callsBefore, cpuSeconds);
        step("  outbox drained %.1f s after the sync returned (at most %,d pending seen, %d dead); %,d users in "
                + "Claromentis, %,d People API requests", seconds, maxPending, drain.dead(), inClaromentis, drain.peopleApiCalls());
        if (seconds > 1) {
            step("  CPU seconds while it drained: %s", CpuAccount.describe(cpuSeconds));
        }
        if (inClaromentis < expectedUsers) {
            System.err.printf("Only %d of %d users reached Claromentis for %s: %s%n", inClaromentis, expectedUsers,
                    subject.name(), summary);
        }
        return drain;
    }

    /**
     * A realm with Keycloak's LDAP provider on {@code usersDn}, as the integration tests add it (stock mappers, first
     * name from givenName); for a provisioning realm first a People API sandbox with the directory's group names,
     * the realm's disabled {@code claromentis-people-api} connection and the provisioning listener; for both preset
     * kinds then the openldap preset in one admin call, as an administrator would.
     */
    private Subject subject(KeycloakServer keycloak, OpenLdapCompany company, String name, Kind kind, String usersDn) {
        SandboxServer sandbox = null;
        ProvisioningRealm outbox = null;
        TestRealm realm;
        if (kind.provisions()) {
            sandbox = run.keep(SandboxDirectory.startEmpty());
            company.groupNames().forEach(sandbox::addGroup);
            outbox = ProvisioningRealm.create(keycloak, sandbox, name, true);
            realm = outbox.realm();
        } else {
            realm = TestRealm.create(keycloak, name);
        }
        LdapFederation ldap = LdapFederation.addInetOrgPerson(realm.admin(), name, company.ldapUrl(),
                company.bindDn(), company.bindPassword(), usersDn);
        if (kind == Kind.STOCK_SAME_FIELDS) {
            // The Claromentis attribute names, so the rows Keycloak writes are the preset's (the benchmark sees the
            // bundle only over HTTP).
            ldap.mapAttribute("telephoneNumber", "phone")
                    .mapAttribute("title", "jobTitle")
                    .mapAttribute("physicalDeliveryOfficeName", "office")
                    .mapAttribute("departmentNumber", "department")
                    .mapAttribute("employeeNumber", "externalId")
                    .mapAttribute("manager", "manager")
                    .mapGroups(company.groupsDn());
        } else if (kind != Kind.BASELINE) {
            realm.admin().exchangeJson("POST", realm.adminPath() + "/claromentis-directory/" + ldap.id()
                    + "/preset/openldap?groupsDn=" + URLEncoder.encode(company.groupsDn(), StandardCharsets.UTF_8));
            if (ldap.mappers().stream().map(ComponentRepresentation::getProviderId).noneMatch(DIRECTORY_SYNC_MAPPER::equals)) {
                throw new IllegalStateException("The openldap preset added no " + DIRECTORY_SYNC_MAPPER + " mapper to "
                        + name + ": " + ldap.mapperConfigs().keySet());
            }
        }
        step("  realm %s: %d LDAP mappers %s", name, ldap.mappers().size(), ldap.mappers().stream()
                .map(ComponentRepresentation::getName).sorted().toList());
        return new Subject(name, kind, realm, ldap.id(), sandbox, outbox);
    }

    private static void pause(Duration duration) {
        ProvisioningRealm.pause(duration);
    }
}
