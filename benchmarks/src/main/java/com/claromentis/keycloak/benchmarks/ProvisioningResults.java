package com.claromentis.keycloak.benchmarks;

import com.claromentis.keycloak.benchmarks.FirstSignIns.Mode;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The figures of one provisioning benchmark run: delivery rates against the raw baseline, sign-in times per mode. */
final class ProvisioningResults implements Report {

    private final ProvisioningSettings settings;
    private final String keycloakVersion;
    private final double loadAtStart;
    private final double loadAtEnd = Results.loadAverage();
    private final LocalDate date = LocalDate.now();
    private final CreationBaseline.Rates baseline;
    private final List<OutboxDrain.Outcome> drains;
    private final FirstSignIns.Outcome signIns;
    private final Map<String, Object> outboxSettings;
    /** Null when the run left the far-away drain out. */
    private final ProvisioningBenchmark.FarAway farAway;

    ProvisioningResults(ProvisioningSettings settings, String keycloakVersion, double loadAtStart,
                        CreationBaseline.Rates baseline, List<OutboxDrain.Outcome> drains,
                        FirstSignIns.Outcome signIns, Map<String, Object> outboxSettings,
                        ProvisioningBenchmark.FarAway farAway) {
        this.farAway = farAway;
        this.settings = settings;
        this.keycloakVersion = keycloakVersion;
        this.loadAtStart = loadAtStart;
        this.baseline = baseline;
        this.drains = List.copyOf(drains);
        this.signIns = signIns;
        this.outboxSettings = outboxSettings;
    }

    @Override
    public String fileName() {
        return "provisioning-results";
    }

    @Override
    public String title() {
        return "Provisioning benchmark results";
    }

    /** The figure: delivery as a fraction of what the People API work alone runs at. */
    double ratioToBaseline(double perSecond) {
        return perSecond / baseline.sequentialMedian();
    }

    @Override
    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Run of %s on %d cores (load average %.1f at the start, %.1f at the end), "
                        + "Java %s, Keycloak %s (%s database), outbox settings %s.%n%n", date,
                Runtime.getRuntime().availableProcessors(), loadAtStart, loadAtEnd, System.getProperty("java.version"),
                keycloakVersion, settings.database(), outboxSettings));
        md.append("| measure | time | per second | ratio to raw creation | People API calls |\n");
        md.append("| --- | ---: | ---: | ---: | ---: |\n");
        md.append(String.format(Locale.ROOT, "| raw find + create with `PeopleApiClient`, sequential (median of %d runs x %,d) "
                        + "| %.2f s | %,.0f | 1 (baseline) | %.1f per user |%n", baseline.sequential().size(), settings.baselineUsers(),
                settings.baselineUsers() / baseline.sequentialMedian(), baseline.sequentialMedian(),
                baseline.callsPerCreation()));
        md.append(String.format(Locale.ROOT, "| raw find + create, %d threads (median of %d runs) | %.2f s | %,.0f | %.2f | |%n",
                baseline.threads(), baseline.parallel().size(), settings.baselineUsers() / baseline.parallelMedian(),
                baseline.parallelMedian(), ratioToBaseline(baseline.parallelMedian())));
        for (OutboxDrain.Outcome drain : drains) {
            md.append(String.format(Locale.ROOT, "| queueing: admin creation of %,d users, %d threads (%s) | %.1f s | %,.0f | | |%n",
                    drain.changes(), settings.creators(), drain.outage() ? "sandbox down" : "sandbox up", drain.createSeconds(), drain.createsPerSecond()));
            md.append(String.format(Locale.ROOT, "| **delivery, %s** (first delivery after %.1f s, at most %,d pending) "
                            + "| %.1f s | %,.1f | **%.3f** | %,d |%n", drain.label(), drain.firstDeliverySeconds(),
                    drain.maxPending(), drain.drainSeconds(), drain.deliveriesPerSecond(),
                    ratioToBaseline(drain.deliveriesPerSecond()), drain.peopleApiCalls()));
        }
        md.append(String.format(Locale.ROOT, "%n| first sign-in through LDAP (%d per mode, after %d untimed) | median | p95 "
                + "| ratio to off (median) | ratio to off (p95) | People API requests meanwhile |%n",
                settings.signIns(), settings.warmUpSignIns()));
        md.append("| --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (Mode mode : Mode.values()) {
            FirstSignIns.Timings t = signIns.timings().get(mode);
            md.append(String.format(Locale.ROOT, "| %s | %.0f ms | %.0f ms | %s | %s | %,d |%n", mode.label, t.median(),
                    t.p95(), mode == Mode.OFF ? "1 (baseline)" : String.format(Locale.ROOT, "**%.2f**",
                            signIns.ratioToOff(mode, false)),
                    mode == Mode.OFF ? "1" : String.format(Locale.ROOT, "%.2f", signIns.ratioToOff(mode, true)),
                    t.peopleApiCalls()));
        }
        if (farAway != null) {
            OutboxDrain.Outcome d = farAway.drain();
            md.append(String.format(Locale.ROOT, "%n| People API %d ms away | time | per second | ratio to the concurrent client "
                    + "| People API calls |%n| --- | ---: | ---: | ---: | ---: |%n", farAway.latencyMillis()));
            md.append(String.format(Locale.ROOT, "| raw find + create on %d threads, as many as the outbox's workers (median "
                            + "of %d runs): **the limit** | | %,.1f | 1 (baseline) | |%n", farAway.workers(), farAway.raw().size(),
                    farAway.rawMedian()));
            md.append(String.format(Locale.ROOT, "| **delivery, %s** (first delivery after %.1f s, at most %,d pending; "
                            + "%,d POST /users) | %.1f s | %,.1f | **%.3f** (goal at least 0.8: %s) | %,d |%n", d.label(),
                    d.firstDeliverySeconds(), d.maxPending(), farAway.userCreates(), d.drainSeconds(),
                    d.deliveriesPerSecond(), farAway.ratio(), farAway.ratio() >= 0.8 ? "met" : "missed",
                    d.peopleApiCalls()));
        }
        md.append(String.format(Locale.ROOT, "%nStaff provisioned into the sandbox by the sign-ins: %d of %d. Retries "
                        + "during the outage (worker attempts that got 503): %,d.%n", signIns.provisioned(),
                signIns.staff(), drains.stream().mapToLong(OutboxDrain.Outcome::retriedInOutage).sum()));
        return md.toString();
    }

    @Override
    public Map<String, Object> json() {
        Map<String, Object> json = Results.runHeader(date, loadAtStart, loadAtEnd, keycloakVersion);
        json.put("outboxSettings", outboxSettings);
        json.put("database", settings.database());
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("usersPerRun", settings.baselineUsers());
        raw.put("callsPerCreation", Stats.round(baseline.callsPerCreation(), 2));
        raw.put("sequentialPerSecond", Map.of("median", Stats.round(baseline.sequentialMedian(), 1),
                "runs", rounded(baseline.sequential())));
        raw.put("parallelPerSecond", Map.of("threads", baseline.threads(),
                "median", Stats.round(baseline.parallelMedian(), 1), "runs", rounded(baseline.parallel())));
        json.put("rawCreation", raw);
        json.put("delivery", drains.stream().map(drain -> {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("label", drain.label());
            d.put("changes", drain.changes());
            d.put("creators", settings.creators());
            d.put("createSeconds", Stats.round(drain.createSeconds(), 3));
            d.put("retriedInOutage", drain.retriedInOutage());
            d.put("firstDeliverySeconds", Stats.round(drain.firstDeliverySeconds(), 3));
            d.put("drainSeconds", Stats.round(drain.drainSeconds(), 3));
            d.put("deliveriesPerSecond", Stats.round(drain.deliveriesPerSecond(), 2));
            d.put("deliveringPerSecond", Stats.round(drain.deliveringPerSecond(), 2));
            d.put("ratioToRawCreation", Stats.round(ratioToBaseline(drain.deliveriesPerSecond()), 4));
            d.put("maxPending", drain.maxPending());
            d.put("peopleApiCalls", drain.peopleApiCalls());
            if (drain.statements().statements() > 0) {
                d.put("database", drain.statements().json());
            }
            if (!drain.cpuSeconds().isEmpty()) {
                Map<String, Object> cpu = new LinkedHashMap<>();
                drain.cpuSeconds().forEach((group, seconds) -> cpu.put(group, Stats.round(seconds, 2)));
                d.put("cpuSeconds", cpu);
            }
            return d;
        }).toList());
        if (farAway != null) {
            Map<String, Object> far = new LinkedHashMap<>();
            far.put("latencyMillis", farAway.latencyMillis());
            far.put("workers", farAway.workers());
            far.put("rawPerSecond", Map.of("median", Stats.round(farAway.rawMedian(), 1), "runs", rounded(farAway.raw())));
            far.put("drainSeconds", Stats.round(farAway.drain().drainSeconds(), 3));
            far.put("deliveriesPerSecond", Stats.round(farAway.drain().deliveriesPerSecond(), 2));
            far.put("ratioToConcurrentClient", Stats.round(farAway.ratio(), 4));
            far.put("userCreates", farAway.userCreates());
            far.put("changes", farAway.drain().changes());
            json.put("farAway", far);
        }
        Map<String, Object> logins = new LinkedHashMap<>();
        for (Mode mode : Mode.values()) {
            FirstSignIns.Timings t = signIns.timings().get(mode);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("label", mode.label);
            m.put("medianMillis", Stats.round(t.median(), 1));
            m.put("p95Millis", Stats.round(t.p95(), 1));
            if (mode != Mode.OFF) {
                m.put("medianRatioToOff", Stats.round(signIns.ratioToOff(mode, false), 3));
                m.put("p95RatioToOff", Stats.round(signIns.ratioToOff(mode, true), 3));
            }
            m.put("peopleApiCalls", t.peopleApiCalls());
            m.put("millis", rounded(t.millis()));
            logins.put(mode.slug, m);
        }
        json.put("firstSignIns", Map.of("perMode", settings.signIns(), "warmUp", settings.warmUpSignIns(),
                "block", settings.signInBlock(), "provisioned", signIns.provisioned(), "modes", logins));
        return json;
    }

    private static List<Double> rounded(List<Double> values) {
        return values.stream().map(v -> Stats.round(v, 1)).toList();
    }
}
