package com.claromentis.keycloak.it.cluster;

import com.claromentis.keycloak.testing.KeycloakExtension;
import com.claromentis.keycloak.testing.KeycloakServer;
import com.claromentis.keycloak.testing.KeycloakServerOptions;
import com.claromentis.keycloak.testing.Postgres;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.logging.Logger;

/**
 * Two Keycloak nodes as a site runs them: {@code kc.sh start} from the distribution with the bundle, one PostgreSQL
 * database, Keycloak's default Infinispan cache ({@code cache=ispn}) with its default JGroups stack, which discovers
 * members through the database (JDBC_PING). Everything is bound to 127.0.0.1: the HTTP and management ports and
 * the cluster transport ({@code cache-embedded-network-bind-address}), each node with its own ports.
 */
public final class TwoNodeCluster implements AutoCloseable {

    /**
     * The options that make two nodes a cluster on one database, as every site (and docker/compose.yaml) sets them:
     * PostgreSQL, and Keycloak's production default cache ({@code ispn}, against the harness's single-node
     * {@code cache=local}) with no stack named, so the default jdbc-ping finds the other node through the database.
     * Only what is host-specific (ports, the loopback transport address) is added per node below.
     */
    public static final java.util.Map<String, String> CLUSTER_OPTIONS = java.util.Map.of("db", "postgres", "cache", "ispn");

    private static final Logger LOG = Logger.getLogger(TwoNodeCluster.class.getName());
    static final String DATABASE = "keycloak";

    final Postgres postgres;
    final KeycloakServer a;
    final KeycloakServer b;
    private final KeycloakServerOptions optionsA;
    private final KeycloakServerOptions optionsB;

    private TwoNodeCluster(Postgres postgres, KeycloakServer a, KeycloakServer b, KeycloakServerOptions optionsA,
                           KeycloakServerOptions optionsB) {
        this.postgres = postgres;
        this.a = a;
        this.b = b;
        this.optionsA = optionsA;
        this.optionsB = optionsB;
    }

    /**
     * Starts PostgreSQL, then node A (which creates the schema) and then node B, each unpacking, building and
     * starting its own copy of the distribution.
     *
     * @param outboxOptions {@code spi-events-listener--claromentis-provisioning--*} settings, without the prefix
     */
    static TwoNodeCluster start(java.util.Map<String, String> outboxOptions) {
        Postgres postgres = Postgres.start();
        try {
            String url = postgres.createDatabase(DATABASE);
            KeycloakServerOptions optionsA = nodeOptions(url, outboxOptions);
            KeycloakServerOptions optionsB = nodeOptions(url, outboxOptions);
            Path work = Path.of(System.getProperty(KeycloakExtension.WORK_DIR_PROPERTY, "target/keycloak"))
                    .resolveSibling("keycloak-cluster");
            Path zip = Path.of(required(KeycloakExtension.DIST_ZIP_PROPERTY));
            Path bundle = Path.of(required(KeycloakExtension.BUNDLE_JAR_PROPERTY));
            long begin = System.nanoTime();
            // Node A first: two nodes starting at once on an empty database can both try to create Liquibase's own
            // changelog table before Keycloak's database lock exists ("relation databasechangelog already exists"
            // in a clean-clone run), so B starts once A has created the schema.
            CompletableFuture<KeycloakServer> a = CompletableFuture.supplyAsync(
                    () -> KeycloakServer.start(zip, bundle, work.resolve("node-a"), 0, optionsA));
            CompletableFuture<KeycloakServer> b = a.thenApply(
                    started -> KeycloakServer.start(zip, bundle, work.resolve("node-b"), 0, optionsB));
            try {
                CompletableFuture.allOf(a, b).join();
            } catch (CompletionException e) {
                // Whichever node did start must not outlive the test run.
                List.of(a, b).forEach(node -> node.thenAccept(KeycloakServer::close));
                throw e;
            }
            TwoNodeCluster cluster = new TwoNodeCluster(postgres, a.join(), b.join(), optionsA, optionsB);
            LOG.info(() -> "Two-node cluster on PostgreSQL port " + postgres.port() + " ready after "
                    + Duration.ofNanos(System.nanoTime() - begin).toSeconds() + " s: " + cluster.a.baseUrl() + " and "
                    + cluster.b.baseUrl());
            return cluster;
        } catch (RuntimeException e) {
            postgres.close();
            throw e;
        }
    }

    /** Starts node B again on its ports and configuration, e.g. after {@link KeycloakServer#kill()}. */
    void restartB() {
        b.restart(optionsB);
    }

    void restartA() {
        a.restart(optionsA);
    }

    private static KeycloakServerOptions nodeOptions(String jdbcUrl, java.util.Map<String, String> outboxOptions) {
        KeycloakServerOptions.Builder options = KeycloakServerOptions.builder();
        CLUSTER_OPTIONS.forEach(options::option);
        options.option("db-url", jdbcUrl)
                .option("db-username", Postgres.USERNAME)
                .option("db-password", Postgres.PASSWORD)
                // Both nodes share this host: the transport stays on loopback (a container has an interface of its own).
                .option("cache-embedded-network-bind-address", "127.0.0.1")
                .option("cache-embedded-network-bind-port", Integer.toString(KeycloakServer.freePort()))
                // Two JVMs beside the suite's own server on two cores: keep the heap modest.
                .environment("JAVA_OPTS_KC_HEAP", "-Xms128m -Xmx768m");
        outboxOptions.forEach((key, value) -> options.option("spi-events-listener--claromentis-provisioning--" + key, value));
        return options.build();
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank() || value.contains("${")) {
            throw new IllegalStateException("System property " + property
                    + " is not set: run the integration tests through Maven (`mvn verify`), which sets it");
        }
        return value;
    }

    @Override
    public void close() {
        try {
            CompletableFuture.allOf(CompletableFuture.runAsync(a::close), CompletableFuture.runAsync(b::close)).join();
        } finally {
            postgres.close();
        }
    }
}
