package com.claromentis.keycloak.it.cluster;

import com.claromentis.keycloak.it.outbox.OutboxFixture;
import com.claromentis.keycloak.sandbox.Faults;
import com.claromentis.keycloak.sandbox.SandboxConfig;
import com.claromentis.keycloak.sandbox.SandboxServer;
import com.claromentis.keycloak.sandbox.SandboxUser;
import com.claromentis.keycloak.testing.EmbeddedLdap;
import com.claromentis.keycloak.testing.KeycloakAdminClient;
import com.claromentis.keycloak.testing.KeycloakServer;
import com.claromentis.keycloak.testing.LdapFederation;
import com.claromentis.keycloak.testing.LoginClient;
import com.claromentis.keycloak.testing.PeopleApiFederation;
import com.claromentis.keycloak.testing.Prometheus;
import com.claromentis.keycloak.testing.SignInResult;
import com.claromentis.keycloak.testing.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.TestInstance;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The bundle on a real production layout: two Keycloak nodes ({@code kc.sh start}, Keycloak's default Infinispan
 * clustering with JDBC_PING discovery, transport on 127.0.0.1) sharing one PostgreSQL, provisioning into the People
 * API sandbox. Started once for the class; the scenarios run in order and the crash scenarios restart what they kill.
 */
@DisplayName("Given two Keycloak nodes clustered on one PostgreSQL database")
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
class ClusterIT {

    private static final Logger LOG = Logger.getLogger(ClusterIT.class.getName());
    /** Short enough to wait out in a test, long enough that a live node never loses a claim mid-delivery. */
    private static final Duration LEASE = Duration.ofSeconds(15);

    private static TwoNodeCluster cluster;
    private static TestRealm realm;
    private static OutboxFixture outbox;

    @BeforeAll
    static void startCluster() {
        cluster = TwoNodeCluster.start(Map.of(
                "claim-lease", LEASE.toSeconds() + "s",
                "worker-threads", "4",
                "poll-interval", "1s",
                "backoff-base", "1s",
                "backoff-max", "3s"));
        realm = TestRealm.create(cluster.a, "cluster-" + UUID.randomUUID().toString().substring(0, 6));
        outbox = OutboxFixture.provisioning(realm);
    }

    @AfterAll
    static void stopCluster() {
        // The realms go with the throwaway database; only what runs in this JVM needs closing.
        try {
            if (outbox != null) {
                outbox.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    private static KeycloakAdminClient adminOn(KeycloakServer node) {
        return node.admin();
    }

    private static String realmPath() {
        return "/admin/realms/" + realm.name();
    }

    /** Restarts whichever node an earlier scenario killed, so every scenario starts with two nodes. */
    private static void bothNodesUp() {
        if (!cluster.a.isRunning()) {
            cluster.restartA();
        }
        if (!cluster.b.isRunning()) {
            cluster.restartB();
        }
    }

    @Nested
    @Order(1)
    @DisplayName("when both nodes have started")
    class Membership {

        @Test
        @DisplayName("then each node sees a cluster of two, found through the database (JDBC_PING), on 127.0.0.1 only")
        void oneClusterOfTwo() {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                for (KeycloakServer node : List.of(cluster.a, cluster.b)) {
                    String log = Files.readString(node.logFile());
                    assertThat(log).as("Keycloak's default stack").contains("with stack `jdbc-ping`");
                    assertThat(log).as("a cluster view of two members").containsPattern("ISPN000094.*\\(2\\)");
                }
            });
            assertThat(cluster.postgres.queryLong(TwoNodeCluster.DATABASE, "select count(*) from jgroups_ping"))
                    .as("members registered in the discovery table").isEqualTo(2);
            assertThat(cluster.postgres.psql(TwoNodeCluster.DATABASE, "select ip from jgroups_ping"))
                    .as("transport addresses").doesNotContain("0.0.0.0").contains("127.0.0.1");
        }
    }

    @Nested
    @Order(2)
    @DisplayName("when an administrator changes a user and the realm through node A")
    class CacheAcrossNodes {

        @Test
        @DisplayName("then node B, which had both cached, shows the new values within a second")
        void nodeBSeesTheChange() {
            bothNodesUp();
            UserRepresentation user = new UserRepresentation();
            user.setUsername("cache.alice");
            user.setEnabled(true);
            user.setFirstName("Alice");
            String id = adminOn(cluster.a).post(realmPath() + "/users", user);
            // Read through node B first, so its caches hold the old user and realm.
            assertThat(adminOn(cluster.b).get(realmPath() + "/users/" + id, UserRepresentation.class).getFirstName())
                    .isEqualTo("Alice");
            assertThat(adminOn(cluster.b).get(realmPath(), RealmRepresentation.class).getDisplayName()).isNull();

            UserRepresentation renamed = adminOn(cluster.a).get(realmPath() + "/users/" + id, UserRepresentation.class);
            renamed.setFirstName("Alicia");
            adminOn(cluster.a).put(realmPath() + "/users/" + id, renamed);
            RealmRepresentation display = new RealmRepresentation();
            display.setRealm(realm.name());
            display.setDisplayName("Cluster test realm");
            adminOn(cluster.a).put(realmPath(), display);
            Instant changed = Instant.now();

            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
                assertThat(adminOn(cluster.b).get(realmPath() + "/users/" + id, UserRepresentation.class)
                        .getFirstName()).isEqualTo("Alicia");
                assertThat(adminOn(cluster.b).get(realmPath(), RealmRepresentation.class).getDisplayName())
                        .isEqualTo("Cluster test realm");
            });
            LOG.info(() -> "Node B showed node A's changes " + Duration.between(changed, Instant.now()).toMillis()
                    + " ms after they were saved");
        }
    }

    @Nested
    @Order(3)
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("when a People API sync run through node A changes people that node B has cached")
    class SyncAcrossNodes {

        private static final int PEOPLE = 20;

        private SandboxServer hr;
        private TestRealm syncRealm;
        private String providerId;
        private SandboxUser renamed;
        private SandboxUser leaver;
        private JsonNode result;
        private long requestsWhileChecked;
        private Duration seenAfter;

        @BeforeAll
        void syncOnA() throws Exception {
            bothNodesUp();
            hr = SandboxServer.start(SandboxConfig.builder().basicCredentials("keycloak", "hr-api-password").build());
            List<Long> ids = hr.generateUsers(PEOPLE, "moved");
            syncRealm = TestRealm.create(cluster.a, "cluster-cache-" + UUID.randomUUID().toString().substring(0, 6));
            // Default freshness (300 s): node B uses its cached copies as they are, so only the cluster's invalidation
            // of the copies node A's sync changed can make it show the change within the second.
            providerId = PeopleApiFederation.basic(hr.baseUrl(), "keycloak", "hr-api-password").named("hr-cache")
                    .add(syncRealm.admin(), syncRealm.name());
            assertThat(PeopleApiFederation.sync(adminOn(cluster.a), syncRealm.name(), providerId, true)
                    .path("added").asInt()).isEqualTo(PEOPLE);
            renamed = hr.getUser(ids.get(0)).orElseThrow();
            leaver = hr.getUser(ids.get(1)).orElseThrow();
            String renamedId = idOnA(renamed.username());
            String leaverId = idOnA(leaver.username());
            // Read through node B first, so its user cache holds the imported copies. By id: a search would ask
            // Claromentis, and then node B could show what it read there rather than what node A's sync saved.
            assertThat(userOnB(renamedId).getLastName()).isEqualTo(renamed.surname());
            assertThat(userOnB(leaverId).isEnabled()).isTrue();

            hr.updateUser(renamed.id(), u -> u.toBuilder().surname("Moved-On").build());
            hr.updateUser(leaver.id(), u -> u.toBuilder().active(false).build());
            hr.addUser(SandboxUser.builder("moved.joiner").firstname("New").surname("Joiner")
                    .email("moved.joiner@example.test").build());
            result = PeopleApiFederation.sync(adminOn(cluster.a), syncRealm.name(), providerId, false);
            Instant synced = Instant.now();
            String joinerId = idOnA("moved.joiner");
            long requestsBefore = requestsToClaromentis();
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
                assertThat(userOnB(renamedId).getLastName()).isEqualTo("Moved-On");
                assertThat(userOnB(leaverId).isEnabled()).isFalse();
                assertThat(userOnB(joinerId).getUsername()).isEqualTo("moved.joiner");
            });
            seenAfter = Duration.between(synced, Instant.now());
            requestsWhileChecked = requestsToClaromentis() - requestsBefore;
            LOG.info(() -> "Node B showed node A's changed-users sync (" + result + ") " + seenAfter.toMillis()
                    + " ms after it returned, with " + requestsWhileChecked + " request(s) of its own to Claromentis");
        }

        private long requestsToClaromentis() {
            return hr.requestCounts().values().stream().mapToLong(Long::longValue).sum();
        }

        @AfterAll
        void closeSandbox() {
            if (hr != null) {
                hr.close();
            }
        }

        private String idOnA(String username) {
            UserRepresentation[] found = adminOn(cluster.a).get("/admin/realms/" + syncRealm.name()
                    + "/users?exact=true&username=" + username, UserRepresentation[].class);
            assertThat(found).as("node A's users named " + username).hasSize(1);
            return found[0].getId();
        }

        private UserRepresentation userOnB(String id) {
            return adminOn(cluster.b).get("/admin/realms/" + syncRealm.name() + "/users/" + id, UserRepresentation.class);
        }

        @Test
        @DisplayName("then node A's sync changed the renamed and the inactive person and added the newcomer")
        void syncChangedThem() {
            assertThat(result.path("ignored").asBoolean()).as(result.toString()).isFalse();
            assertThat(result.path("added").asInt()).isEqualTo(1);
            assertThat(result.path("updated").asInt()).isGreaterThanOrEqualTo(2);
            assertThat(result.path("failed").asInt()).isZero();
        }

        @Test
        @DisplayName("then node B's admin API shows the new surname, the disabled account and the newcomer within a"
                + " second, asking Claromentis at most about the three people whose cached copies the sync dropped")
        void nodeBSeesTheChanges() {
            assertThat(seenAfter).isLessThanOrEqualTo(Duration.ofSeconds(1));
            // Node B's copies of the others are still fresh (300 s) and cached: it asks nothing about them.
            assertThat(requestsWhileChecked).as("requests node B made to Claromentis while it was read")
                    .isLessThanOrEqualTo(3);
        }
    }

    @Nested
    @Order(4)
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("when 2,000 users are created, half through each node, and node B is killed (kill -9) in the middle of delivering them")
    class DeliveryThroughACrash {

        private static final int USERS = 2_000;
        private static final int DELIVERED_BEFORE_KILL = 800;

        private long usersBefore;
        private long creationsBefore;
        private long heldByBAtKill;
        private long heldByBFiveSecondsLater;
        private long deliveredAtKill;
        private Duration drain;

        @BeforeAll
        void queueDeliverAndKill() throws Exception {
            bothNodesUp();
            // What the earlier scenarios provisioned is not part of this count.
            outbox.awaitDrained(Duration.ofMinutes(1));
            usersBefore = outbox.sandbox.userCount();
            creationsBefore = outbox.requests("POST /users");
            // Slow writes while the users are created, so delivery is still going on when node B dies.
            outbox.sandbox.faults().userWriteLatency(1000);
            createUsers();
            // Still slow enough that a batch of node B's takes seconds, so the kill lands while it holds one; fast
            // enough that a batch stays well inside two thirds of the lease (no row is given back and re-claimed).
            outbox.sandbox.faults().userWriteLatency(150);
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                    .until(() -> outbox.sandbox.userCount() - usersBefore >= DELIVERED_BEFORE_KILL);

            long pidB = cluster.b.javaPid().orElseThrow();
            // A claim token starts with the JVM's "pid@host": the rows node B holds. Killed while it holds some (on a
            // busy machine node A may be between batches of its own, or B between two claims, at the count above).
            String heldByB = "select count(*) from claromentis_outbox where claimed_by like '" + pidB + "@%'";
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                    .until(() -> cluster.postgres.queryLong(TwoNodeCluster.DATABASE, heldByB) > 0);
            cluster.b.kill();
            Instant killed = Instant.now();
            deliveredAtKill = outbox.sandbox.userCount() - usersBefore;
            heldByBAtKill = cluster.postgres.queryLong(TwoNodeCluster.DATABASE, heldByB);
            outbox.sandbox.faults().userWriteLatency(20);
            Thread.sleep(Math.max(0, Duration.ofSeconds(5).minus(Duration.between(killed, Instant.now())).toMillis()));
            heldByBFiveSecondsLater = cluster.postgres.queryLong(TwoNodeCluster.DATABASE, heldByB);
            outbox.awaitDrained(Duration.ofMinutes(4));
            drain = Duration.between(killed, Instant.now());
            LOG.info(() -> "Node B died holding " + heldByBAtKill + " claims with " + deliveredAtKill + " of " + USERS
                    + " users in Claromentis; node A finished " + Duration.ofMillis(drain.toMillis()).toSeconds()
                    + " s after the kill");
        }

        private void createUsers() throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<String>> created = new ArrayList<>();
                for (int i = 0; i < USERS; i++) {
                    KeycloakServer node = i % 2 == 0 ? cluster.a : cluster.b;
                    String username = username(i);
                    created.add(pool.submit(() -> {
                        UserRepresentation user = new UserRepresentation();
                        user.setUsername(username);
                        user.setEnabled(true);
                        user.setEmail(username + "@example.test");
                        user.setFirstName("Person");
                        user.setLastName(username);
                        return adminOn(node).post(realmPath() + "/users", user);
                    }));
                }
                for (Future<String> id : created) {
                    assertThat(id.get(2, TimeUnit.MINUTES)).isNotBlank();
                }
            } finally {
                pool.shutdownNow();
            }
        }

        @Test
        @DisplayName("then every one of the 2,000 people is in Claromentis, each created exactly once, and no change is dead")
        void noLossNoDuplicate() {
            assertThat(deliveredAtKill).as("node B died mid-delivery").isLessThan(USERS);
            assertThat(outbox.sandbox.userCount() - usersBefore).isEqualTo(USERS);
            assertThat(outbox.requests("POST /users") - creationsBefore).as("creations asked of Claromentis")
                    .isEqualTo(USERS);
            List<String> missing = IntStream.range(0, USERS).mapToObj(ClusterIT::username)
                    .filter(username -> outbox.inClaromentis(username).isEmpty()).toList();
            assertThat(missing).isEmpty();
            assertThat(outbox.summary().path("dead").asLong()).isZero();
            assertThat(outbox.summary().path("pending").asLong()).isZero();
        }

        @Test
        @DisplayName("then node A delivers the changes node B held, but only once their lease has run out")
        void survivorFinishesTheDeadNodesClaims() {
            assertThat(heldByBAtKill).as("changes claimed by node B when it died").isPositive();
            assertThat(heldByBFiveSecondsLater).as("still node B's 5 s later: its lease (" + LEASE + ") runs")
                    .isEqualTo(heldByBAtKill);
            assertThat(cluster.postgres.queryLong(TwoNodeCluster.DATABASE, "select count(*) from claromentis_outbox"))
                    .as("rows left in the outbox").isZero();
        }
    }

    @Nested
    @Order(5)
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("when 100 directory users sign in for the first time on node B while Claromentis is down, and node B is"
            + " killed (kill -9) right after the last sign-in was answered")
    class DurableFirstSignIns {

        private static final int PEOPLE = 100;
        private static final String PASSWORD = "Emp-Pass-1";

        private TestRealm ldapRealm;
        private OutboxFixture ldapOutbox;
        private EmbeddedLdap ldap;
        private List<SignInResult> signIns;
        private long queuedAfterKill;

        @BeforeAll
        void signInThenKill() throws Exception {
            bothNodesUp();
            ldapRealm = TestRealm.create(cluster.a, "cluster-ldap-" + UUID.randomUUID().toString().substring(0, 6));
            ldapOutbox = OutboxFixture.provisioning(ldapRealm);
            ldap = EmbeddedLdap.builder("dc=example,dc=test").ldif("ldap/small-org.ldif").start();
            for (int i = 0; i < PEOPLE; i++) {
                String uid = "first" + i;
                ldap.directory().add("dn: uid=" + uid + ",ou=people,dc=example,dc=test",
                        "objectClass: top", "objectClass: person", "objectClass: organizationalPerson",
                        "objectClass: inetOrgPerson", "uid: " + uid, "cn: First " + i, "givenName: First",
                        "sn: Number " + i, "mail: " + uid + "@example.test", "userPassword: " + PASSWORD);
            }
            LdapFederation.addInetOrgPerson(ldapRealm.admin(), ldapRealm.name(), ldap.url(), ldap.bindDn(),
                    ldap.bindPassword(), "ou=people,dc=example,dc=test");
            ldapOutbox.sandbox.faults().outage(Faults.Outage.STATUS_503);

            signIns = signInEveryoneOnB();
            cluster.b.kill();

            String realmId = ldapRealm.representation().getId();
            queuedAfterKill = cluster.postgres.queryLong(TwoNodeCluster.DATABASE,
                    "select count(distinct user_id) from claromentis_outbox where realm_id = '" + realmId
                            + "' and change_type = 'CREATE'");
            ldapOutbox.sandbox.faults().reset();
            ldapOutbox.awaitDrained(Duration.ofMinutes(2));
        }

        @AfterAll
        void closeDirectory() {
            try {
                if (ldapOutbox != null) {
                    ldapOutbox.close();
                }
            } finally {
                if (ldap != null) {
                    ldap.close();
                }
            }
        }

        private List<SignInResult> signInEveryoneOnB() throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<SignInResult>> pending = new ArrayList<>();
                for (int i = 0; i < PEOPLE; i++) {
                    String uid = "first" + i;
                    pending.add(pool.submit(() -> new LoginClient(cluster.b.baseUrl(), ldapRealm.name()).login(uid, PASSWORD)));
                }
                List<SignInResult> results = new ArrayList<>();
                for (Future<SignInResult> result : pending) {
                    results.add(result.get(2, TimeUnit.MINUTES));
                }
                return results;
            } finally {
                pool.shutdownNow();
            }
        }

        @Test
        @DisplayName("then every sign-in succeeded, and PostgreSQL holds a queued creation for each of the 100 people")
        void nothingLost() {
            assertThat(signIns).hasSize(PEOPLE).allSatisfy(r -> assertThat(r.succeeded()).as(r.describe()).isTrue());
            assertThat(queuedAfterKill).isEqualTo(PEOPLE);
        }

        @Test
        @DisplayName("then node A delivers all 100 once Claromentis answers again, none twice")
        void survivorDeliversThem() {
            assertThat(ldapOutbox.sandbox.userCount()).isEqualTo(PEOPLE);
            assertThat(ldapOutbox.requests("POST /users")).isEqualTo(PEOPLE);
            assertThat(ldapOutbox.summary().path("dead").asLong()).isZero();
        }
    }

    @Nested
    @Order(6)
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("when a People API provider's periodic full sync (every 30 s) takes longer than its period, and so"
            + " outlasts Keycloak's own sync lock")
    class LongPeriodicSync {

        private static final int PEOPLE = 2_400;
        private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");

        private SandboxServer hr;
        private TestRealm hrRealm;
        private String provider;
        private String providerId;
        private List<SyncRun> runs;
        private long skips;

        @BeforeAll
        void syncForAWhile() throws Exception {
            bothNodesUp();
            hr = SandboxServer.start(SandboxConfig.builder().basicCredentials("keycloak", "hr-api-password").build());
            hr.generateUsers(PEOPLE, "hr");
            hrRealm = TestRealm.create(cluster.a, "cluster-sync-" + UUID.randomUUID().toString().substring(0, 6));
            provider = "hr-" + UUID.randomUUID().toString().substring(0, 6);
            providerId = PeopleApiFederation.basic(hr.baseUrl(), "keycloak", "hr-api-password").named(provider)
                    .with("fullSyncPeriod", "30")
                    // A slow Claromentis, not a broken one: no call may time out.
                    .with("readTimeoutMs", "30000")
                    .with("callTimeoutMs", "60000")
                    .add(hrRealm.admin(), hrRealm.name());
            // Twelve pages of 200 people, 5 s each: a full sync takes over a minute, twice Keycloak's lock.
            hr.faults().latency(5_000);
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                runs = syncRuns();
                skips = countInLogs("Provider '" + provider + "': full sync skipped, another node is running a sync of it");
                return skips > 0 && runs.stream().anyMatch(SyncRun::succeeded);
            });
            hr.faults().reset();
            LOG.info(() -> "Periodic syncs of " + provider + ": " + runs + "; skipped " + skips + " time(s)");
        }

        @AfterAll
        void closeSandbox() {
            if (hr != null) {
                hr.close();
            }
        }

        @Test
        @DisplayName("then a node whose timer fires while the other still syncs skips its turn: never two syncs at once")
        void neverTwoAtOnce() {
            assertThat(skips).as("turns skipped because a sync was running").isPositive();
            assertThat(runs).as("syncs that ran to the end").anyMatch(SyncRun::succeeded);
            for (int i = 0; i < runs.size(); i++) {
                for (int j = i + 1; j < runs.size(); j++) {
                    assertThat(runs.get(i).overlaps(runs.get(j))).as(runs.get(i) + " and " + runs.get(j)).isFalse();
                }
            }
        }

        @Test
        @DisplayName("then the sync that ran imported all 2,400 people once")
        void imported() {
            assertThat(cluster.postgres.queryLong(TwoNodeCluster.DATABASE,
                    "select count(*) from user_entity where federation_link = '" + providerId + "'")).isEqualTo(PEOPLE);
        }

        private List<SyncRun> syncRuns() throws java.io.IOException {
            List<SyncRun> found = new ArrayList<>();
            for (KeycloakServer node : List.of(cluster.a, cluster.b)) {
                String name = node == cluster.a ? "A" : "B";
                SyncRun open = null;
                for (String line : Files.readAllLines(node.logFile())) {
                    if (!line.contains("Provider '" + provider + "': full sync")) {
                        continue;
                    }
                    LocalDateTime at = LocalDateTime.parse(line.substring(0, 23), LOG_TIME);
                    if (line.contains("sync started on this node")) {
                        open = new SyncRun(name, at, null, false);
                        found.add(open);
                    } else if (line.contains("sync ended on this node") && open != null) {
                        found.set(found.indexOf(open), new SyncRun(name, open.start(), at, !line.contains("ended on this node: failed")));
                        open = null;
                    }
                }
            }
            return found;
        }

        private long countInLogs(String text) throws java.io.IOException {
            long count = 0;
            for (KeycloakServer node : List.of(cluster.a, cluster.b)) {
                count += Files.readAllLines(node.logFile()).stream().filter(line -> line.contains(text)).count();
            }
            return count;
        }
    }

    @Nested
    @Order(7)
    @DisplayName("when Prometheus scrapes the nodes' management ports (metrics-enabled)")
    class Metrics {

        @Test
        @DisplayName("then /metrics shows the outbox's counters by change type, its depth and oldest age, the delivery"
                + " latency histogram and the sync runs, with no user, realm or component as a label")
        void outboxMeters() throws Exception {
            bothNodesUp();
            // The gauges are refreshed by the worker's rounds (every poll interval here: 1 s).
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> !Prometheus.scrape(cluster.a).lines().contains("claromentis_outbox_depth NaN"));
            Prometheus a = Prometheus.scrape(cluster.a);
            Prometheus b = Prometheus.scrape(cluster.b);
            List<String> ours = a.lines();

            assertThat(a.value("claromentis_outbox_delivered_total{type=\"create\"}")).as("creations node A delivered")
                    .isGreaterThanOrEqualTo(1000);
            assertThat(a.value("claromentis_outbox_queued_total{type=\"create\"}")).isPositive();
            assertThat(ours).anyMatch(line -> line.startsWith("claromentis_outbox_retried_total{type="));
            assertThat(ours).anyMatch(line -> line.startsWith("claromentis_outbox_dead_total{type="));
            assertThat(a.value("claromentis_outbox_depth")).as("nothing waits").isZero();
            assertThat(a.value("claromentis_outbox_oldest_age_seconds")).isZero();
            assertThat(ours).anyMatch(line -> line.startsWith("claromentis_outbox_delivery_latency_seconds_bucket{"));
            assertThat(a.value("claromentis_outbox_delivery_latency_seconds_count")).isGreaterThanOrEqualTo(1000);
            // The long sync of scenario 6 ran on one node and was skipped at least once on the other.
            assertThat(a.sum("claromentis_sync_runs_total", "outcome=\"success\"", "kind=\"full\"",
                    "provider=\"claromentis-people-api\"") + b.sum("claromentis_sync_runs_total",
                    "outcome=\"success\"", "kind=\"full\"", "provider=\"claromentis-people-api\"")).isGreaterThanOrEqualTo(1);
            assertThat(a.sum("claromentis_sync_runs_total", "outcome=\"skipped\"")
                    + b.sum("claromentis_sync_runs_total", "outcome=\"skipped\"")).isGreaterThanOrEqualTo(1);
            assertThat(a.sum("claromentis_sync_users_total", "change=\"added\"")
                    + b.sum("claromentis_sync_users_total", "change=\"added\"")).isGreaterThanOrEqualTo(2_400);
            assertThat(a.sum("claromentis_people_api_requests_total", "operation=\"POST /users\"",
                    "outcome=\"success\"")).as("node A's creations").isPositive();
            // Bounded cardinality: change type, the histogram's buckets, the syncs' provider type, kind, outcome, and
            // the People API requests' operation template.
            assertThat(ours.stream().filter(line -> line.contains("{"))
                    .map(line -> line.substring(line.indexOf('{') + 1, line.indexOf('}')))
                    .flatMap(labels -> java.util.Arrays.stream(labels.split(",")))
                    .map(label -> label.substring(0, label.indexOf('=')))
                    .collect(java.util.stream.Collectors.toSet()))
                    .isSubsetOf("type", "le", "provider", "kind", "outcome", "change", "operation");
            List<String> both = new ArrayList<>(ours);
            both.addAll(b.lines());
            assertThat(both).as("no user, realm or component in a label")
                    .noneMatch(line -> line.contains("cluster0") || line.contains("cluster-") || line.contains("hr-"));
        }
    }

    @Nested
    @Order(8)
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("when both nodes are killed (kill -9) while changes wait for Claromentis, and only node B is started again")
    class BacklogAfterRestart {

        private static final int USERS = 50;

        private long waitingAtCrash;
        private long creationsBefore;

        @BeforeAll
        void crashBothThenStartB() {
            bothNodesUp();
            outbox.awaitDrained(Duration.ofMinutes(1));
            creationsBefore = outbox.requests("POST /users");
            outbox.sandbox.faults().outage(Faults.Outage.STATUS_503);
            IntStream.range(0, USERS).forEach(i -> {
                UserRepresentation user = new UserRepresentation();
                user.setUsername("backlog" + i);
                user.setEnabled(true);
                user.setEmail("backlog" + i + "@example.test");
                adminOn(cluster.a).post(realmPath() + "/users", user);
            });
            cluster.a.kill();
            cluster.b.kill();
            waitingAtCrash = cluster.postgres.queryLong(TwoNodeCluster.DATABASE,
                    "select count(*) from claromentis_outbox where username like 'backlog%'");
            outbox.sandbox.faults().reset();
            cluster.restartB();
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                    .until(() -> IntStream.range(0, USERS).allMatch(i -> outbox.inClaromentis("backlog" + i).isPresent()));
            // A batch's rows are removed in one transaction once all of its deliveries are done, a moment after the
            // last person arrived.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> cluster.postgres.queryLong(TwoNodeCluster.DATABASE,
                            "select count(*) from claromentis_outbox where username like 'backlog%'") == 0);
        }

        @Test
        @DisplayName("then node B alone delivers the whole backlog, each person once, and no change is left waiting")
        void restartedNodeResumes() {
            assertThat(waitingAtCrash).as("changes waiting when both nodes died").isEqualTo(USERS);
            assertThat(outbox.requests("POST /users") - creationsBefore).isEqualTo(USERS);
            assertThat(cluster.postgres.queryLong(TwoNodeCluster.DATABASE,
                    "select count(*) from claromentis_outbox where username like 'backlog%'")).isZero();
        }
    }

    /** One sync of the provider on one node, from its log; {@code end} is null while it runs. */
    record SyncRun(String node, LocalDateTime start, LocalDateTime end, boolean succeeded) {

        boolean overlaps(SyncRun other) {
            LocalDateTime thisEnd = end == null ? LocalDateTime.MAX : end;
            LocalDateTime otherEnd = other.end == null ? LocalDateTime.MAX : other.end;
            return start.isBefore(otherEnd) && other.start.isBefore(thisEnd);
        }
    }

    static String username(int i) {
        return String.format("cluster%04d", i);
    }
}
