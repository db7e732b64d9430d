package com.claromentis.keycloak.outbox;

import com.claromentis.keycloak.outbox.OutboxStore.Claimed;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import org.hibernate.jpa.HibernatePersistenceConfiguration;
import org.hibernate.tool.schema.Action;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The store's JPQL on a real database engine, with the tables created by the real Liquibase changelog (as Keycloak
 * runs it at start-up) and Hibernate validating the entities against them. Each database the outbox is tested on
 * is a subclass: {@link OutboxStoreTest} (H2, the engine of Keycloak's dev-file database) and
 * {@link OutboxStorePostgresTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OutboxStoreContract {

    static final String REALM = "realm-1";
    static final long LEASE = 60_000;

    private EntityManagerFactory emf;
    private TestDatabase db;

    /** Where the tables go; called once, before anything else. */
    abstract TestDatabase database();

    /** Called once, after the last test. */
    void closeDatabase() {
    }

    /** A JDBC URL with its credentials, and how the engine treats two transactions updating one row. */
    record TestDatabase(String url, String user, String password, boolean mayRefuseConflictingUpdate) {
    }

    @BeforeAll
    void createSchema() throws Exception {
        db = database();
        try (Connection connection = DriverManager.getConnection(db.url(), db.user(), db.password())) {
            Database database = DatabaseFactory.getInstance()
                    .findCorrectDatabaseImplementation(new JdbcConnection(connection));
            new CommandScope(UpdateCommandStep.COMMAND_NAME)
                    .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                    .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, new OutboxJpaEntities().getChangelogLocation())
                    .execute();
        }
        emf = new HibernatePersistenceConfiguration("outbox-test")
                .managedClass(OutboxEntry.class)
                .managedClass(OutboxHold.class)
                .managedClass(OutboxLock.class)
                .managedClass(OutboxLink.class)
                .managedClass(OutboxLease.class)
                .jdbcUrl(db.url())
                .jdbcCredentials(db.user(), db.password())
                .jdbcPoolSize(8)
                .schemaToolingAction(Action.VALIDATE)
                .createEntityManagerFactory();
    }

    @AfterAll
    void close() {
        try {
            if (emf != null) {
                emf.close();
            }
        } finally {
            closeDatabase();
        }
    }

    @BeforeEach
    void empty() {
        inTransaction(em -> em.createQuery("delete from OutboxEntry").executeUpdate());
        inTransaction(em -> em.createQuery("delete from OutboxHold").executeUpdate());
        inTransaction(em -> em.createQuery("delete from OutboxLink").executeUpdate());
        inTransaction(em -> em.createQuery("delete from OutboxLease").executeUpdate());
    }

    @Test
    @DisplayName("a claimed row is not claimed again by another node while its lease runs")
    void claimIsExclusive() {
        insert("u1", ChangeType.UPDATE, 1000);

        List<Claimed> first = claim("node-a", 2000);
        List<Claimed> second = claim("node-b", 2001);

        assertThat(first).hasSize(1);
        assertThat(second).isEmpty();
    }

    @Test
    @DisplayName("a row whose lease ran out (its node crashed) is taken over, and the old holder can no longer record it")
    void expiredLeaseIsTakenOver() {
        insert("u1", ChangeType.UPDATE, 1000);
        Claimed lost = claim("node-a", 2000).get(0);

        List<Claimed> takenOver = claim("node-b", 2000 + LEASE + 1);

        assertThat(takenOver).extracting(Claimed::id).containsExactly(lost.id());
        assertThat(this.<Boolean>inTransaction(em -> new OutboxStore(em).complete(lost))).isFalse();
        assertThat(this.<Boolean>inTransaction(em -> new OutboxStore(em).complete(takenOver.get(0)))).isTrue();
        assertThat(count()).isZero();
    }

    @Test
    @DisplayName("a batch's delivered rows are removed at once, except those another node took over meanwhile")
    void batchCompletionSkipsTakenOverRows() {
        insert("u1", ChangeType.UPDATE, 1000);
        insert("u2", ChangeType.UPDATE, 1000);
        insert("u3", ChangeType.UPDATE, 1000);
        List<Claimed> batch = claim("node-a", 2000);
        insert("u4", ChangeType.UPDATE, 1000);
        Claimed unrelated = claim("node-c", 2000).get(0);
        // node-a's lease runs out on u2 only: node-b takes it over as if node-a had stopped mid-delivery.
        inTransaction(em -> em.createQuery("update OutboxEntry e set e.claimedUntil = 0 where e.userId = 'u2'").executeUpdate());
        List<Claimed> takenOver = claim("node-b", 2001);

        int removed = this.<Integer>inTransaction(em -> new OutboxStore(em).completeAll(batch));

        assertThat(batch).hasSize(3);
        assertThat(takenOver).extracting(Claimed::userId).containsExactly("u2");
        assertThat(removed).isEqualTo(2);
        assertThat(count()).isEqualTo(2);
        assertThat(this.<Integer>inTransaction(em -> new OutboxStore(em).completeAll(List.of(unrelated, takenOver.get(0)))))
                .isEqualTo(2);
        assertThat(count()).isZero();
    }

    @Test
    @DisplayName("a row taken over after a lease ran out says so, so delivery knows the first holder may have done part of it;"
            + " a row whose holder recorded an outcome does not")
    void takeOverIsKnown() {
        insert("u1", ChangeType.CREATE, 1000);
        insert("u2", ChangeType.CREATE, 1000);
        List<Claimed> first = claim("node-a", 2000);
        assertThat(first).extracting(Claimed::takenOver).containsExactly(false, false);
        Claimed failed = first.stream().filter(r -> r.userId().equals("u2")).findFirst().orElseThrow();
        inTransaction(em -> new OutboxStore(em).fail(failed, 1, false, 2000, "HTTP 503", null));

        List<Claimed> afterLease = claim("node-b", 2000 + LEASE + 1);

        assertThat(afterLease).extracting(Claimed::userId, Claimed::takenOver).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("u1", true), org.assertj.core.groups.Tuple.tuple("u2", false));
    }

    @Test
    @DisplayName("rows a batch never started are claimable again at once; one it had taken over is still known as taken"
            + " over, one it had claimed fresh is not, and a row meanwhile taken by another node is left alone")
    void unstartedRowsAreGivenBack() {
        insert("u1", ChangeType.CREATE, 1000);
        insert("u2", ChangeType.CREATE, 1000);
        insert("u3", ChangeType.CREATE, 1000);
        claim("node-a", 2000).stream().filter(row -> row.userId().equals("u1")).findFirst().orElseThrow();
        inTransaction(em -> em.createQuery("update OutboxEntry e set e.claimedUntil = 0 where e.userId = 'u1'").executeUpdate());
        List<Claimed> batch = claim("node-b", 2001);
        assertThat(batch).extracting(Claimed::userId, Claimed::takenOver).containsExactly(
                org.assertj.core.groups.Tuple.tuple("u1", true));
        List<Claimed> others = claim("node-c", 2000 + LEASE + 1);
        // node-b's batch now holds u1 (taken over); node-c holds u2 and u3, whose node-a lease ran out.
        Claimed u2 = others.stream().filter(row -> row.userId().equals("u2")).findFirst().orElseThrow();
        List<Claimed> givenBackRows = List.of(batch.get(0), new Claimed(u2.id(), u2.realmId(), u2.userId(),
                u2.username(), u2.type(), u2.payload(), u2.attempts(), u2.queuedAt(), "node-b", false, u2.leaseEnds()));

        int released = this.<Integer>inTransaction(em -> new OutboxStore(em).releaseUnstarted(givenBackRows, 3000));
        List<Claimed> next = claim("node-d", 3001);

        assertThat(released).as("only node-b's own row").isEqualTo(1);
        assertThat(next).extracting(Claimed::userId, Claimed::takenOver).containsExactly(
                org.assertj.core.groups.Tuple.tuple("u1", true));
        assertThat(others).extracting(Claimed::leaseEnds).containsOnly(2000 + LEASE + 1 + LEASE);

        insert("u4", ChangeType.CREATE, 1000);
        List<Claimed> fresh = claim("node-e", 3002);
        assertThat(this.<Integer>inTransaction(em -> new OutboxStore(em).releaseUnstarted(fresh, 3003))).isEqualTo(1);
        assertThat(claim("node-f", 3003)).extracting(Claimed::userId, Claimed::takenOver).containsExactly(
                org.assertj.core.groups.Tuple.tuple("u4", false));
    }

    @Test
    @DisplayName("a claim based on a stale read takes the row as it is now: not at all while another node's retry time"
            + " is ahead, with that node's attempt counted once it is due")
    void staleReadClaimsCurrentState() {
        insert("u1", ChangeType.UPDATE, 1000);
        List<OutboxEntry> stale = inTransaction(em -> em.createQuery("select e from OutboxEntry e", OutboxEntry.class)
                .getResultList());
        Claimed claimed = claim("node-a", 2000).get(0);
        inTransaction(em -> new OutboxStore(em).fail(claimed, 1, false, 5000, "503", null));

        List<Claimed> early = inTransaction(em -> new OutboxStore(em).take("node-b", 2001, 2001 + LEASE, stale));
        List<Claimed> due = inTransaction(em -> new OutboxStore(em).take("node-b", 5000, 5000 + LEASE, stale));

        assertThat(early).isEmpty();
        assertThat(due).singleElement().satisfies(row -> {
            assertThat(row.attempts()).isEqualTo(1);
            assertThat(row.token()).isEqualTo("node-b");
        });
    }

    @Test
    @DisplayName("only the oldest pending change of a user is due; the next follows once it is done")
    void oneUserInOrder() {
        insert("u1", ChangeType.CREATE, 1000);
        insert("u1", ChangeType.UPDATE, 1001);
        insert("u2", ChangeType.UPDATE, 1002);

        List<Claimed> round1 = claim("node-a", 5000);
        assertThat(round1).extracting(Claimed::userId, Claimed::type)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("u1", ChangeType.CREATE),
                        org.assertj.core.groups.Tuple.tuple("u2", ChangeType.UPDATE));
        round1.forEach(row -> inTransaction(em -> new OutboxStore(em).complete(row)));

        List<Claimed> round2 = claim("node-a", 5001);
        assertThat(round2).extracting(Claimed::type).containsExactly(ChangeType.UPDATE);
        assertThat(round2.get(0).userId()).isEqualTo("u1");
    }

    @Test
    @DisplayName("a change waiting for its retry holds back the user's later changes but no one else's")
    void retryHoldsBackOnlyThatUser() {
        insert("u1", ChangeType.UPDATE, 1000);
        insert("u1", ChangeType.GROUPS, 1001);
        insert("u2", ChangeType.UPDATE, 1002);
        Claimed failing = claim("node-a", 2000).stream().filter(r -> r.userId().equals("u1")).findFirst().orElseThrow();
        inTransaction(em -> new OutboxStore(em).fail(failing, 1, false, 60_000, "HTTP 503", null));

        List<Claimed> next = claim("node-b", 3000);

        assertThat(next).isEmpty();
        assertThat(claim("node-b", 60_000)).extracting(Claimed::id, Claimed::attempts)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(failing.id(), 1));
    }

    @Test
    @DisplayName("a dead letter no longer holds back the user's later changes; it is listed, replayed and discarded")
    void deadLetters() {
        insert("u1", ChangeType.UPDATE, 1000);
        insert("u1", ChangeType.MANAGER, 1001);
        Claimed rejected = claim("node-a", 2000).get(0);
        inTransaction(em -> new OutboxStore(em).fail(rejected, 1, true, 2000, "HTTP 400: email is not an email address", null));

        assertThat(claim("node-a", 2001)).extracting(Claimed::type).containsExactly(ChangeType.MANAGER);
        List<OutboxEntry> dead = inTransaction(em -> new OutboxStore(em).deadLetters(REALM, 0, 10));
        assertThat(dead).singleElement().satisfies(entry -> {
            assertThat(entry.getLastError()).contains("HTTP 400");
            assertThat(entry.getAttempts()).isEqualTo(1);
        });
        assertThat(this.<java.util.Map<String, Long>>inTransaction(em -> new OutboxStore(em).counts(REALM)))
                .containsEntry(OutboxEntry.DEAD, 1L).containsEntry(OutboxEntry.PENDING, 1L);

        assertThat(this.<Boolean>inTransaction(em -> new OutboxStore(em).replay("other-realm", rejected.id(), 9000))).isFalse();
        assertThat(this.<Boolean>inTransaction(em -> new OutboxStore(em).replay(REALM, rejected.id(), 9000))).isTrue();
        OutboxEntry replayed = inTransaction(em -> em.find(OutboxEntry.class, rejected.id()));
        assertThat(replayed.getStatus()).isEqualTo(OutboxEntry.PENDING);
        assertThat(replayed.getAttempts()).isZero();
        assertThat(replayed.getQueuedAt()).isEqualTo(9000);
        assertThat(replayed.getCreatedAt()).isEqualTo(1000);

        Claimed again = claim("node-a", 9000 + LEASE + 1).stream().filter(r -> r.id() == rejected.id()).findFirst()
                .orElseThrow();
        inTransaction(em -> new OutboxStore(em).fail(again, 1, true, 0, "still wrong", null));
        assertThat(this.<Boolean>inTransaction(em -> new OutboxStore(em).discard(REALM, rejected.id()))).isTrue();
        assertThat(this.<List<OutboxEntry>>inTransaction(em -> new OutboxStore(em).deadLetters(REALM, 0, 10))).isEmpty();
    }

    @Test
    @DisplayName("nodes claiming the same rows at the same time never both get one")
    void concurrentNodesNeverShareARow() throws Exception {
        for (int i = 0; i < 120; i++) {
            insert("user-" + i, ChangeType.UPDATE, 1000 + i);
        }
        int nodes = 4;
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<Long>>> results = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            String token = "node-" + n;
            results.add(pool.submit(() -> {
                start.await();
                List<Long> mine = new ArrayList<>();
                for (int round = 0; round < 30; round++) {
                    try {
                        claim(token + "#" + round, 5000).forEach(row -> mine.add(row.id()));
                    } catch (RuntimeException e) {
                        // H2 may refuse a conflicting update outright, or give up waiting for the other node's
                        // lock, instead of updating nothing: either way that node lost. PostgreSQL makes the
                        // second update wait for the first to commit, then finds the version changed and updates
                        // nothing: there, any exception is a failure.
                        if (!db.mayRefuseConflictingUpdate()) {
                            throw e;
                        }
                        assertThat(org.assertj.core.util.Throwables.getStackTrace(e))
                                .containsAnyOf("Concurrent update", "Timeout trying to lock");
                    }
                }
                return mine;
            }));
        }
        start.countDown();
        List<Long> all = new ArrayList<>();
        for (Future<List<Long>> result : results) {
            all.addAll(result.get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();

        Set<Long> unique = new HashSet<>(all);
        assertThat(all).hasSize(unique.size());
        assertThat(unique).hasSize(120);
    }

    @Test
    @DisplayName("the backlog counts pending changes of every realm and finds the oldest; dead letters are not backlog")
    void backlog() {
        assertThat(this.<long[]>inTransaction(em -> new OutboxStore(em).backlog())).containsExactly(0, 0);
        insert("u1", ChangeType.UPDATE, 1000);
        insert("u2", ChangeType.UPDATE, 1500);
        inTransaction(em -> {
            new OutboxStore(em).insert(OutboxEntry.pending("realm-2", "v1", "v1-name", ChangeType.CREATE, null, 900));
            return null;
        });
        Claimed oldest = claim("node-a", 2000).stream().filter(r -> r.realmId().equals("realm-2")).findFirst().orElseThrow();
        inTransaction(em -> new OutboxStore(em).fail(oldest, 1, true, 2000, "HTTP 400", null));

        assertThat(this.<long[]>inTransaction(em -> new OutboxStore(em).backlog())).containsExactly(2, 1000);
    }

    @Test
    @DisplayName("removing a realm drops its undelivered changes")
    void realmRemoval() {
        insert("u1", ChangeType.UPDATE, 1000);

        assertThat(this.<Integer>inTransaction(em -> new OutboxStore(em).deleteRealm(REALM))).isEqualTo(1);
        assertThat(count()).isZero();
    }

    @Test
    @DisplayName("while Claromentis asked the realm for a pause (Retry-After), none of its changes is due, and a resume"
            + " does not bring them forward; once it is over they are")
    void heldRealmIsNotClaimed() {
        insert("u1", ChangeType.UPDATE, 1000);
        Claimed failing = claim("node-a", 2000).get(0);
        insert("u2", ChangeType.UPDATE, 1000);
        inTransaction(em -> new OutboxStore(em).fail(failing, 1, false, 60_000, "HTTP 429", null));
        inTransaction(em -> {
            new OutboxStore(em).hold(REALM, "component-1", 3000);
            return null;
        });

        assertThat(claim("node-b", 2500)).isEmpty();
        assertThat(this.<Integer>inTransaction(em -> new OutboxStore(em).resume(REALM, 2500))).isZero();
        inTransaction(em -> {
            new OutboxStore(em).hold(REALM, "component-1", 2800);
            return null;
        });
        assertThat(this.<Long>inTransaction(em -> new OutboxStore(em).heldUntil(REALM)))
                .as("a shorter pause does not cut a longer one short").isEqualTo(3000);
        assertThat(claim("node-b", 3000)).extracting(Claimed::userId).containsExactly("u2");
    }

    @Test
    @DisplayName("while a bulk import of a realm is not quiet on this node, none of that realm's changes is claimed here, and other realms' are")
    void bulkImportedRealmIsSkipped() {
        insert("u1", ChangeType.CREATE, 1000);
        inTransaction(em -> {
            new OutboxStore(em).insert(OutboxEntry.pending("realm-2", "v1", "v1-name", ChangeType.CREATE, null, 1000));
            return null;
        });

        List<Claimed> whileImporting = inTransaction(em -> new OutboxStore(em).claim("node-a", 2000, 2000 + LEASE, 50,
                Set.of(REALM)));

        assertThat(whileImporting).extracting(Claimed::realmId).containsExactly("realm-2");
        assertThat(claim("node-a", 2000)).extracting(Claimed::userId).as("once quiet").containsExactly("u1");
    }

    @Test
    @DisplayName("a row given back during a pause keeps its attempts and is due when the pause ends")
    void releasedRowKeepsAttempts() {
        insert("u1", ChangeType.UPDATE, 1000);
        Claimed claimed = claim("node-a", 2000).get(0);

        assertThat(this.<Boolean>inTransaction(em -> new OutboxStore(em).release(claimed, 4000))).isTrue();

        assertThat(claim("node-b", 3999)).isEmpty();
        assertThat(claim("node-b", 4000)).singleElement().extracting(Claimed::attempts).isEqualTo(0);
    }

    @Test
    @DisplayName("a link is stored once per Keycloak user, can be changed, and goes with its realm")
    void links() {
        inTransaction(em -> {
            new OutboxStore(em).saveLink(REALM, "u1", 7);
            return null;
        });
        inTransaction(em -> {
            new OutboxStore(em).saveLink(REALM, "u1", 8);
            return null;
        });

        assertThat(this.<Long>inTransaction(em -> new OutboxStore(em).link(REALM, "u1"))).isEqualTo(8);
        assertThat(this.<Long>inTransaction(em -> new OutboxStore(em).link(REALM, "u2"))).isNull();
        inTransaction(em -> new OutboxStore(em).deleteRealm(REALM));
        assertThat(this.<Long>inTransaction(em -> new OutboxStore(em).link(REALM, "u1"))).isNull();
    }

    @Test
    @DisplayName("the links of many users are read at once: the linked ones with their ids, none of another realm, none"
            + " for a user without one, also past the database's IN-list bound")
    void linksReadAtOnce() {
        inTransaction(em -> {
            OutboxStore store = new OutboxStore(em);
            store.saveLink(REALM, "u1", 7);
            store.saveLink(REALM, "u3", 9);
            store.saveLink("other-realm", "u2", 11);
            return null;
        });
        List<String> users = new ArrayList<>(List.of("u1", "u2", "u3", "u4"));
        for (int i = 0; i < com.claromentis.keycloak.common.LocalUsers.IN_LIMIT; i++) {
            users.add("padding-" + i);
        }
        users.add("u5");
        inTransaction(em -> {
            new OutboxStore(em).saveLink(REALM, "u5", 13);
            return null;
        });

        Map<String, Long> links = inTransaction(em -> new OutboxStore(em).links(REALM, users));

        assertThat(links).containsExactlyInAnyOrderEntriesOf(Map.of("u1", 7L, "u3", 9L, "u5", 13L));
    }

    @Test
    @DisplayName("a link inserted without a read fails its transaction when the user is linked already, and keeps the first link")
    void insertedLinkNeverOverwrites() {
        inTransaction(em -> {
            new OutboxStore(em).insertLink(REALM, "u1", 7);
            return null;
        });

        assertThatThrownBy(() -> inTransaction(em -> {
            new OutboxStore(em).insertLink(REALM, "u1", 8);
            return null;
        })).as("the second insert fails").isInstanceOf(RuntimeException.class);
        assertThat(this.<Long>inTransaction(em -> new OutboxStore(em).link(REALM, "u1"))).isEqualTo(7);
    }

    @Test
    @DisplayName("a group's lock is held by one transaction at a time: a second waits until the first ends")
    void groupLockSerialises() throws Exception {
        inTransaction(em -> {
            new OutboxStore(em).ensureLock("g:1");
            return null;
        });
        CountDownLatch firstHolds = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> first = pool.submit(() -> inTransaction(em -> {
                new OutboxStore(em).lock("g:1");
                firstHolds.countDown();
                await(release);
                order.add("first done");
                return null;
            }));
            firstHolds.await(10, TimeUnit.SECONDS);
            Future<?> second = pool.submit(() -> inTransaction(em -> {
                new OutboxStore(em).lock("g:1");
                order.add("second holds");
                return null;
            }));
            Thread.sleep(300);
            assertThat(order).as("the second waits while the first holds the lock").isEmpty();
            release.countDown();
            first.get(10, TimeUnit.SECONDS);
            second.get(10, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(order).containsExactly("first done", "second holds");
    }

    @Test
    @DisplayName("a lease is held by one holder at a time, renewed only by its holder, taken over once it ran out, and free at once when given up")
    void leases() {
        inTransaction(em -> {
            new OutboxStore(em).ensureLease("sync:1");
            new OutboxStore(em).ensureLease("sync:1");
            return null;
        });

        assertThat(this.<Boolean>inTransaction(em -> new OutboxStore(em).takeLease("sync:1", "node-a#1", 1000, 61_000))).isTrue();
        assertThat(this.<Boolean>inTransaction(em -> new OutboxStore(em).takeLease("sync:1", "node-b#1", 2000, 62_000)))
                .as("held by node A").isFalse();
        assertThat(this.<Boolean>inTransaction(em -> new OutboxStore(em).renewLease("sync:1", "node-b#1", 70_000)))
                .as("a renewal never takes a lease over").isFalse();
        assertThat(this.<Boolean>inTransaction(em -> new OutboxStore(em).renewLease("sync:1", "node-a#1", 90_000))).isTrue();
        assertThat(this.<Boolean>inTransaction(em -> new OutboxStore(em).takeLease("sync:1", "node-b#2", 80_000, 140_000)))
                .as("renewed until 90,000").isFalse();
        assertThat(this.<Boolean>inTransaction(em -> new OutboxStore(em).takeLease("sync:1", "node-b#3", 90_001, 150_000)))
                .as("ran out: node A crashed").isTrue();
        assertThat(this.<Boolean>inTransaction(em -> new OutboxStore(em).renewLease("sync:1", "node-a#1", 200_000)))
                .as("the old holder cannot renew what was taken over").isFalse();

        inTransaction(em -> {
            new OutboxStore(em).releaseLease("sync:1", "node-b#3");
            return null;
        });
        assertThat(this.<Boolean>inTransaction(em -> new OutboxStore(em).takeLease("sync:1", "node-a#2", 100_000, 160_000)))
                .as("given up before it ran out").isTrue();
        assertThat(this.<Boolean>inTransaction(em -> new OutboxStore(em).takeLease("sync:2", "node-a#3", 100_000, 160_000)))
                .as("no row yet: ensureLease comes first").isFalse();
    }

    @Test
    @DisplayName("nodes taking one lease at the same time: exactly one gets it")
    void concurrentLeaseTakers() throws Exception {
        inTransaction(em -> {
            new OutboxStore(em).ensureLease("sync:race");
            return null;
        });
        int nodes = 4;
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            String holder = "node-" + n + "#1";
            results.add(pool.submit(() -> {
                start.await();
                try {
                    return inTransaction(em -> new OutboxStore(em).takeLease("sync:race", holder, 1000, 61_000));
                } catch (RuntimeException e) {
                    // As with claims, H2 may refuse the conflicting update instead of updating nothing: that node lost.
                    if (!db.mayRefuseConflictingUpdate()) {
                        throw e;
                    }
                    return false;
                }
            }));
        }
        start.countDown();
        int winners = 0;
        for (Future<Boolean> result : results) {
            winners += result.get(30, TimeUnit.SECONDS) ? 1 : 0;
        }
        pool.shutdown();
        assertThat(winners).isEqualTo(1);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    @DisplayName("a deletion waiting for delivery is found by the username, while it is claimed too, and no longer once it is delivered")
    void pendingDeletionByUsername() {
        insert("u1", ChangeType.UPDATE, 1000);
        insert("u2", ChangeType.DELETE, 1000);

        assertThat(this.<Boolean>inTransaction(em -> new OutboxStore(em).hasPendingDeletion(REALM, "U2-name")))
                .as("usernames compare as Keycloak stores them, lower case").isTrue();
        assertThat(this.<Boolean>inTransaction(em -> new OutboxStore(em).hasPendingDeletion(REALM, "u1-name")))
                .as("an update is not a deletion").isFalse();
        assertThat(this.<Boolean>inTransaction(em -> new OutboxStore(em).hasPendingDeletion("realm-2", "u2-name")))
                .as("another realm's user of the same name").isFalse();

        List<Claimed> claimed = claim("node-a", 2000);
        assertThat(this.<Boolean>inTransaction(em -> new OutboxStore(em).hasPendingDeletion(REALM, "u2-name")))
                .as("in flight").isTrue();
        claimed.forEach(row -> inTransaction(em -> new OutboxStore(em).complete(row)));
        assertThat(this.<Boolean>inTransaction(em -> new OutboxStore(em).hasPendingDeletion(REALM, "u2-name")))
                .as("delivered").isFalse();
    }

    private void insert(String userId, ChangeType type, long now) {
        inTransaction(em -> {
            new OutboxStore(em).insert(OutboxEntry.pending(REALM, userId, userId + "-name", type, null, now));
            return null;
        });
    }

    private List<Claimed> claim(String token, long now) {
        return Collections.unmodifiableList(inTransaction(em -> new OutboxStore(em).claim(token, now, now + LEASE, 50)));
    }

    private long count() {
        return inTransaction(em -> em.createQuery("select count(e) from OutboxEntry e", Long.class).getSingleResult());
    }

    private <T> T inTransaction(Function<EntityManager, T> work) {
        EntityManager em = emf.createEntityManager();
        try {
            em.getTransaction().begin();
            T result = work.apply(em);
            em.getTransaction().commit();
            return result;
        } catch (RuntimeException e) {
            if (em.getTransaction().isActive()) {
                em.getTransaction().rollback();
            }
            throw e;
        } finally {
            em.close();
        }
    }
}
