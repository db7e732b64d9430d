package com.claromentis.keycloak.benchmarks;

import com.claromentis.keycloak.peopleapi.ClaromentisGroup;
import com.claromentis.keycloak.peopleapi.GroupOperations;
import com.claromentis.keycloak.peopleapi.PeopleApiClient;
import com.claromentis.keycloak.peopleapi.UserQuery;
import com.claromentis.keycloak.sandbox.SandboxServer;

import java.util.ArrayList;
import java.util.List;

/**
 * The baseline: how fast the bundle's own People API client reads the sandbox with nothing else to do. A sync
 * can never beat this, so sync speed is reported as a fraction of it, measured in the same run on the same machine.
 */
final class RawPaging {

    /** Same page size as the sync ({@code PeopleApiSync.PAGE_SIZE}): the API's maximum. */
    static final int PAGE_SIZE = UserQuery.MAX_LIMIT;

    private RawPaging() {
    }

    /**
     * Users per second of each timed run, after one untimed run that warms the JIT and the connection pool (and
     * counts the sandbox requests one read makes).
     */
    record Rates(List<Double> userPaging, List<Double> fullRead, long userPagingCalls, long fullReadCalls) {
        double userPagingMedian() {
            return Stats.median(userPaging);
        }

        double fullReadMedian() {
            return Stats.median(fullRead);
        }
    }

    static Rates measure(SandboxServer sandbox, int expectedUsers, int runs) {
        try (PeopleApiClient client = SandboxDirectory.client(sandbox)) {
            long before = SandboxDirectory.totalRequests(sandbox);
            readUsers(client, expectedUsers);
            long userPagingCalls = SandboxDirectory.totalRequests(sandbox) - before;
            before = SandboxDirectory.totalRequests(sandbox);
            readEverything(client, expectedUsers);
            long fullReadCalls = SandboxDirectory.totalRequests(sandbox) - before;
            List<Double> paging = new ArrayList<>();
            List<Double> full = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                long start = System.nanoTime();
                readUsers(client, expectedUsers);
                paging.add(Stats.perSecond(expectedUsers, System.nanoTime() - start));
                start = System.nanoTime();
                readEverything(client, expectedUsers);
                full.add(Stats.perSecond(expectedUsers, System.nanoTime() - start));
            }
            return new Rates(paging, full, userPagingCalls, fullReadCalls);
        }
    }

    /** The baseline: every user, page by page. */
    private static void readUsers(PeopleApiClient client, int expectedUsers) {
        long seen = client.streamUsers(UserQuery.all().withLimit(PAGE_SIZE)).count();
        if (seen != expectedUsers) {
            throw new IllegalStateException("Paging saw " + seen + " users, the sandbox holds " + expectedUsers);
        }
    }

    /** Everything a full sync reads: users, then the members of every group and role. */
    private static void readEverything(PeopleApiClient client, int expectedUsers) {
        readUsers(client, expectedUsers);
        readMembers(client.groups());
        readMembers(client.roles());
    }

    private static void readMembers(GroupOperations operations) {
        for (ClaromentisGroup group : operations.listAll()) {
            operations.members(group.id());
        }
    }
}
