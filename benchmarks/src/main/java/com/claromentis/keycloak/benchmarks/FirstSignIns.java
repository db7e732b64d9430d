package com.claromentis.keycloak.benchmarks;

import com.claromentis.keycloak.sandbox.Faults;
import com.claromentis.keycloak.sandbox.SandboxServer;
import com.claromentis.keycloak.testing.KeycloakServer;
import com.claromentis.keycloak.testing.SignInResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static com.claromentis.keycloak.benchmarks.BenchmarkRun.step;

/**
 * First sign-ins of directory users (LDAP federation: the sign-in looks the user up, binds, imports them into
 * Keycloak) with provisioning off, on, and on while Claromentis is down. One realm per mode, each federating the
 * same directory, so every mode signs in the same people for the first time and only the listener differs.
 *
 * <p>Modes take turns in blocks, each round starting with the next mode, so a slow spell of the shared machine and
 * the JIT warming up are spread over all three rather than landing on one. Between blocks the outbox is left to
 * drain: each block of "on" pays for its own deliveries running alongside (as in production), and no mode inherits
 * another's.
 */
final class FirstSignIns {

    enum Mode {
        OFF("off", "provisioning off"),
        ON("on", "provisioning on"),
        ON_OUTAGE("down", "provisioning on, Claromentis down (503)");

        final String slug;
        final String label;

        Mode(String slug, String label) {
            this.slug = slug;
            this.label = label;
        }
    }

    /** The timed sign-ins of one mode and the sandbox requests made while they ran. */
    record Timings(Mode mode, List<Double> millis, long peopleApiCalls) {
        double median() {
            return Stats.median(millis);
        }

        double p95() {
            return Stats.percentile(millis, 95);
        }
    }

    /** @param provisioned staff found in the sandbox at the end (goal: all of them) */
    record Outcome(Map<Mode, Timings> timings, int staff, int provisioned) {
        double ratioToOff(Mode mode, boolean p95) {
            Timings off = timings.get(Mode.OFF);
            Timings other = timings.get(mode);
            return p95 ? other.p95() / off.p95() : other.median() / off.median();
        }
    }

    private FirstSignIns() {
    }

    static Outcome measure(KeycloakServer keycloak, SandboxServer sandbox, StaffDirectory directory,
                           ProvisioningSettings settings) {
        Duration drainTimeout = Duration.ofMinutes(settings.drainTimeoutMinutes());
        Map<Mode, ProvisioningRealm> realms = new EnumMap<>(Mode.class);
        Map<Mode, List<Double>> millis = new EnumMap<>(Mode.class);
        Map<Mode, Long> calls = new EnumMap<>(Mode.class);
        for (Mode mode : Mode.values()) {
            ProvisioningRealm realm = ProvisioningRealm.create(keycloak, sandbox, "signin-" + mode.slug, mode != Mode.OFF);
            directory.federate(keycloak.admin(), realm.name());
            realms.put(mode, realm);
            millis.put(mode, new ArrayList<>());
            calls.put(mode, 0L);
        }
        step("  warming up: %d untimed first sign-ins per mode", settings.warmUpSignIns());
        for (Mode mode : Mode.values()) {
            block(realms.get(mode), mode, sandbox, StaffDirectory.WARM_UP, 0, settings.warmUpSignIns(), drainTimeout);
        }
        int rounds = settings.signIns() / settings.signInBlock();
        Mode[] modes = Mode.values();
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < modes.length; k++) {
                Mode mode = modes[(round + k) % modes.length];
                Block block = block(realms.get(mode), mode, sandbox, StaffDirectory.STAFF,
                        round * settings.signInBlock(), settings.signInBlock(), drainTimeout);
                millis.get(mode).addAll(block.millis);
                calls.merge(mode, block.peopleApiCalls, Long::sum);
            }
            step("  round %d/%d: medians so far off %.0f ms, on %.0f ms, down %.0f ms", round + 1, rounds,
                    Stats.median(millis.get(Mode.OFF)), Stats.median(millis.get(Mode.ON)),
                    Stats.median(millis.get(Mode.ON_OUTAGE)));
        }
        Map<Mode, Timings> timings = new EnumMap<>(Mode.class);
        for (Mode mode : modes) {
            timings.put(mode, new Timings(mode, List.copyOf(millis.get(mode)), calls.get(mode)));
        }
        return new Outcome(timings, settings.signIns(), provisioned(sandbox, settings.signIns()));
    }

    private record Block(List<Double> millis, long peopleApiCalls) {
    }

    /** Signs in {@code prefix.first} .. {@code prefix.(first+count-1)}, each timed, then lets the outbox drain. */
    private static Block block(ProvisioningRealm realm, Mode mode, SandboxServer sandbox, String prefix, int first,
                               int count, Duration drainTimeout) {
        List<Double> millis = new ArrayList<>(count);
        long requestsBefore = SandboxDirectory.totalRequests(sandbox);
        if (mode == Mode.ON_OUTAGE) {
            sandbox.faults().outage(Faults.Outage.STATUS_503);
        }
        try {
            for (int i = first; i < first + count; i++) {
                String username = prefix + "." + i;
                long start = System.nanoTime();
                // A new client (no SSO cookie) each time, as a person signing in on their own browser.
                SignInResult result = realm.realm().loginClient().login(username, StaffDirectory.PASSWORD);
                long nanos = System.nanoTime() - start;
                if (!result.succeeded()) {
                    throw new IllegalStateException(String.format(Locale.ROOT, "First sign-in of %s in %s (%s) failed: %s",
                            username, realm.name(), mode.label, result.describe()));
                }
                millis.add(nanos / 1e6);
            }
            long calls = SandboxDirectory.totalRequests(sandbox) - requestsBefore;
            if (mode == Mode.ON_OUTAGE && realm.pending() < count) {
                // Nothing can be delivered in the outage, so every sign-in's change must still be waiting.
                throw new IllegalStateException(count + " sign-ins in " + realm.name() + " left fewer changes waiting: "
                        + realm.summary());
            }
            return new Block(millis, calls);
        } finally {
            sandbox.faults().outage(Faults.Outage.NONE);
            if (mode != Mode.OFF) {
                realm.awaitDrained(drainTimeout);
            }
        }
    }

    /** Staff the "on" and "down" realms pushed into the sandbox: proof that provisioning did happen. */
    private static int provisioned(SandboxServer sandbox, int staff) {
        int found = 0;
        for (int i = 0; i < staff; i++) {
            if (sandbox.findUserByUsername(StaffDirectory.STAFF + "." + i).isPresent()) {
                found++;
            }
        }
        return found;
    }
}
