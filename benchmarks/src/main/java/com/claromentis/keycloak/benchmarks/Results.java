package com.claromentis.keycloak.benchmarks;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The figures of one run, as a console table, markdown for the README and JSON for anything that compares runs. */
final class Results implements Report {

    /** One timed full sync with the sandbox calls it made. */
    record Sync(String label, FullSync.Outcome outcome, long peopleApiCalls) {
    }

    private final BenchmarkSettings settings;
    private final String keycloakVersion;
    private final RawPaging.Rates raw;
    private final List<Sync> syncs;
    private final WarmLogins.Outcome logins;
    private final LocalDate date = LocalDate.now();
    private final double loadAtStart;
    private final double loadAtEnd = loadAverage();

    Results(BenchmarkSettings settings, String keycloakVersion, double loadAtStart, RawPaging.Rates raw,
            List<Sync> syncs, WarmLogins.Outcome logins) {
        this.loadAtStart = loadAtStart;
        this.settings = settings;
        this.keycloakVersion = keycloakVersion;
        this.raw = raw;
        this.syncs = List.copyOf(syncs);
        this.logins = logins;
    }

    /** What every results file starts with: when, on what machine and load, which Java and Keycloak. */
    static Map<String, Object> runHeader(LocalDate date, double loadAtStart, double loadAtEnd, String keycloakVersion) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("date", date.toString());
        json.put("cores", Runtime.getRuntime().availableProcessors());
        json.put("loadAverage", Map.of("start", Stats.round(loadAtStart, 2), "end", Stats.round(loadAtEnd, 2)));
        json.put("java", System.getProperty("java.version"));
        json.put("keycloak", keycloakVersion);
        return json;
    }

    /**
     * The one-minute load average: other work on the machine slows the sync and the baseline differently, so a
     * figure taken on a busy machine says so.
     */
    static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    double usersPerSecond(Sync sync) {
        return Stats.perSecond(settings.users(), sync.outcome().nanos());
    }

    /** The figure: sync speed as a fraction of what merely reading the users costs. */
    double ratioToRawPaging(Sync sync) {
        return usersPerSecond(sync) / raw.userPagingMedian();
    }

    @Override
    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Run of %s on %d cores (load average %.1f at the start, %.1f at the end), Java %s, "
                        + "Keycloak %s (dev-file database). ", date, Runtime.getRuntime().availableProcessors(),
                loadAtStart, loadAtEnd, System.getProperty("java.version"), keycloakVersion));
        md.append(String.format(Locale.ROOT, "Sandbox: %,d users (all but one with a manager), %d groups x %,d members, "
                        + "%d roles x %,d members.%n%n", settings.users(), settings.groups(), settings.groupSize(),
                settings.roles(), settings.roleSize()));
        md.append("| measure | time | users/s | ratio to raw paging | People API calls |\n");
        md.append("| --- | ---: | ---: | ---: | ---: |\n");
        md.append(String.format(Locale.ROOT, "| raw paging, %d per page (median of %d) | %.2f s | %,.0f | 1.00 (baseline) | %d |%n",
                RawPaging.PAGE_SIZE, settings.rawRuns(), settings.users() / raw.userPagingMedian(),
                raw.userPagingMedian(), raw.userPagingCalls()));
        md.append(String.format(Locale.ROOT, "| raw read of users + group/role members (median of %d) | %.2f s | %,.0f | %.2f | %d |%n",
                settings.rawRuns(), settings.users() / raw.fullReadMedian(), raw.fullReadMedian(),
                raw.fullReadMedian() / raw.userPagingMedian(), raw.fullReadCalls()));
        for (Sync sync : syncs) {
            md.append(String.format(Locale.ROOT, "| %s (added %d, updated %d, removed %d, failed %d) | %.2f s | %,.0f | %.4f | %d |%n",
                    sync.label(), sync.outcome().count("added"), sync.outcome().count("updated"),
                    sync.outcome().count("removed"), sync.outcome().count("failed"), sync.outcome().nanos() / 1e9,
                    usersPerSecond(sync), ratioToRawPaging(sync), sync.peopleApiCalls()));
        }
        md.append(String.format(Locale.ROOT, "%n| warm-cache sign-ins | value |%n| --- | ---: |%n"
                        + "| People API calls per sign-in (%d sign-ins; goal 0) | %s |%n"
                        + "| sign-in time, median (browser flow: page, form post, code exchange) | %.0f ms |%n"
                        + "| sign-in time, slowest of %d | %.0f ms |%n",
                logins.logins(), trim(logins.callsPerLogin()), logins.medianMillis(),
                logins.logins(), logins.millis().stream().mapToDouble(Double::doubleValue).max().orElse(0)));
        return md.toString();
    }

    @Override
    public Map<String, Object> json() {
        Map<String, Object> json = Results.runHeader(date, loadAtStart, loadAtEnd, keycloakVersion);
        json.put("users", settings.users());
        json.put("groups", Map.of("count", settings.groups(), "members", settings.groupSize()));
        json.put("roles", Map.of("count", settings.roles(), "members", settings.roleSize()));
        json.put("rawPagingUsersPerSecond", Map.of("median", Stats.round(raw.userPagingMedian(), 1),
                "runs", raw.userPaging().stream().map(v -> Stats.round(v, 1)).toList(),
                "peopleApiCalls", raw.userPagingCalls()));
        json.put("rawFullReadUsersPerSecond", Map.of("median", Stats.round(raw.fullReadMedian(), 1),
                "runs", raw.fullRead().stream().map(v -> Stats.round(v, 1)).toList(),
                "peopleApiCalls", raw.fullReadCalls()));
        List<Map<String, Object>> syncList = syncs.stream().map(sync -> {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("label", sync.label());
            s.put("seconds", Stats.round(sync.outcome().nanos() / 1e9, 3));
            s.put("usersPerSecond", Stats.round(usersPerSecond(sync), 1));
            s.put("ratioToRawPaging", Stats.round(ratioToRawPaging(sync), 4));
            s.put("peopleApiCalls", sync.peopleApiCalls());
            s.put("keycloakResult", sync.outcome().result());
            return s;
        }).toList();
        json.put("fullSyncs", syncList);
        Map<String, Object> login = new LinkedHashMap<>();
        login.put("logins", logins.logins());
        login.put("peopleApiCalls", logins.peopleApiCalls());
        login.put("callsPerLogin", logins.callsPerLogin());
        login.put("firstLoginMillis", Stats.round(logins.firstMillis(), 1));
        login.put("medianMillis", Stats.round(logins.medianMillis(), 1));
        login.put("millis", logins.millis().stream().map(v -> Stats.round(v, 1)).toList());
        json.put("warmLogins", login);
        return json;
    }

    @Override
    public String fileName() {
        return "results";
    }

    @Override
    public String title() {
        return "People API benchmark results";
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.2f", value);
    }
}
