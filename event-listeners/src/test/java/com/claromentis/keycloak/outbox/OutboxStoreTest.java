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

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store's JPQL on H2 (the engine of Keycloak's dev-file database), with the table created by the real Liquibase
 * changelog and Hibernate validating the entity against it.
 */
@DisplayName("Outbox store: claiming, ordering and dead letters")
class OutboxStoreTest {

    private static final String URL = "jdbc:h2:mem:outbox-store;DB_CLOSE_DELAY=-1";
    private static final String REALM = "realm-1";
    private static final long LEASE = 60_000;

    private static EntityManagerFactory emf;

    @BeforeAll
    static void createSchema() throws Exception {
        try (Connection connection = DriverManager.getConnection(URL)) {
            Database database = DatabaseFactory.getInstance()
                    .findCorrectDatabaseImplementation(new JdbcConnection(connection));
            new CommandScope(UpdateCommandStep.COMMAND_NAME)
                    .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                    .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, new OutboxJpaEntities().getChangelogLocation())
                    .execute();
        }
        emf = new HibernatePersistenceConfiguration("outbox-test")
                .managedClass(OutboxEntry.class)
                .jdbcUrl(URL)
                .jdbcPoolSize(8)
                .schemaToolingAction(Action.VALIDATE)
                .createEntityManagerFactory();
    }

    @AfterAll
    static void close() {
        if (emf != null) {
            emf.close();
        }
    }

    @BeforeEach
    void empty() {
        inTransaction(em -> em.createQuery("delete from OutboxEntry").executeUpdate());
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
        assertThat(OutboxStoreTest.<Boolean>inTransaction(em -> new OutboxStore(em).complete(lost))).isFalse();
        assertThat(OutboxStoreTest.<Boolean>inTransaction(em -> new OutboxStore(em).complete(takenOver.get(0)))).isTrue();
        assertThat(count()).isZero();
    }

    @Test
    @DisplayName("a claim based on a stale read (another node changed the row meanwhile) updates nothing")
    void staleVersionLoses() {
        insert("u1", ChangeType.UPDATE, 1000);
        OutboxEntry stale = inTransaction(em -> em.createQuery("select e from OutboxEntry e", OutboxEntry.class)
                .getSingleResult());
        Claimed claimed = claim("node-a", 2000).get(0);
        inTransaction(em -> new OutboxStore(em).fail(claimed, 1, false, 2000, "503"));

        int updated = inTransaction(em -> em.createQuery("update OutboxEntry e set e.claimedBy = 'node-b'"
                        + " where e.id = :id and e.version = :version")
                .setParameter("id", stale.getId())
                .setParameter("version", stale.getVersion())
                .executeUpdate());

        assertThat(updated).isZero();
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
        inTransaction(em -> new OutboxStore(em).fail(failing, 1, false, 60_000, "HTTP 503"));

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
        inTransaction(em -> new OutboxStore(em).fail(rejected, 1, true, 2000, "HTTP 400: email is not an email address"));

        assertThat(claim("node-a", 2001)).extracting(Claimed::type).containsExactly(ChangeType.MANAGER);
        List<OutboxEntry> dead = inTransaction(em -> new OutboxStore(em).deadLetters(REALM, 0, 10));
        assertThat(dead).singleElement().satisfies(entry -> {
            assertThat(entry.getLastError()).contains("HTTP 400");
            assertThat(entry.getAttempts()).isEqualTo(1);
        });
        assertThat(OutboxStoreTest.<java.util.Map<String, Long>>inTransaction(em -> new OutboxStore(em).counts(REALM)))
                .containsEntry(OutboxEntry.DEAD, 1L).containsEntry(OutboxEntry.PENDING, 1L);

        assertThat(OutboxStoreTest.<Boolean>inTransaction(em -> new OutboxStore(em).replay("other-realm", rejected.id(), 9000))).isFalse();
        assertThat(OutboxStoreTest.<Boolean>inTransaction(em -> new OutboxStore(em).replay(REALM, rejected.id(), 9000))).isTrue();
        OutboxEntry replayed = inTransaction(em -> em.find(OutboxEntry.class, rejected.id()));
        assertThat(replayed.getStatus()).isEqualTo(OutboxEntry.PENDING);
        assertThat(replayed.getAttempts()).isZero();
        assertThat(replayed.getQueuedAt()).isEqualTo(9000);
        assertThat(replayed.getCreatedAt()).isEqualTo(1000);

        Claimed again = claim("node-a", 9000 + LEASE + 1).stream().filter(r -> r.id() == rejected.id()).findFirst()
                .orElseThrow();
        inTransaction(em -> new OutboxStore(em).fail(again, 1, true, 0, "still wrong"));
        assertThat(OutboxStoreTest.<Boolean>inTransaction(em -> new OutboxStore(em).discard(REALM, rejected.id()))).isTrue();
        assertThat(OutboxStoreTest.<List<OutboxEntry>>inTransaction(em -> new OutboxStore(em).deadLetters(REALM, 0, 10))).isEmpty();
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
                        // H2 may refuse a conflicting update outright instead of updating nothing: that node lost.
                        assertThat(e).hasStackTraceContaining("Concurrent update");
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
    @DisplayName("removing a realm drops its undelivered changes")
    void realmRemoval() {
        insert("u1", ChangeType.UPDATE, 1000);

        assertThat(OutboxStoreTest.<Integer>inTransaction(em -> new OutboxStore(em).deleteRealm(REALM))).isEqualTo(1);
        assertThat(count()).isZero();
    }

    private static void insert(String userId, ChangeType type, long now) {
        inTransaction(em -> {
            new OutboxStore(em).insert(OutboxEntry.pending(REALM, userId, userId + "-name", type, null, now));
            return null;
        });
    }

    private static List<Claimed> claim(String token, long now) {
        return Collections.unmodifiableList(inTransaction(em -> new OutboxStore(em).claim(token, now, now + LEASE, 50)));
    }

    private static long count() {
        return inTransaction(em -> em.createQuery("select count(e) from OutboxEntry e", Long.class).getSingleResult());
    }

    private static <T> T inTransaction(Function<EntityManager, T> work) {
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
