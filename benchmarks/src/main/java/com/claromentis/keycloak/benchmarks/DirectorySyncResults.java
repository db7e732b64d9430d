package com.claromentis.keycloak.benchmarks;

import com.claromentis.keycloak.benchmarks.DirectorySyncBenchmark.Drain;
import com.claromentis.keycloak.benchmarks.DirectorySyncBenchmark.Kind;
import com.claromentis.keycloak.benchmarks.DirectorySyncBenchmark.Sync;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The figures of one directory-sync benchmark run: the preset's throughput ratio, the changed-sync share, heap. */
final class DirectorySyncResults implements Report {

    private final DirectorySyncSettings settings;
    private final String keycloakVersion;
    private final double loadAtStart;
    private final double loadAtEnd = Results.loadAverage();
    private final LocalDate date = LocalDate.now();
    private final double fillSeconds;
    private final List<Sync> fullSyncs;
    private final List<Sync> changedSyncs;
    private final double maxHeapMb;
    private final KeycloakHeap.Reading liveAtStart;
    private final KeycloakHeap.Reading liveAfterFull;
    private final KeycloakHeap.Reading liveAtEnd;

    DirectorySyncResults(DirectorySyncSettings settings, String keycloakVersion, double loadAtStart, double fillSeconds,
                         List<Sync> fullSyncs, List<Sync> changedSyncs, double maxHeapMb,
                         KeycloakHeap.Reading liveAtStart, KeycloakHeap.Reading liveAfterFull,
                         KeycloakHeap.Reading liveAtEnd) {
        this.settings = settings;
        this.keycloakVersion = keycloakVersion;
        this.loadAtStart = loadAtStart;
        this.fillSeconds = fillSeconds;
        this.fullSyncs = List.copyOf(fullSyncs);
        this.changedSyncs = List.copyOf(changedSyncs);
        this.maxHeapMb = maxHeapMb;
        this.liveAtStart = liveAtStart;
        this.liveAfterFull = liveAfterFull;
        this.liveAtEnd = liveAtEnd;
    }

    @Override
    public String fileName() {
        return "directory-results";
    }

    @Override
    public String title() {
        return "Directory sync benchmark results";
    }

    double usersPerSecond(Sync sync) {
        return Stats.perSecond(settings.users(), sync.outcome().nanos());
    }

    /** The first figure: the preset's full-sync throughput over the baseline's, medians of each kind. */
    double ratio() {
        return ratio(Kind.PRESET);
    }

    /** Full-sync users/s of {@code kind} over the baseline's, medians of each. */
    double ratio(Kind kind) {
        return median(fullSyncs, kind, this::usersPerSecond) / median(fullSyncs, Kind.BASELINE, this::usersPerSecond);
    }

    /** The second figure: the preset's changed-users sync time as a share of its full sync time. */
    double changedShare() {
        return changedShare(Kind.PRESET);
    }

    double changedShare(Kind kind) {
        return median(changedSyncs, kind, Sync::seconds) / median(fullSyncs, kind, Sync::seconds);
    }

    /** Users per second from the preset sync's start until Claromentis has everyone: sync plus the rest of delivery. */
    double endToEndUsersPerSecond(Sync sync) {
        return settings.users() / (sync.seconds() + sync.drain().seconds());
    }

    @Override
    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Run of %s on %d cores (load average %.1f at the start, %.1f at the end), Java %s, "
                        + "Keycloak %s (%s database, heap max %.0f MB), OpenLDAP slapd (mdb, memberof, refint). ",
                date, Runtime.getRuntime().availableProcessors(), loadAtStart, loadAtEnd,
                System.getProperty("java.version"), keycloakVersion, settings.database(), maxHeapMb));
        md.append(String.format(Locale.ROOT, "Directory: %,d users with every attribute the preset maps, a 10-wide org chart "
                        + "(%,d distinct managers), %d groups x %,d members; %,d warm-up users synced untimed first "
                        + "(slapd filled in %.0f s). Timed realms in the order baseline, preset, preset without "
                        + "provisioning (diagnostic), preset, baseline.%n%n",
                settings.users(), (settings.users() + 8) / 10, settings.groups(), settings.groupSize(),
                settings.warmUpUsers(), fillSeconds));

        md.append("| full sync, in run order | time | users/s | Keycloak's answer | in Claromentis when it returned "
                + "| outbox drained after it | heap live before / after | peak heap during | load average |\n");
        md.append("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (Sync sync : fullSyncs) {
            md.append(String.format(Locale.ROOT, "| %s (%s) | %.1f s | %,.0f | %s | %s | %s | %.0f / %.0f MB | %.0f MB | %.1f |%n",
                    sync.realm(), sync.kind().description,
                    sync.seconds(), usersPerSecond(sync), answer(sync), sync.drain() != null
                            ? String.format(Locale.ROOT, "%,d", sync.inClaromentisAtReturn()) : "",
                    drain(sync), sync.liveBeforeMb(), sync.liveAfterMb(), sync.peakMb(), sync.loadAverage()));
        }
        md.append("\n| CPU seconds while it ran | ");
        CpuAccount.GROUPS.forEach(group -> md.append(group).append(" | "));
        md.append("total | cores busy (total ÷ time) |\n| --- |");
        md.append(" ---: |".repeat(CpuAccount.GROUPS.size() + 2)).append('\n');
        for (Sync sync : fullSyncs) {
            cpuRow(md, sync.realm(), sync.cpuSeconds(), sync.seconds());
        }
        for (Sync sync : fullSyncs) {
            if (sync.drain() != null) {
                cpuRow(md, sync.realm() + ": the outbox draining after the sync", sync.drain().cpuSeconds(),
                        sync.drain().seconds());
            }
        }
        md.append(String.format(Locale.ROOT, "%n| changed-users sync (%,d job titles changed), in run order | time "
                + "| share of the realm's kind's full sync | Keycloak's answer | outbox drained after it |%n", settings.changed()));
        md.append("| --- | ---: | ---: | --- | ---: |\n");
        for (Sync sync : changedSyncs) {
            double full = median(fullSyncs, sync.kind(), Sync::seconds);
            md.append(String.format(Locale.ROOT, "| %s | %.2f s | %.1f %% | %s | %s |%n", sync.realm(), sync.seconds(),
                    100 * sync.seconds() / full, answer(sync), drain(sync)));
        }

        double ratio = ratio();
        double share = changedShare();
        md.append("\n| figure | value | goal |\n| --- | ---: | --- |\n");
        md.append(String.format(Locale.ROOT, "| **full-sync throughput ratio**, preset ÷ baseline (median users/s of each kind: "
                        + "%,.0f ÷ %,.0f; per pair %s) | **%.2f** | at least %.1f: **%s** |%n",
                median(fullSyncs, Kind.PRESET, this::usersPerSecond), median(fullSyncs, Kind.BASELINE, this::usersPerSecond),
                pairRatios(), ratio, DirectorySyncBenchmark.RATIO_GOAL,
                ratio >= DirectorySyncBenchmark.RATIO_GOAL ? "met" : "missed"));
        md.append(String.format(Locale.ROOT, "| **changed-users sync share**, preset changed ÷ preset full (medians: %.2f s ÷ %.1f s; "
                        + "baseline: %.1f %%) | **%.1f %%** | at most %.0f %%: **%s** |%n",
                median(changedSyncs, Kind.PRESET, Sync::seconds), median(fullSyncs, Kind.PRESET, Sync::seconds),
                100 * changedShare(Kind.BASELINE), 100 * share, 100 * DirectorySyncBenchmark.CHANGED_SHARE_GOAL,
                share <= DirectorySyncBenchmark.CHANGED_SHARE_GOAL ? "met" : "missed"));
        md.append(String.format(Locale.ROOT, "| diagnostic: preset without provisioning ÷ baseline (full-sync users/s; its "
                        + "changed-users share %.1f %%) | %.2f | |%n",
                100 * changedShare(Kind.PRESET_NO_OUTBOX), ratio(Kind.PRESET_NO_OUTBOX)));
        md.append(String.format(Locale.ROOT, "| diagnostic: Keycloak's own mappers for the preset's fields and groups ÷ baseline "
                        + "(full-sync users/s): what the same fields cost Keycloak itself | %.2f | |%n",
                ratio(Kind.STOCK_SAME_FIELDS)));
        md.append(String.format(Locale.ROOT, "| diagnostic: preset ÷ Keycloak's own mappers for the same fields; preset "
                        + "without provisioning ÷ the same | %.2f; %.2f | |%n",
                ratio(Kind.PRESET) / ratio(Kind.STOCK_SAME_FIELDS),
                ratio(Kind.PRESET_NO_OUTBOX) / ratio(Kind.STOCK_SAME_FIELDS)));
        md.append(String.format(Locale.ROOT, "| outbox: drained after a preset full sync (median); sync start to everyone in "
                        + "Claromentis | %.1f s; %,.0f users/s | |%n",
                median(fullSyncs, Kind.PRESET, sync -> sync.drain().seconds()),
                median(fullSyncs, Kind.PRESET, this::endToEndUsersPerSecond)));
        md.append(String.format(Locale.ROOT, "| heap live after a full GC: before the timed syncs / with the last realm synced / "
                        + "at the end, every timed realm removed | %.0f / %.0f / %.0f MB | |%n",
                liveAtStart.usedMb(), liveAfterFull.usedMb(), liveAtEnd.usedMb()));
        md.append(String.format(Locale.ROOT, "| peak heap used during a full sync, garbage included (largest), baseline / "
                        + "preset | %.0f / %.0f MB of %.0f MB | |%n",
                max(fullSyncs, Kind.BASELINE, Sync::peakMb), max(fullSyncs, Kind.PRESET, Sync::peakMb), maxHeapMb));
        return md.toString();
    }

    @Override
    public Map<String, Object> json() {
        Map<String, Object> json = Results.runHeader(date, loadAtStart, loadAtEnd, keycloakVersion);
        json.put("users", settings.users());
        json.put("groups", Map.of("count", settings.groups(), "members", settings.groupSize()));
        json.put("changedUsers", settings.changed());
        json.put("warmUpUsers", settings.warmUpUsers());
        json.put("slapdFillSeconds", Stats.round(fillSeconds, 1));
        json.put("ratio", Map.of("value", Stats.round(ratio(), 3), "goal", DirectorySyncBenchmark.RATIO_GOAL,
                "met", ratio() >= DirectorySyncBenchmark.RATIO_GOAL));
        json.put("changedShare", Map.of("value", Stats.round(changedShare(), 4),
                "goal", DirectorySyncBenchmark.CHANGED_SHARE_GOAL,
                "met", changedShare() <= DirectorySyncBenchmark.CHANGED_SHARE_GOAL,
                "baseline", Stats.round(changedShare(Kind.BASELINE), 4),
                "presetNoOutbox", Stats.round(changedShare(Kind.PRESET_NO_OUTBOX), 4)));
        json.put("ratioPresetNoOutbox", Stats.round(ratio(Kind.PRESET_NO_OUTBOX), 3));
        json.put("ratioStockSameFields", Stats.round(ratio(Kind.STOCK_SAME_FIELDS), 3));
        json.put("fullSyncs", fullSyncs.stream().map(this::json).toList());
        json.put("changedSyncs", changedSyncs.stream().map(this::json).toList());
        Map<String, Object> heap = new LinkedHashMap<>();
        heap.put("maxMb", Stats.round(maxHeapMb, 0));
        heap.put("liveBeforeTimedSyncsMb", Stats.round(liveAtStart.usedMb(), 1));
        heap.put("liveWithLastRealmMb", Stats.round(liveAfterFull.usedMb(), 1));
        heap.put("liveAtEndMb", Stats.round(liveAtEnd.usedMb(), 1));
        heap.put("committedAtEndMb", Stats.round(liveAtEnd.committedMb(), 1));
        json.put("heap", heap);
        return json;
    }

    private Map<String, Object> json(Sync sync) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("realm", sync.realm());
        s.put("kind", sync.kind().name());
        s.put("loadAverage", Stats.round(sync.loadAverage(), 2));
        s.put("seconds", Stats.round(sync.seconds(), 3));
        s.put("usersPerSecond", Stats.round(usersPerSecond(sync), 1));
        s.put("keycloakResult", sync.outcome().result());
        if (!Double.isNaN(sync.liveBeforeMb())) {
            s.put("heapLiveBeforeMb", Stats.round(sync.liveBeforeMb(), 1));
            s.put("heapLiveAfterMb", Stats.round(sync.liveAfterMb(), 1));
        }
        s.put("heapPeakMb", Stats.round(sync.peakMb(), 1));
        Map<String, Object> cpu = new LinkedHashMap<>();
        sync.cpuSeconds().forEach((group, seconds) -> cpu.put(group, Stats.round(seconds, 2)));
        s.put("cpuSeconds", cpu);
        if (sync.database() != DatabaseStatements.Counts.NONE) {
            s.put("database", sync.database().json());
        }
        if (sync.drain() != null) {
            Drain drain = sync.drain();
            s.put("inClaromentisAtReturn", sync.inClaromentisAtReturn());
            Map<String, Object> drainCpu = new LinkedHashMap<>();
            drain.cpuSeconds().forEach((group, seconds) -> drainCpu.put(group, Stats.round(seconds, 2)));
            s.put("drain", Map.of("seconds", Stats.round(drain.seconds(), 2), "maxPending", drain.maxPending(),
                    "dead", drain.dead(), "inClaromentis", drain.inClaromentis(),
                    "peopleApiCalls", drain.peopleApiCalls(), "cpuSeconds", drainCpu));
        }
        return s;
    }

    private String pairRatios() {
        // Run order is baseline-1, preset-1, ..., preset-2, baseline-2: each preset with the baseline next to it.
        List<Sync> baseline = fullSyncs.stream().filter(s -> s.kind() == Kind.BASELINE).toList();
        List<Sync> preset = fullSyncs.stream().filter(s -> s.kind() == Kind.PRESET).toList();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(baseline.size(), preset.size()); i++) {
            if (i > 0) {
                out.append(", ");
            }
            out.append(String.format(Locale.ROOT, "%.2f", usersPerSecond(preset.get(i)) / usersPerSecond(baseline.get(i))));
        }
        return out.toString();
    }

    private static void cpuRow(StringBuilder md, String label, Map<String, Double> cpuSeconds, double wallSeconds) {
        md.append("| ").append(label).append(" | ");
        double total = 0;
        for (String group : CpuAccount.GROUPS) {
            double seconds = cpuSeconds.getOrDefault(group, 0.0);
            total += seconds;
            md.append(String.format(Locale.ROOT, "%.1f | ", seconds));
        }
        md.append(String.format(Locale.ROOT, "%.1f | %.2f |%n", total, total / wallSeconds));
    }

    private static String answer(Sync sync) {
        return String.format(Locale.ROOT, "added %,d, updated %,d, failed %d", sync.outcome().count("added"),
                sync.outcome().count("updated"), sync.outcome().count("failed"));
    }

    private static String drain(Sync sync) {
        Drain drain = sync.drain();
        if (drain == null) {
            return "";
        }
        return String.format(Locale.ROOT, "%.1f s (%,d People API requests%s)", drain.seconds(), drain.peopleApiCalls(),
                drain.dead() > 0 ? ", " + drain.dead() + " dead" : "");
    }

    private static double median(List<Sync> syncs, Kind kind, ToDoubleFunction<Sync> value) {
        List<Double> values = syncs.stream().filter(s -> s.kind() == kind).map(s -> value.applyAsDouble(s)).toList();
        return values.isEmpty() ? Double.NaN : Stats.median(values);
    }

    private static double max(List<Sync> syncs, Kind kind, ToDoubleFunction<Sync> value) {
        return syncs.stream().filter(s -> s.kind() == kind).mapToDouble(value).max().orElse(Double.NaN);
    }
}
