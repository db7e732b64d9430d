package com.claromentis.keycloak.benchmarks;

import com.claromentis.keycloak.sandbox.SandboxConfig;
import com.claromentis.keycloak.sandbox.SandboxGroup;
import com.claromentis.keycloak.sandbox.SandboxServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The "Claromentis" of the benchmark: the embedded People API sandbox with generated staff, a manager for
 * everyone but the top, and group and role memberships, so a sync does all the work it does for a real company.
 */
final class SandboxDirectory {

    static final String API_USER = "keycloak";
    static final String API_PASSWORD = "bench-api-password";
    /** People under one manager: a 10-wide org chart, five levels deep for 10,000 people. */
    private static final int SPAN_OF_CONTROL = 10;

    private SandboxDirectory() {
    }

    static SandboxServer start(BenchmarkSettings settings) {
        SandboxServer sandbox;
        try {
            sandbox = SandboxServer.start(SandboxConfig.builder().basicCredentials(API_USER, API_PASSWORD).build());
        } catch (IOException e) {
            throw new UncheckedIOException("The People API sandbox did not start", e);
        }
        try {
            seed(sandbox, settings);
            return sandbox;
        } catch (RuntimeException e) {
            sandbox.close();
            throw e;
        }
    }

    /** Every request the sandbox has answered so far; the benchmark reads differences of it. */
    static long totalRequests(SandboxServer sandbox) {
        return sandbox.requestCounts().values().stream().mapToLong(Long::longValue).sum();
    }

    private static void seed(SandboxServer sandbox, BenchmarkSettings settings) {
        List<Long> ids = sandbox.generateUsers(settings.users(), "user");
        for (int i = 1; i < ids.size(); i++) {
            sandbox.setManager(ids.get(i), ids.get((i - 1) / SPAN_OF_CONTROL));
        }
        for (int g = 0; g < settings.groups(); g++) {
            SandboxGroup group = sandbox.addGroup("Bench Group " + (g + 1));
            addMembers(ids, g, settings.groups(), settings.groupSize(), id -> sandbox.addGroupMember(group.id(), id));
        }
        for (int r = 0; r < settings.roles(); r++) {
            SandboxGroup role = sandbox.addRole("Bench Role " + (r + 1));
            addMembers(ids, r, settings.roles(), settings.roleSize(), id -> sandbox.addRoleMember(role.id(), id));
        }
    }

    /** Member k of set {@code index} is user {@code index + k * stride}: distinct sets, spread over the ids. */
    private static void addMembers(List<Long> ids, int index, int stride, int size, java.util.function.LongConsumer add) {
        for (int k = 0; k < size; k++) {
            add.accept(ids.get(index + k * stride));
        }
    }
}
