package com.claromentis.keycloak.benchmarks;

import com.claromentis.keycloak.sandbox.SandboxServer;
import com.claromentis.keycloak.sandbox.SandboxUser;
import com.claromentis.keycloak.testing.KeycloakServer;
import com.claromentis.keycloak.testing.KeycloakServerOptions;
import com.claromentis.keycloak.testing.LdapFederation;
import com.claromentis.keycloak.testing.TestRealm;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.claromentis.keycloak.benchmarks.BenchmarkRun.step;

/**
 * The speed issue's import goals on the real Keycloak with the bundle, in one run: the People API full sync of
 * 10,000 people with their groups and roles against Keycloak's stock LDAP import of the same people (same fields,
 * Keycloak's group and role mappers importing the same memberships) from a real slapd (goal: ratio at least 1.0); a
 * full sync of the unchanged people (at most 15% of the import's time, nothing written); a changed sync after 100
 * people changed (at most 5% of a full sync in time and People API requests); and 100,000 people (the time grows
 * linearly, at most 11 times the 10,000's, with the heap bounded). On PostgreSQL it also counts the statements
 * each step sent and the rows it wrote, per person.
 *
 * <p>Ratios rather than absolute times, goals reported as met or missed, never enforced. Run it with
 * {@code ./run-benchmarks.sh import}; it is not part of {@code mvn verify}.
 */
public final class ImportBenchmark {

    static final double IMPORT_RATIO_GOAL = 1.0;
    static final double UNCHANGED_SHARE_GOAL = 0.15;
    static final double CHANGED_SHARE_GOAL = 0.05;
    static final double SCALE_RATIO_GOAL = 11;
    /** The seeded people look modified an hour ago, so a changed sync (which asks for five minutes more) skips them. */
    private static final Duration SEEDED_AGO = Duration.ofHours(1);

    private final BenchmarkRun run;
    private final ImportSettings settings;

    private ImportBenchmark(BenchmarkRun run, ImportSettings settings) {
        this.run = run;
        this.settings = settings;
    }

    public static void main(String[] args) {
        BenchmarkRun.main(run -> new ImportBenchmark(run, ImportSettings.fromSystemProperties()).measure());
    }

    enum Kind {
        /** Keycloak's own LDAP provider: default mappers, one attribute mapper per field, group and role mappers. */
        LDAP("Keycloak's LDAP import (stock mappers for the same fields, groups and roles imported)"),
        /** The bundle's claromentis-people-api user storage. */
        PEOPLE_API("the bundle's People API sync");

        final String description;

        Kind(String description) {
            this.description = description;
        }
    }

    record Subject(String realm, Kind kind, String componentId) {
    }

    /**
     * One timed sync.
     *
     * @param peopleApiCalls requests the step's sandbox answered meanwhile (0 for LDAP)
     * @param database       statements and rows, or {@link DatabaseStatements.Counts#NONE} on dev-file
     * @param peakMb         largest used heap while it ran, garbage included
     * @param liveAfterMb    heap live after a full GC once it returned
     */
    record Step(String label, Subject subject, int people, FullSync.Outcome outcome, long peopleApiCalls,
                DatabaseStatements.Counts database, double peakMb, double liveAfterMb, double loadAverage,
                Map<String, Double> cpuSeconds) {

        double seconds() {
            return outcome.nanos() / 1e9;
        }

        double usersPerSecond() {
            return Stats.perSecond(people, outcome.nanos());
        }
    }

    private ImportResults measure() {
        double loadAtStart = Results.loadAverage();
        SettableClock clock = new SettableClock(SEEDED_AGO);
        step("Seeding the People API sandbox: %,d people, %d groups x %,d, %d roles x %,d (and %,d warm-up people)",
                settings.users(), settings.groups(), settings.groupSize(), settings.roles(), settings.roleSize(),
                settings.warmUpUsers());
        SandboxServer company = run.keep(SandboxDirectory.seeded(clock, "user", settings.users(), settings.groups(),
                settings.groupSize(), settings.roles(), settings.roleSize()));
        SandboxServer warmUp = run.keep(SandboxDirectory.seeded(clock, "warm", Math.max(settings.warmUpUsers(), 1),
                settings.groups(), Math.min(settings.groupSize(), Math.max(settings.warmUpUsers(), 1) / Math.max(settings.groups(), 1)),
                0, 0));
        step("Copying the same company into slapd");
        OpenLdapCompany ldap = run.keep(OpenLdapCompany.copyOf(
                Path.of(System.getProperty("bench.work.dir", "benchmarks/target/work")), company, warmUp));
        step("  slapd filled in %.1f s (%s)", ldap.fillSeconds(), ldap.ldapUrl());

        // Keycloak runs a sync inside one transaction of its own, which the transaction manager ends after 300 s by
        // default: a sync of 100,000 people outlasts it, as Keycloak's own LDAP sync of a large directory does
        // (keycloak#21146). The setting an administrator of such a directory raises, documented in the README.
        KeycloakServerOptions.Builder options = KeycloakServerOptions.builder()
                .environment("JAVA_OPTS_APPEND", "-Djava.net.preferIPv4Stack=true -Dquarkus.transaction-manager.default-transaction-timeout=3600");
        DatabaseStatements statements = DatabaseStatements.ifChosen(run, settings.database(), options);
        KeycloakServer keycloak = run.startKeycloak(options.build());
        KeycloakHeap heap = KeycloakHeap.find();
        CpuAccount cpu = new CpuAccount(heap.pid(), ldap.pid(), statements);
        Meter meter = new Meter(new FullSync(keycloak.baseUrl(), KeycloakServer.ADMIN_USERNAME,
                KeycloakServer.ADMIN_PASSWORD, Duration.ofMinutes(settings.syncTimeoutMinutes())), heap, cpu, statements);

        if (settings.warmUpUsers() > 0) {
            // Untimed: the JIT, Hibernate's and Keycloak's caches and the pools warm up on both code paths, so the
            // first timed import is not the one that pays for it.
            step("Warm-up (untimed): %,d people into an LDAP and a People API realm", settings.warmUpUsers());
            for (Subject warm : List.of(ldapRealm(keycloak, ldap, "warm-up-ldap", ldap.warmUpDn()),
                    peopleApiRealm(keycloak, warmUp, "warm-up-people-api"))) {
                FullSync.Outcome outcome = meter.sync.run(warm.realm(), warm.componentId());
                step("  %s: %.1f s, %s", warm.realm(), outcome.nanos() / 1e9, outcome.result());
            }
        }

        // LDAP, People API, People API, LDAP: a machine that speeds up or slows down over the run moves both alike,
        // and each kind's figure is the median of its two.
        List<Subject> subjects = List.of(
                ldapRealm(keycloak, ldap, "ldap-1", ldap.peopleDn()),
                peopleApiRealm(keycloak, company, "people-api-1"),
                peopleApiRealm(keycloak, company, "people-api-2"),
                ldapRealm(keycloak, ldap, "ldap-2", ldap.peopleDn()));
        double liveAtStart = heap.live().usedMb();
        List<Step> imports = new ArrayList<>();
        for (Subject subject : subjects) {
            Step imported = meter.full("import", subject, settings.users(), company);
            if (imported.outcome().count("added") != settings.users() || imported.outcome().count("failed") != 0) {
                throw new IllegalStateException("The import of " + subject.realm() + " did not add every person: "
                        + imported.outcome().result());
            }
            imports.add(imported);
        }
        List<Step> unchanged = new ArrayList<>();
        for (Subject subject : subjects) {
            unchanged.add(meter.full("full sync, nothing changed", subject, settings.users(), company));
        }

        clock.now();
        List<SandboxUser> people = company.users();
        // A full sync runs the per-person code 10,000 times and the JIT has compiled it by the second; a changed
        // sync of 100 runs the update path 100 times. One untimed round first, as a node that has run for a while
        // has run it before (the Graph benchmark does the same).
        step("Untimed: %,d other people changed, then a changed sync of each People API realm", settings.changed());
        changeTitles(company, people, 1);
        for (Subject subject : subjects) {
            if (subject.kind() == Kind.PEOPLE_API) {
                FullSync.Outcome outcome = meter.sync.changed(subject.realm(), subject.componentId());
                step("  %s: %.2f s, %s", subject.realm(), outcome.nanos() / 1e9, outcome.result());
            }
        }
        step("Changing the job title of %,d people in Claromentis, then a changed sync of each People API realm",
                settings.changed());
        changeTitles(company, people, 0);
        List<Step> changed = new ArrayList<>();
        for (Subject subject : subjects) {
            if (subject.kind() == Kind.PEOPLE_API) {
                Step step = meter.changed(subject, settings.changed(), company);
                if (step.outcome().count("updated") != settings.changed() || step.outcome().count("failed") != 0) {
                    System.err.printf("Expected %d updated and none failed in the changed sync of %s, got %s%n",
                            settings.changed(), subject.realm(), step.outcome().result());
                }
                changed.add(step);
            }
        }
        // The same call once more, with nothing changed since: what every changed sync costs whatever it finds (the
        // admin request, Keycloak's last-sync bookkeeping, the sync's lease and record, re-reading the overlap).
        List<Step> idle = new ArrayList<>();
        for (Subject subject : subjects) {
            if (subject.kind() == Kind.PEOPLE_API) {
                idle.add(meter.changed("changed sync, nothing new since the last", subject, settings.changed(), company));
            }
        }

        Step scale = null;
        if (settings.scaleUsers() > 0) {
            int factor = settings.scaleFactor();
            step("Scale: seeding a second sandbox with %,d people (groups and roles %dx as large)", settings.scaleUsers(), factor);
            SandboxServer large = run.keep(SandboxDirectory.seeded(clock, "scale", settings.scaleUsers(), settings.groups(),
                    settings.groupSize() * factor, settings.roles(), settings.roleSize() * factor));
            scale = meter.full("import", peopleApiRealm(keycloak, large, "scale"), settings.scaleUsers(), large);
        }
        double liveAtEnd = heap.live().usedMb();
        return new ImportResults(settings, run.keycloakVersion(), loadAtStart, ldap.fillSeconds(), imports, unchanged,
                changed, idle, scale, heap.maxMb(), liveAtStart, liveAtEnd);
    }

    /** Runs and measures syncs: the time from the admin's side, the sandbox's requests, statements, heap, CPU. */
    private final class Meter {
        private final FullSync sync;
        private final KeycloakHeap heap;
        private final CpuAccount cpu;
        private final DatabaseStatements statements;

        Meter(FullSync sync, KeycloakHeap heap, CpuAccount cpu, DatabaseStatements statements) {
            this.sync = sync;
            this.heap = heap;
            this.cpu = cpu;
            this.statements = statements;
        }

        Step full(String label, Subject subject, int people, SandboxServer sandbox) {
            return measure(label, subject, people, sandbox, false);
        }

        Step changed(Subject subject, int people, SandboxServer sandbox) {
            return changed("changed sync", subject, people, sandbox);
        }

        Step changed(String label, Subject subject, int people, SandboxServer sandbox) {
            return measure(label, subject, people, sandbox, true);
        }

        private Step measure(String label, Subject subject, int people, SandboxServer sandbox, boolean changedOnly) {
            step("%s of %s (%s)", label, subject.realm(), subject.kind().description);
            double load = Results.loadAverage();
            long callsBefore = SandboxDirectory.totalRequests(sandbox);
            if (statements != null) {
                statements.reset();
            }
            FullSync.Outcome outcome;
            KeycloakHeap.Peak peak = heap.peak();
            CpuAccount.Snapshot cpuBefore = cpu.take();
            CpuAccount.Snapshot cpuAfter;
            try (StackSampler sampler = run.sampleStacks("import-" + subject.realm() + "-" + (changedOnly ? "changed" : label.length()))) {
                outcome = changedOnly ? sync.changed(subject.realm(), subject.componentId())
                        : sync.run(subject.realm(), subject.componentId());
            } finally {
                cpuAfter = cpu.take();
                peak.close();
            }
            DatabaseStatements.Counts counts = statements == null ? DatabaseStatements.Counts.NONE : statements.read();
            long calls = subject.kind() == Kind.PEOPLE_API ? SandboxDirectory.totalRequests(sandbox) - callsBefore : 0;
            Map<String, Double> cpuSeconds = CpuAccount.between(cpuBefore, cpuAfter);
            double liveAfter = changedOnly ? Double.NaN : heap.live().usedMb();
            Step step = new Step(label, subject, people, outcome, calls, counts, peak.maxMb(), liveAfter, load, cpuSeconds);
            step("  %.2f s (%,.0f people/s): %s", step.seconds(), step.usersPerSecond(), outcome.result());
            step("  People API requests %,d; statements %,d (%.1f per person), rows written %,d (%.1f per person), "
                            + "commits %,d; peak heap %.0f MB", calls, counts.statements(), counts.statements() / (double) people,
                    counts.rowsWritten(), counts.rowsWritten() / (double) people, counts.commits(), peak.maxMb());
            if (statements != null) {
                step("  statements per person: %s", counts.perUser(people));
            }
            step("  CPU seconds meanwhile: %s", CpuAccount.describe(cpuSeconds));
            return step;
        }
    }

    /** A new job title for {@code changed} people spread over the company, starting at {@code offset}. */
    private void changeTitles(SandboxServer company, List<SandboxUser> people, int offset) {
        int stride = Math.max(settings.users() / settings.changed(), 1);
        for (int k = 0; k < settings.changed(); k++) {
            SandboxUser person = people.get(Math.min(k * stride + offset, people.size() - 1));
            company.updateUser(person.id(), user -> user.toBuilder().jobTitle("Senior " + user.jobTitle()).build());
        }
    }

    /**
     * Keycloak's LDAP provider as the integration tests add it, plus what an administrator adds to import the same
     * data as the People API sync: an attribute mapper per Claromentis field (the manager as its DN) and the group
     * and role mappers in IMPORT mode, which copy each person's memberships into Keycloak's database on import.
     */
    private Subject ldapRealm(KeycloakServer keycloak, OpenLdapCompany company, String name, String usersDn) {
        TestRealm realm = TestRealm.create(keycloak, name);
        LdapFederation federation = LdapFederation.addInetOrgPerson(realm.admin(), name, company.ldapUrl(),
                company.bindDn(), company.bindPassword(), usersDn)
                .mapAttribute("telephoneNumber", "phone")
                .mapAttribute("title", "jobTitle")
                .mapAttribute("physicalDeliveryOfficeName", "office")
                .mapAttribute("departmentNumber", "department")
                .mapAttribute("employeeNumber", "externalId")
                .mapAttribute("manager", "manager")
                .mapGroups(company.groupsDn(), "IMPORT")
                .mapRealmRoles(company.rolesDn(), "IMPORT");
        return new Subject(name, Kind.LDAP, federation.id());
    }

    private Subject peopleApiRealm(KeycloakServer keycloak, SandboxServer sandbox, String name) {
        TestRealm realm = TestRealm.create(keycloak, name);
        return new Subject(name, Kind.PEOPLE_API,
                realm.addComponent(SandboxDirectory.component(realm, sandbox, "claromentis", true)));
    }

    /** The sandbox's clock: {@code ago} behind while it is seeded, the real time once {@link #now()} is called. */
    static final class SettableClock extends Clock {
        private volatile Duration behind;

        SettableClock(Duration behind) {
            this.behind = behind;
        }

        void now() {
            behind = Duration.ZERO;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("the sandbox's clock is UTC");
        }

        @Override
        public Instant instant() {
            return Instant.now().minus(behind);
        }
    }
}
