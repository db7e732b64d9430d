package com.claromentis.keycloak.benchmarks;

import com.claromentis.keycloak.sandbox.SandboxServer;
import com.claromentis.keycloak.testing.BrokerLoginSession;
import com.claromentis.keycloak.testing.KeycloakServer;
import com.claromentis.keycloak.testing.KeycloakServerOptions;
import com.claromentis.keycloak.testing.SignInResult;
import com.claromentis.keycloak.testing.TestRealm;
import com.claromentis.keycloak.testing.entra.EntraProviders;
import com.claromentis.keycloak.testing.entra.EntraSimulator;
import com.claromentis.keycloak.testing.entra.EntraUser;
import org.keycloak.representations.idm.RealmRepresentation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static com.claromentis.keycloak.benchmarks.BenchmarkRun.step;

/**
 * The speed issue's sign-in goals on the real Keycloak with the bundle: what the bundle adds to a warm sign-in.
 *
 * <ol>
 *   <li>Password sign-in through the login page of a person whose imported copy is fresh, in a realm with the
 *       bundle's People API user storage, provisioning listener and an {@code entra-id} provider (the tenant guard),
 *       against the same sign-in in a realm with none of the bundle's components: median ratio at most 1.05, and no
 *       People API request.</li>
 *   <li>A returning person's sign-in through {@code entra-id} against the Entra simulator, against Keycloak's own
 *       generic {@code oidc} provider aimed at the same simulator tenant: median ratio at most 1.05.</li>
 * </ol>
 *
 * <p>The two sides of each pair take turns in blocks, each round starting with the other side, so a busy spell of
 * the shared machine or the JIT falls on both. Run it with {@code ./run-benchmarks.sh signin}.
 */
public final class SignInBenchmark {

    /** The realm attribute that names a realm's one Entra tenant. */
    private static final String REALM_TENANT_ATTRIBUTE = "claromentis.entra.tenant";

    static final double RATIO_GOAL = 1.05;
    private static final String PASSWORD = "Bench-Pass-2026!";
    private static final String TENANT = "4b1c6f0e-2a7d-4c3e-9f10-5d2e8a7b6c01";
    private static final String DOMAIN = "contoso.example";
    private static final String PERSON = "pat.example";

    private final BenchmarkRun run;
    private final SignInSettings settings;

    private SignInBenchmark(BenchmarkRun run, SignInSettings settings) {
        this.run = run;
        this.settings = settings;
    }

    public static void main(String[] args) {
        BenchmarkRun.main(run -> new SignInBenchmark(run, SignInSettings.fromSystemProperties()).measure());
    }

    /** Timings of one side of a pair, and the People API requests made while it ran. */
    record Side(String label, List<Double> millis, long peopleApiCalls) {
        double median() {
            return Stats.median(millis);
        }

        double p95() {
            return Stats.percentile(millis, 95);
        }
    }

    /** One comparison: the bundle's side against the side without it. */
    record Pair(String what, Side without, Side with) {
        double ratio() {
            return with.median() / without.median();
        }

        double p95Ratio() {
            return with.p95() / without.p95();
        }
    }

    private SignInResults measure() {
        double loadAtStart = Results.loadAverage();
        SandboxServer sandbox = run.keep(SandboxDirectory.startEmpty());
        sandbox.addUser(PERSON, "Pat", "Example", PERSON + "@" + DOMAIN);
        EntraSimulator simulator = run.keep(EntraSimulator.start(Map.of(DOMAIN, TENANT)));
        KeycloakServer keycloak = run.startKeycloak(KeycloakServerOptions.builder().build());

        step("Password sign-ins: a realm without the bundle's components, and one with the People API provider, "
                + "the provisioning listener and an entra-id provider");
        TestRealm plain = TestRealm.create(keycloak, "plain");
        plain.createUser(PERSON, PASSWORD, Map.of());
        TestRealm bundle = TestRealm.create(keycloak, "bundle");
        bundle.addComponent(SandboxDirectory.component(bundle, sandbox, "claromentis", true));
        ProvisioningRealm.switchOn(bundle);
        bundle.admin().post(bundle.adminPath() + "/identity-provider/instances",
                EntraProviders.entraId("contoso", TENANT, simulator));
        String imported = bundle.findUser(PERSON)
                .orElseThrow(() -> new IllegalStateException(PERSON + " was not imported from the People API"))
                .getId();
        bundle.admin().put(bundle.adminPath() + "/users/" + imported + "/reset-password",
                Map.of("type", "password", "value", PASSWORD, "temporary", false));
        Pair passwords = pair("password sign-in through the login page", sandbox,
                "without the bundle's components", () -> passwordSignIn(plain),
                "People API provider, provisioning listener, entra-id provider", () -> passwordSignIn(bundle));

        step("Broker sign-ins of a returning Contoso member: Keycloak's generic oidc provider, and entra-id");
        EntraUser member = EntraUser.member(TENANT, "7e3f0c52-9d1a-4b6e-8f27-3a5c1d9e0b64", PERSON + "@" + DOMAIN,
                "Pat", "Example");
        TestRealm generic = TestRealm.create(keycloak, "generic-oidc");
        // With the bundle installed, any provider aimed at Entra gets the tenant guard, which refuses everyone in a
        // realm whose tenant is not set (the one-tenant rule holds whatever the administrator forgot): the
        // generic realm is given its tenant, as its administrator would have to.
        RealmRepresentation genericRealm = generic.representation();
        Map<String, String> attributes = new HashMap<>(genericRealm.getAttributes() == null ? Map.of()
                : genericRealm.getAttributes());
        attributes.put(REALM_TENANT_ATTRIBUTE, TENANT);
        genericRealm.setAttributes(attributes);
        generic.update(genericRealm);
        generic.admin().post(generic.adminPath() + "/identity-provider/instances",
                EntraProviders.tenantOidc("microsoft", TENANT, simulator));
        TestRealm entra = TestRealm.create(keycloak, "entra-id");
        entra.admin().post(entra.adminPath() + "/identity-provider/instances",
                EntraProviders.entraId("microsoft", TENANT, simulator));
        Pair brokers = pair("sign-in through the identity provider (returning person)", sandbox,
                "Keycloak's generic oidc provider", () -> brokerSignIn(generic, simulator, member),
                "entra-id", () -> brokerSignIn(entra, simulator, member));
        return new SignInResults(settings, run.keycloakVersion(), loadAtStart, List.of(passwords, brokers));
    }

    /**
     * Signs in on both sides {@code warmUp} times untimed (the first creates the account or pays for the theme and
     * the JIT), then {@code signIns} timed each, in alternating blocks.
     */
    private Pair pair(String what, SandboxServer sandbox, String withoutLabel, Supplier<SignInResult> without,
                      String withLabel, Supplier<SignInResult> with) {
        for (int i = 0; i < settings.warmUpSignIns(); i++) {
            check(withoutLabel, without.get());
            check(withLabel, with.get());
        }
        List<Double> withoutMillis = new ArrayList<>();
        List<Double> withMillis = new ArrayList<>();
        long withoutCalls = 0;
        long withCalls = 0;
        int rounds = settings.signIns() / settings.signInBlock();
        for (int round = 0; round < rounds; round++) {
            boolean withFirst = round % 2 == 1;
            for (int side = 0; side < 2; side++) {
                boolean isWith = (side == 0) == withFirst;
                long before = SandboxDirectory.totalRequests(sandbox);
                block(isWith ? withLabel : withoutLabel, isWith ? with : without, isWith ? withMillis : withoutMillis);
                long calls = SandboxDirectory.totalRequests(sandbox) - before;
                if (isWith) {
                    withCalls += calls;
                } else {
                    withoutCalls += calls;
                }
            }
        }
        Pair pair = new Pair(what, new Side(withoutLabel, withoutMillis, withoutCalls),
                new Side(withLabel, withMillis, withCalls));
        step("  %s: median %.1f ms without, %.1f ms with the bundle: ratio %.3f (p95 %.3f); People API requests "
                + "during the bundle's sign-ins: %d", what, pair.without().median(), pair.with().median(), pair.ratio(),
                pair.p95Ratio(), withCalls);
        return pair;
    }

    private void block(String label, Supplier<SignInResult> signIn, List<Double> millis) {
        for (int i = 0; i < settings.signInBlock(); i++) {
            long start = System.nanoTime();
            SignInResult result = signIn.get();
            millis.add((System.nanoTime() - start) / 1e6);
            check(label, result);
        }
    }

    private static void check(String label, SignInResult result) {
        if (!result.succeeded()) {
            throw new IllegalStateException("A sign-in (" + label + ") failed: " + result.error());
        }
    }

    /** A new client each time: a kept SSO cookie would skip the password check that is being measured. */
    private static SignInResult passwordSignIn(TestRealm realm) {
        return realm.loginClient().login(PERSON, PASSWORD);
    }

    private static SignInResult brokerSignIn(TestRealm realm, EntraSimulator simulator, EntraUser member) {
        simulator.nextSignIn(member);
        return BrokerLoginSession.of(realm).signIn("microsoft");
    }

    /** The figures of one run, against the goal. */
    static final class SignInResults implements Report {
        private final SignInSettings settings;
        private final String keycloakVersion;
        private final double loadAtStart;
        private final double loadAtEnd = Results.loadAverage();
        private final List<Pair> pairs;

        SignInResults(SignInSettings settings, String keycloakVersion, double loadAtStart, List<Pair> pairs) {
            this.settings = settings;
            this.keycloakVersion = keycloakVersion;
            this.loadAtStart = loadAtStart;
            this.pairs = List.copyOf(pairs);
        }

        @Override
        public String fileName() {
            return "signin-results";
        }

        @Override
        public String title() {
            return "Sign-in benchmark results";
        }

        @Override
        public String markdown() {
            StringBuilder md = new StringBuilder();
            md.append(String.format(java.util.Locale.ROOT, "Run of %s on %d cores (load average %.1f at the start, %.1f "
                            + "at the end), Java %s, Keycloak %s; %d timed sign-ins per side in blocks of %d, after %d "
                            + "untimed.%n%n", java.time.LocalDate.now(), Runtime.getRuntime().availableProcessors(),
                    loadAtStart, loadAtEnd, System.getProperty("java.version"), keycloakVersion, settings.signIns(),
                    settings.signInBlock(), settings.warmUpSignIns()));
            md.append("| sign-in | side | median | p95 | People API requests | ratio with ÷ without (median; p95) | goal |\n");
            md.append("| --- | --- | ---: | ---: | ---: | ---: | --- |\n");
            for (Pair pair : pairs) {
                md.append(String.format(java.util.Locale.ROOT, "| %s | %s | %.1f ms | %.1f ms | %d | 1 (baseline) | |%n",
                        pair.what(), pair.without().label(), pair.without().median(), pair.without().p95(),
                        pair.without().peopleApiCalls()));
                md.append(String.format(java.util.Locale.ROOT, "| | %s | %.1f ms | %.1f ms | %d | **%.3f**; %.3f | at most "
                                + "%.2f: **%s** |%n", pair.with().label(), pair.with().median(), pair.with().p95(),
                        pair.with().peopleApiCalls(), pair.ratio(), pair.p95Ratio(), RATIO_GOAL,
                        pair.ratio() <= RATIO_GOAL ? "met" : "missed"));
            }
            return md.toString();
        }

        @Override
        public Map<String, Object> json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("date", java.time.LocalDate.now().toString());
            json.put("keycloak", keycloakVersion);
            json.put("loadAverage", Map.of("start", Stats.round(loadAtStart, 2), "end", Stats.round(loadAtEnd, 2)));
            json.put("signInsPerSide", settings.signIns());
            json.put("pairs", pairs.stream().map(pair -> {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("what", pair.what());
                p.put("medianRatio", Stats.round(pair.ratio(), 4));
                p.put("p95Ratio", Stats.round(pair.p95Ratio(), 4));
                for (Side side : List.of(pair.without(), pair.with())) {
                    p.put(side == pair.without() ? "without" : "with", Map.of("label", side.label(),
                            "medianMillis", Stats.round(side.median(), 2), "p95Millis", Stats.round(side.p95(), 2),
                            "peopleApiCalls", side.peopleApiCalls(),
                            "millis", side.millis().stream().map(v -> Stats.round(v, 2)).toList()));
                }
                return p;
            }).toList());
            return json;
        }
    }
}
