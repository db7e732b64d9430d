package com.claromentis.keycloak.benchmarks;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/** The import benchmark's figures: every step, the goals as met or missed, and where the statements went. */
final class ImportResults implements Report {

    private final ImportSettings settings;
    private final String keycloakVersion;
    private final double loadAtStart;
    private final double loadAtEnd = Results.loadAverage();
    private final double fillSeconds;
    private final List<ImportBenchmark.Step> imports;
    private final List<ImportBenchmark.Step> unchanged;
    private final List<ImportBenchmark.Step> changed;
    /** Changed syncs with nothing new since the previous one: the fixed part of every changed sync. */
    private final List<ImportBenchmark.Step> idle;
    private final ImportBenchmark.Step scale;
    private final double maxHeapMb;
    private final double liveAtStartMb;
    private final double liveAtEndMb;
    private final LocalDate date = LocalDate.now();

    ImportResults(ImportSettings settings, String keycloakVersion, double loadAtStart, double fillSeconds,
                  List<ImportBenchmark.Step> imports, List<ImportBenchmark.Step> unchanged,
                  List<ImportBenchmark.Step> changed, List<ImportBenchmark.Step> idle, ImportBenchmark.Step scale,
                  double maxHeapMb,
                  double liveAtStartMb, double liveAtEndMb) {
        this.settings = settings;
        this.keycloakVersion = keycloakVersion;
        this.loadAtStart = loadAtStart;
        this.fillSeconds = fillSeconds;
        this.imports = List.copyOf(imports);
        this.unchanged = List.copyOf(unchanged);
        this.changed = List.copyOf(changed);
        this.idle = List.copyOf(idle);
        this.scale = scale;
        this.maxHeapMb = maxHeapMb;
        this.liveAtStartMb = liveAtStartMb;
        this.liveAtEndMb = liveAtEndMb;
    }

    private static Predicate<ImportBenchmark.Step> of(ImportBenchmark.Kind kind) {
        return step -> step.subject().kind() == kind;
    }

    private static double median(List<ImportBenchmark.Step> steps, Predicate<ImportBenchmark.Step> which,
                                 ToDoubleFunction<ImportBenchmark.Step> value) {
        return Stats.median(steps.stream().filter(which).map(value::applyAsDouble).toList());
    }

    /** People API import people/s over Keycloak's LDAP import people/s (medians of two each). */
    double importRatio() {
        return median(imports, of(ImportBenchmark.Kind.PEOPLE_API), ImportBenchmark.Step::usersPerSecond)
                / median(imports, of(ImportBenchmark.Kind.LDAP), ImportBenchmark.Step::usersPerSecond);
    }

    private double peopleImportSeconds() {
        return median(imports, of(ImportBenchmark.Kind.PEOPLE_API), ImportBenchmark.Step::seconds);
    }

    private double peopleUnchangedSeconds() {
        return median(unchanged, of(ImportBenchmark.Kind.PEOPLE_API), ImportBenchmark.Step::seconds);
    }

    double unchangedShare() {
        return peopleUnchangedSeconds() / peopleImportSeconds();
    }

    double unchangedRowsWritten() {
        return median(unchanged, of(ImportBenchmark.Kind.PEOPLE_API), step -> step.database().rowsWrittenForPeople());
    }

    private double unchangedBookkeepingRows() {
        return median(unchanged, of(ImportBenchmark.Kind.PEOPLE_API),
                step -> step.database().rowsWritten() - step.database().rowsWrittenForPeople());
    }

    double changedTimeShare() {
        return Stats.median(changed.stream().map(ImportBenchmark.Step::seconds).toList()) / peopleUnchangedSeconds();
    }

    double changedRequestShare() {
        return Stats.median(changed.stream().map(step -> (double) step.peopleApiCalls()).toList())
                / median(unchanged, of(ImportBenchmark.Kind.PEOPLE_API), step -> step.peopleApiCalls());
    }

    double scaleRatio() {
        return scale == null ? Double.NaN : scale.seconds() / peopleImportSeconds();
    }

    private boolean postgres() {
        return Knobs.POSTGRES.equals(settings.database());
    }

    @Override
    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Run of %s on %d cores (load average %.1f at the start, %.1f at the end), "
                        + "Java %s, Keycloak %s, %s database, heap max %.0f MB. %,d people, %d groups x %,d, %d roles x "
                        + "%,d, %,d changed, %,d warm-up people; slapd filled in %.0f s.%n%n", date,
                Runtime.getRuntime().availableProcessors(), loadAtStart, loadAtEnd, System.getProperty("java.version"),
                keycloakVersion, settings.database(), maxHeapMb, settings.users(), settings.groups(), settings.groupSize(),
                settings.roles(), settings.roleSize(), settings.changed(), settings.warmUpUsers(), fillSeconds));
        md.append("| step | realm | time | people/s | Keycloak's answer | People API requests | statements per person "
                + "| rows written per person | commits | peak heap | live after | sync thread CPU |\n");
        md.append("| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (List<ImportBenchmark.Step> steps : List.of(imports, unchanged, changed, idle)) {
            steps.forEach(step -> row(md, step));
        }
        if (scale != null) {
            row(md, scale);
        }
        md.append("\n| figure | value | goal |\n| --- | ---: | --- |\n");
        double ratio = importRatio();
        md.append(String.format(Locale.ROOT, "| import: People API people/s ÷ Keycloak's LDAP import people/s (medians "
                        + "%,.0f ÷ %,.0f) | %.2f | at least %.1f: %s |%n",
                median(imports, of(ImportBenchmark.Kind.PEOPLE_API), ImportBenchmark.Step::usersPerSecond),
                median(imports, of(ImportBenchmark.Kind.LDAP), ImportBenchmark.Step::usersPerSecond), ratio,
                ImportBenchmark.IMPORT_RATIO_GOAL, verdict(ratio >= ImportBenchmark.IMPORT_RATIO_GOAL)));
        double share = unchangedShare();
        md.append(String.format(Locale.ROOT, "| unchanged full sync ÷ import, time (medians %.2f s ÷ %.2f s) | %.1f %% "
                        + "| at most %.0f %%: %s |%n", peopleUnchangedSeconds(), peopleImportSeconds(), 100 * share,
                100 * ImportBenchmark.UNCHANGED_SHARE_GOAL, verdict(share <= ImportBenchmark.UNCHANGED_SHARE_GOAL)));
        if (postgres()) {
            double rows = unchangedRowsWritten();
            md.append(String.format(Locale.ROOT, "| unchanged full sync: rows written for the people (median; besides "
                    + "%.0f rows of the sync's own bookkeeping: Keycloak's last-sync time, the sync's lease and record, the "
                    + "administrator's session) "
                    + "| %.0f | nothing: %s |%n", unchangedBookkeepingRows(), rows, verdict(rows == 0)));
        }
        double changedTime = changedTimeShare();
        double changedCalls = changedRequestShare();
        md.append(String.format(Locale.ROOT, "| changed sync ÷ unchanged full sync, time | %.1f %% | at most %.0f %%: %s |%n",
                100 * changedTime, 100 * ImportBenchmark.CHANGED_SHARE_GOAL,
                verdict(changedTime <= ImportBenchmark.CHANGED_SHARE_GOAL)));
        md.append(String.format(Locale.ROOT, "| changed sync ÷ unchanged full sync, People API requests | %.1f %% | at most "
                        + "%.0f %%: %s |%n", 100 * changedCalls, 100 * ImportBenchmark.CHANGED_SHARE_GOAL,
                verdict(changedCalls <= ImportBenchmark.CHANGED_SHARE_GOAL)));
        if (!idle.isEmpty()) {
            double fixed = Stats.median(idle.stream().map(ImportBenchmark.Step::seconds).toList());
            double own = Stats.median(changed.stream().map(ImportBenchmark.Step::seconds).toList()) - fixed;
            md.append(String.format(Locale.ROOT, "| changed sync with nothing new since the last (median): the fixed part "
                            + "of every changed sync | %.2f s (%.1f %% of the unchanged full sync) | |%n", fixed,
                    100 * fixed / peopleUnchangedSeconds()));
            md.append(String.format(Locale.ROOT, "| the %d changes' own part: changed sync less that fixed part, ÷ unchanged "
                            + "full sync | %.1f %% | |%n", settings.changed(), 100 * own / peopleUnchangedSeconds()));
        }
        if (scale != null) {
            double scaleRatio = scaleRatio();
            double peakSmall = imports.stream().filter(of(ImportBenchmark.Kind.PEOPLE_API))
                    .mapToDouble(ImportBenchmark.Step::peakMb).max().orElse(Double.NaN);
            md.append(String.format(Locale.ROOT, "| scale: import of %,d ÷ import of %,d, time (%.1f s ÷ %.1f s) | %.1f "
                            + "| at most %.0f: %s |%n", settings.scaleUsers(), settings.users(), scale.seconds(),
                    peopleImportSeconds(), scaleRatio, ImportBenchmark.SCALE_RATIO_GOAL,
                    verdict(scaleRatio <= ImportBenchmark.SCALE_RATIO_GOAL)));
            md.append(String.format(Locale.ROOT, "| scale: peak heap used, garbage included, %,d / %,d people | %.0f / %.0f MB "
                            + "of %.0f | bounded |%n", settings.users(), settings.scaleUsers(), peakSmall, scale.peakMb(), maxHeapMb));
        }
        md.append(String.format(Locale.ROOT, "| heap live after a full GC: before the timed steps / at the end | %.0f / %.0f MB | |%n",
                liveAtStartMb, liveAtEndMb));
        if (postgres()) {
            md.append("\nStatements per person of the first import of each kind (select, insert, update, delete; "
                    + "over 0.05 per person):\n\n");
            for (ImportBenchmark.Kind kind : ImportBenchmark.Kind.values()) {
                imports.stream().filter(of(kind)).findFirst().ifPresent(step -> md.append(String.format(Locale.ROOT,
                        "- %s (%s): %s%n", step.subject().realm(), kind.description, step.database().perUser(step.people()))));
            }
        }
        return md.toString();
    }

    private void row(StringBuilder md, ImportBenchmark.Step step) {
        DatabaseStatements.Counts db = step.database();
        md.append(String.format(Locale.ROOT, "| %s | %s | %.2f s | %,.0f | added %d, updated %d, removed %d, failed %d "
                        + "| %,d | %s | %s | %s | %.0f MB | %s | %.1f s |%n", step.label(), step.subject().realm(),
                step.seconds(), step.usersPerSecond(), step.outcome().count("added"), step.outcome().count("updated"),
                step.outcome().count("removed"), step.outcome().count("failed"), step.peopleApiCalls(),
                postgres() ? String.format(Locale.ROOT, "%.1f", db.statements() / (double) step.people()) : "n/a",
                postgres() ? String.format(Locale.ROOT, "%.2f", db.rowsWritten() / (double) step.people()) : "n/a",
                postgres() ? String.format(Locale.ROOT, "%,d", db.commits()) : "n/a", step.peakMb(),
                Double.isNaN(step.liveAfterMb()) ? "" : String.format(Locale.ROOT, "%.0f MB", step.liveAfterMb()),
                step.cpuSeconds().getOrDefault(CpuAccount.SYNC, 0.0)));
    }

    private static String verdict(boolean met) {
        return met ? "**met**" : "**missed**";
    }

    @Override
    public Map<String, Object> json() {
        Map<String, Object> json = Results.runHeader(date, loadAtStart, loadAtEnd, keycloakVersion);
        json.put("settings", Map.of("users", settings.users(), "groups", settings.groups(), "groupSize", settings.groupSize(),
                "roles", settings.roles(), "roleSize", settings.roleSize(), "changed", settings.changed(),
                "warmUpUsers", settings.warmUpUsers(), "scaleUsers", settings.scaleUsers(), "database", settings.database()));
        json.put("imports", imports.stream().map(ImportResults::json).toList());
        json.put("unchanged", unchanged.stream().map(ImportResults::json).toList());
        json.put("changed", changed.stream().map(ImportResults::json).toList());
        json.put("changedNothingNew", idle.stream().map(ImportResults::json).toList());
        if (scale != null) {
            json.put("scale", json(scale));
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("importRatio", Stats.round(importRatio(), 3));
        figures.put("unchangedShare", Stats.round(unchangedShare(), 4));
        figures.put("unchangedRowsWritten", unchangedRowsWritten());
        figures.put("changedTimeShare", Stats.round(changedTimeShare(), 4));
        figures.put("changedRequestShare", Stats.round(changedRequestShare(), 4));
        figures.put("scaleRatio", scale == null ? null : Stats.round(scaleRatio(), 3));
        json.put("figures", figures);
        json.put("heapMb", Map.of("max", maxHeapMb, "liveAtStart", Stats.round(liveAtStartMb, 1),
                "liveAtEnd", Stats.round(liveAtEndMb, 1)));
        return json;
    }

    private static Map<String, Object> json(ImportBenchmark.Step step) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("label", step.label());
        json.put("realm", step.subject().realm());
        json.put("kind", step.subject().kind().name());
        json.put("people", step.people());
        json.put("seconds", Stats.round(step.seconds(), 3));
        json.put("peoplePerSecond", Stats.round(step.usersPerSecond(), 1));
        json.put("keycloakResult", step.outcome().result());
        json.put("peopleApiCalls", step.peopleApiCalls());
        json.put("database", step.database().json());
        json.put("peakHeapMb", Stats.round(step.peakMb(), 1));
        json.put("liveAfterMb", Double.isNaN(step.liveAfterMb()) ? null : Stats.round(step.liveAfterMb(), 1));
        json.put("loadAverage", Stats.round(step.loadAverage(), 2));
        Map<String, Object> cpu = new LinkedHashMap<>();
        step.cpuSeconds().forEach((group, seconds) -> cpu.put(group, Stats.round(seconds, 2)));
        json.put("cpuSeconds", cpu);
        return json;
    }

    @Override
    public String fileName() {
        return "import-results";
    }

    @Override
    public String title() {
        return "Import benchmark results";
    }
}
