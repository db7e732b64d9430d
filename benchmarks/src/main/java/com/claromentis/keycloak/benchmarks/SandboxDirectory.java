package com.claromentis.keycloak.benchmarks;

import com.claromentis.keycloak.peopleapi.PeopleApiClient;
import com.claromentis.keycloak.peopleapi.PeopleApiConfig;
import com.claromentis.keycloak.peopleapi.auth.BasicAuth;
import com.claromentis.keycloak.peopleapi.auth.Secret;
import com.claromentis.keycloak.sandbox.SandboxConfig;
import com.claromentis.keycloak.sandbox.SandboxGroup;
import com.claromentis.keycloak.sandbox.SandboxServer;
import com.claromentis.keycloak.testing.TestRealm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The "Claromentis" of the benchmarks: the embedded People API sandbox, either with generated staff (a manager for
 * everyone but the top, group and role memberships, so a sync does all the work it does for a real company) or
 * empty (for provisioning into it), plus the two ways of talking to it: the bundle's client and a realm's
 * {@code claromentis-people-api} component.
 */
final class SandboxDirectory {

    static final String API_USER = "keycloak";
    static final String API_PASSWORD = "bench-api-password";
    /** People under one manager: a 10-wide org chart, five levels deep for 10,000 people. */
    private static final int SPAN_OF_CONTROL = 10;

    private SandboxDirectory() {
    }

    /** A sandbox seeded as {@code settings} says. */
    static SandboxServer start(BenchmarkSettings settings) {
        return seeded(Clock.systemUTC(), "user", settings.users(), settings.groups(), settings.groupSize(),
                settings.roles(), settings.roleSize());
    }

    /**
     * A sandbox with {@code users} generated staff named {@code prefix.N} (a manager for everyone but the top),
     * {@code groups} groups named "Bench Group N" of {@code groupSize} members and {@code roles} roles of
     * {@code roleSize}; {@code clock} stamps each user's modified time (a changed sync asks by it).
     */
    static SandboxServer seeded(Clock clock, String prefix, int users, int groups, int groupSize, int roles, int roleSize) {
        SandboxServer sandbox = start(clock);
        try {
            List<Long> ids = sandbox.generateUsers(users, prefix);
            for (int i = 1; i < ids.size(); i++) {
                sandbox.setManager(ids.get(i), ids.get((i - 1) / SPAN_OF_CONTROL));
            }
            for (int g = 0; g < groups; g++) {
                SandboxGroup group = sandbox.addGroup("Bench Group " + (g + 1));
                addMembers(ids, g, groups, groupSize, id -> sandbox.addGroupMember(group.id(), id));
            }
            for (int r = 0; r < roles; r++) {
                SandboxGroup role = sandbox.addRole("Bench Role " + (r + 1));
                addMembers(ids, r, roles, roleSize, id -> sandbox.addRoleMember(role.id(), id));
            }
            return sandbox;
        } catch (RuntimeException e) {
            sandbox.close();
            throw e;
        }
    }

    static SandboxServer startEmpty() {
        return start(Clock.systemUTC());
    }

    private static SandboxServer start(Clock clock) {
        try {
            return SandboxServer.start(SandboxConfig.builder().basicCredentials(API_USER, API_PASSWORD).clock(clock).build());
        } catch (IOException e) {
            throw new UncheckedIOException("The People API sandbox did not start", e);
        }
    }

    /** The bundle's own People API client on the sandbox, as the baselines use it (default retry policy). */
    static PeopleApiClient client(SandboxServer sandbox) {
        return PeopleApiClient.create(PeopleApiConfig.builder()
                .baseUrl(sandbox.baseUrl())
                .auth(BasicAuth.of(API_USER, Secret.of(API_PASSWORD)))
                .build());
    }

    /** Every request the sandbox has answered so far; the benchmark reads differences of it. */
    static long totalRequests(SandboxServer sandbox) {
        return sandbox.requestCounts().values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * The People API user storage as an administrator adds it (same settings as the integration tests); disabled,
     * it is only the provisioning outbox's connection. A plain map rather than ComponentRepresentation, so the
     * benchmark does not depend on Keycloak's representation classes for it.
     */
    static Map<String, Object> component(TestRealm realm, SandboxServer sandbox, String name, boolean enabled) {
        Map<String, List<String>> config = new LinkedHashMap<>();
        config.put("baseUrl", List.of(sandbox.baseUrl()));
        config.put("authType", List.of("basic"));
        config.put("apiUsername", List.of(API_USER));
        config.put("apiPassword", List.of(API_PASSWORD));
        config.put("enabled", List.of(Boolean.toString(enabled)));
        config.put("importEnabled", List.of("true"));
        config.put("cachePolicy", List.of("DEFAULT"));
        Map<String, Object> component = new LinkedHashMap<>();
        component.put("name", name);
        component.put("providerId", "claromentis-people-api");
        component.put("providerType", "org.keycloak.storage.UserStorageProvider");
        component.put("parentId", realm.representation().getId());
        component.put("config", config);
        return component;
    }

    /** Member k of set {@code index} is user {@code index + k * stride}: distinct sets, spread over the ids. */
    private static void addMembers(List<Long> ids, int index, int stride, int size, java.util.function.LongConsumer add) {
        for (int k = 0; k < size; k++) {
            add.accept(ids.get(index + k * stride));
        }
    }
}
