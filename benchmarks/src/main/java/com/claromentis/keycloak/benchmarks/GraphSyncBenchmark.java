package com.claromentis.keycloak.benchmarks;

import com.claromentis.keycloak.testing.KeycloakServer;
import com.claromentis.keycloak.testing.KeycloakServerOptions;
import com.claromentis.keycloak.testing.TestRealm;
import com.claromentis.keycloak.testing.graph.GraphSandbox;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.representations.idm.ComponentRepresentation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static com.claromentis.keycloak.benchmarks.BenchmarkRun.step;

/**
 * Entra ID directory sync through Microsoft Graph (the Graph sandbox over real HTTP, on loopback): a full sync of
 * {@code bench.graphUsers} users (20 chosen groups, a 10-wide org chart of managers), a second full sync with nothing
 * changed, then {@code bench.graphChanged} users changed in Entra and a changed-users (delta) sync. The figures are
 * the delta sync's Graph requests and time as a share of a full sync's, in the same run (goal at most 5 %).
 * Run it with {@code ./run-benchmarks.sh graph}; it is not part of {@code mvn verify}.
 */
public final class GraphSyncBenchmark {

    private static final String REALM = "graph";
    private static final String TENANT = "4b1c6f0e-2a7d-4c3e-9f10-5d2e8a7b6c01";
    private static final String APP = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
    private static final String SECRET = "benchmark-secret";

    private final BenchmarkRun run;
    private final int users = Knobs.integer("bench.graphUsers", 10_000, 100, 200_000);
    private final int groups = Knobs.integer("bench.graphGroups", 20, 0, 50);
    private final int changed = Knobs.integer("bench.graphChanged", 100, 1, 10_000);
    private final int warmups = Knobs.integer("bench.graphWarmups", 10, 1, 100);
    private final int timeoutMinutes = Knobs.integer("bench.syncTimeoutMinutes", 60, 1, 600);

    private List<Step> fulls;
    private List<Step> deltas;
    private Step cold;
    private CpuAccount cpu;

    private GraphSyncBenchmark(BenchmarkRun run) {
        this.run = run;
    }

    public static void main(String[] args) {
        BenchmarkRun.main(run -> new GraphSyncBenchmark(run).measure());
    }

    /** @param cpuSeconds CPU seconds the Keycloak JVM's request threads (the sync) and its GC spent meanwhile */
    record Step(String label, double seconds, double cpuSeconds, int graphRequests, String result) {
    }

    private Report measure() {
        double loadAtStart = Results.loadAverage();
        GraphSandbox graph = run.keep(GraphSandbox.start());
        graph.addTenant(TENANT, APP, SECRET);
        step("Filling the Graph sandbox: %,d users, %d groups, a 10-wide org chart", users, groups);
        List<String> ids = new ArrayList<>(users);
        for (int i = 0; i < users; i++) {
            ids.add(graph.addUser(TENANT, "user." + i + "@contoso.example", "User", "Number " + i, Map.of(
                    "jobTitle", "Role " + (i % 37), "officeLocation", "Office " + (i % 12), "department", "Dept " + (i % 9),
                    "employeeId", "E-" + i, "businessPhones", List.of("+44 20 7946 " + String.format(Locale.ROOT, "%04d", i % 10_000)))));
            if (i > 0) {
                graph.setManager(TENANT, ids.get(i), ids.get((i - 1) / 10));
            }
        }
        List<String> groupIds = new ArrayList<>();
        int size = groups == 0 ? 0 : users / groups;
        for (int g = 0; g < groups; g++) {
            String group = graph.addGroup(TENANT, "Group " + g);
            groupIds.add(group);
            for (int i = g * size; i < (g + 1) * size; i++) {
                graph.addMember(TENANT, group, ids.get(i));
            }
        }

        KeycloakServer keycloak = run.startKeycloak(KeycloakServerOptions.builder().build());
        cpu = new CpuAccount(KeycloakHeap.find().pid(), -1, null);
        TestRealm realm = TestRealm.create(keycloak, REALM);
        String componentId = realm.addComponent(component(realm, graph, groupIds));
        FullSync sync = new FullSync(keycloak.baseUrl(), KeycloakServer.ADMIN_USERNAME, KeycloakServer.ADMIN_PASSWORD,
                Duration.ofMinutes(timeoutMinutes));

        List<Step> steps = new ArrayList<>();
        steps.add(timed(graph, "first full sync (imports everyone)", () -> sync.run(REALM, componentId)));
        List<Step> fulls = new ArrayList<>();
        List<Step> deltas = new ArrayList<>();
        fulls.add(timed(graph, "full sync, nothing changed (1)", () -> sync.run(REALM, componentId)));
        steps.add(fulls.get(0));
        steps.add(timed(graph, "changed-users sync, nothing changed", () -> sync.changed(REALM, componentId)));
        // The delta code path is cold after the full syncs: a full sync runs the per-user code 10,000 times, and the
        // JIT has compiled it, while a delta of 100 runs the update path 100 times. A server that has run for a day
        // has run it thousands of times, so the timed rounds come after warm-up rounds, as the full syncs' do.
        change(graph, ids, 1, "Warm-up 1");
        Step cold = timed(graph, "changed-users sync, " + changed + " changed (first of the run: cold code)",
                () -> sync.changed(REALM, componentId));
        steps.add(cold);
        for (int round = 2; round <= warmups; round++) {
            change(graph, ids, round, "Warm-up " + round);
            sync.changed(REALM, componentId);
        }
        if (warmups > 1) {
            step("%d more changed-users syncs of %d changes run untimed, to warm the delta code up", warmups - 1, changed);
        }
        for (int round = 1; round <= 3; round++) {
            change(graph, ids, warmups + round, "Round " + round);
            Step delta = timed(graph, "changed-users sync, " + changed + " changed (" + round + ")",
                    () -> sync.changed(REALM, componentId));
            deltas.add(delta);
            steps.add(delta);
            Step full = timed(graph, "full sync, nothing changed (" + (round + 1) + ")", () -> sync.run(REALM, componentId));
            fulls.add(full);
            steps.add(full);
        }
        this.fulls = fulls;
        this.deltas = deltas;
        this.cold = cold;
        return report(steps, loadAtStart);
    }

    /** Changes {@code changed} users spread over the tenant (job title; every tenth also a new manager). */
    private void change(GraphSandbox graph, List<String> ids, int offset, String label) {
        step("Changing %d users in Entra (job title; every tenth also a new manager)", changed);
        int stride = Math.max(1, users / changed);
        for (int c = 0; c < changed; c++) {
            int i = (c * stride + offset) % users;
            graph.updateUser(TENANT, ids.get(i), Map.of("jobTitle", label + " " + c));
            if (c % 10 == 0 && i > 1) {
                graph.setManager(TENANT, ids.get(i), ids.get(offset));
            }
        }
    }

    private Step timed(GraphSandbox graph, String label, java.util.function.Supplier<FullSync.Outcome> action) {
        step("Running the %s", label);
        graph.resetCounts();
        CpuAccount.Snapshot before = cpu.take();
        FullSync.Outcome outcome = action.get();
        Map<String, Double> spent = CpuAccount.between(before, cpu.take());
        Step done = new Step(label, outcome.nanos() / 1e9, spent.get(CpuAccount.SYNC) + spent.get(CpuAccount.GC),
                graph.graphRequests(), outcome.result().toString());
        step("  %.2f s (Keycloak CPU %.2f s), %d Graph requests: %s", done.seconds(), done.cpuSeconds(),
                done.graphRequests(), done.result());
        return done;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static ComponentRepresentation component(TestRealm realm, GraphSandbox graph, List<String> groupIds) {
        ComponentRepresentation component = new ComponentRepresentation();
        component.setName("contoso");
        component.setProviderId("entra-id-directory");
        component.setProviderType("org.keycloak.storage.UserStorageProvider");
        component.setParentId(realm.representation().getId());
        MultivaluedHashMap<String, String> config = new MultivaluedHashMap<>();
        config.putSingle("tenant", TENANT);
        config.putSingle("clientId", APP);
        config.putSingle("clientSecret", SECRET);
        config.putSingle("authorityHost", graph.origin());
        config.putSingle("graphHost", graph.origin());
        config.put("groups", groupIds);
        component.setConfig(config);
        return component;
    }

    private Report report(List<Step> steps, double loadAtStart) {
        // Medians: one sync of a few hundred milliseconds is at the mercy of a single GC pause or a busy neighbour.
        double steadySeconds = median(fulls.stream().mapToDouble(Step::seconds).toArray());
        double steadyRequests = median(fulls.stream().mapToDouble(Step::graphRequests).toArray());
        double deltaSeconds = median(deltas.stream().mapToDouble(Step::seconds).toArray());
        double deltaRequests = median(deltas.stream().mapToDouble(Step::graphRequests).toArray());
        double steadyCpu = median(fulls.stream().mapToDouble(Step::cpuSeconds).toArray());
        double deltaCpu = median(deltas.stream().mapToDouble(Step::cpuSeconds).toArray());
        double cpuShare = deltaCpu / steadyCpu;
        double timeShare = deltaSeconds / steadySeconds;
        double callShare = deltaRequests / steadyRequests;
        double loadAtEnd = Results.loadAverage();
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%,d Entra users, %d groups, %d changed; Keycloak %s; load %.1f -> %.1f%n%n",
                users, groups, changed, run.keycloakVersion(), loadAtStart, loadAtEnd));
        md.append("| step | time | Keycloak CPU | Graph requests | Keycloak's answer |\n| --- | ---: | ---: | ---: | --- |\n");
        for (Step s : steps) {
            md.append(String.format(Locale.ROOT, "| %s | %.2f s | %.2f s | %d | `%s` |%n", s.label(), s.seconds(),
                    s.cpuSeconds(), s.graphRequests(), s.result()));
        }
        md.append(String.format(Locale.ROOT, "%n| figure | value | goal |%n| --- | ---: | --- |%n"
                        + "| delta sync time ÷ unchanged full sync time (medians of 3 and 4: %.2f s ÷ %.2f s) | %.1f %% | at most 5 %%: %s |%n"
                        + "| delta sync Keycloak CPU ÷ unchanged full sync's (medians: %.2f s ÷ %.2f s) | %.1f %% | |%n"
                        + "| delta sync Graph requests ÷ unchanged full sync's | %.1f %% | at most 5 %%: %s |%n"
                        + "| delta sync time ÷ first full sync (import) time | %.1f %% | |%n",
                deltaSeconds, steadySeconds, 100 * timeShare, timeShare <= 0.05 ? "met" : "missed",
                deltaCpu, steadyCpu, 100 * cpuShare, 100 * callShare, callShare <= 0.05 ? "met" : "missed",
                100 * deltaSeconds / steps.get(0).seconds()));
        md.append(String.format(Locale.ROOT, "| the first delta of the run (cold code) ÷ unchanged full sync time | %.1f %% | |%n",
                100 * cold.seconds() / steadySeconds));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("users", users);
        json.put("groups", groups);
        json.put("changed", changed);
        json.put("keycloak", run.keycloakVersion());
        json.put("steps", steps);
        json.put("timeShare", timeShare);
        json.put("callShare", callShare);
        json.put("cpuShare", cpuShare);
        String markdown = md.toString();
        return new Report() {
            public String fileName() {
                return "graph-results";
            }

            public String title() {
                return "Entra ID directory sync through Microsoft Graph";
            }

            public String markdown() {
                return markdown;
            }

            public Map<String, Object> json() {
                return json;
            }
        };
    }
}
