package com.claromentis.keycloak.demo;

import com.claromentis.keycloak.testing.Artifacts;
import com.claromentis.keycloak.testing.EmbeddedLdap;
import com.claromentis.keycloak.testing.KeycloakServer;
import com.claromentis.keycloak.testing.KeycloakServerOptions;
import com.claromentis.keycloak.sandbox.SandboxConfig;
import com.claromentis.keycloak.sandbox.SandboxServer;
import com.fasterxml.jackson.databind.JsonNode;
import org.keycloak.util.JsonSerialization;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;

/**
 * README command one: the demo directory, Keycloak with the bundle and the demo realm, on fixed local ports.
 *
 * <p>Everything is stopped by a shutdown hook, so Ctrl-C leaves no server behind and a second run starts clean.
 */
public final class DemoStack implements AutoCloseable {

    public static final int KEYCLOAK_PORT = 8080;
    public static final int LDAP_PORT = 10389;
    public static final int PEOPLE_API_PORT = 8090;

    private final Deque<AutoCloseable> running = new ArrayDeque<>();
    private KeycloakServer keycloak;
    private EmbeddedLdap ldap;
    private SandboxServer sandbox;
    private JsonNode syncResult;

    public static void main(String[] args) throws InterruptedException {
        DemoStack stack = new DemoStack();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nStopping the demo stack...");
            stack.close();
            stopped.countDown();
        }, "demo-shutdown"));
        try {
            stack.start(Path.of(property("demo.properties", "demo/target/demo.properties")),
                    Path.of(property("demo.work.dir", ".demo")));
        } catch (RuntimeException | LinkageError e) {
            // A missing class (a broken classpath) must end the launcher too: the directory's listener thread would
            // otherwise keep the JVM, and the terminal, waiting.
            System.err.println("The demo stack did not start: " + e);
            System.exit(1);
        }
        stack.printWelcome();
        if (args.length > 0 && args[0].equals("--smoke")) {
            System.exit(0);
        }
        stopped.await();
    }

    public void start(Path propertiesFile, Path workDir) {
        Artifacts artifacts = Artifacts.load(propertiesFile, "mvn -q package -DskipTests -pl demo -am");
        System.out.println("Starting the demo directory on ldap://127.0.0.1:" + LDAP_PORT + " ...");
        ldap = EmbeddedLdap.builder(DemoRealm.BASE_DN).ldif("demo-org.ldif").port(LDAP_PORT).start();
        running.push(ldap);
        System.out.println("Starting the People API sandbox on http://127.0.0.1:" + PEOPLE_API_PORT + " ...");
        sandbox = startSandbox(PEOPLE_API_PORT);
        running.push(sandbox);
        System.out.println("Starting Keycloak " + artifacts.keycloakVersion() + " with the bundle (about 30 s) ...");
        keycloak = KeycloakServer.start(
                artifacts.distributionZip(),
                artifacts.bundleJar(),
                workDir.resolve("keycloak"),
                KEYCLOAK_PORT,
                KeycloakServerOptions.builder().option("hostname", "http://localhost:" + KEYCLOAK_PORT).build());
        running.push(keycloak);
        System.out.println("Creating the '" + DemoRealm.NAME + "' realm and importing the directory ...");
        syncResult = DemoRealm.create(keycloak.admin(), ldap.url(), ldap.bindDn(), ldap.bindPassword(), sandbox.baseUrl());
    }

    public void printWelcome() {
        String base = "http://localhost:" + KEYCLOAK_PORT;
        System.out.println();
        System.out.println("Claromentis demo stack is running.");
        System.out.println("  Directory import:  " + syncResult.path("status").asText(syncResult.toString()));
        System.out.println("  People API import: " + syncResult.path("peopleApi").path("status").asText("-")
                + "  (HR-created people, e.g. lily.chapman)");
        System.out.println("  Admin console:     " + base + "/admin/  (user " + KeycloakServer.ADMIN_USERNAME
                + ", password " + KeycloakServer.ADMIN_PASSWORD + ")");
        System.out.println("  Claromentis page:  " + base + "/admin/master/console/#/" + DemoRealm.NAME
                + "/claromentis  (the admin console's page of the bundle's state)");
        System.out.println("  Sign in as staff:  " + base + "/realms/" + DemoRealm.NAME + "/account/  (user "
                + DemoRealm.DEMO_USER + ", password " + DemoRealm.DEMO_PASSWORD + ")");
        System.out.println("  Directory:         " + ldap.url() + "  (bind " + ldap.bindDn() + " / " + ldap.bindPassword() + ")");
        System.out.println("  People API:        " + sandbox.apiBaseUrl() + "  (Basic " + DemoRealm.PEOPLE_API_USER + " / "
                + DemoRealm.PEOPLE_API_PASSWORD + "; fault injection at " + sandbox.baseUrl() + "/_sandbox/faults)");
        System.out.println("  Provisioning:      sign in as a directory user and they appear in Claromentis: "
                + sandbox.apiBaseUrl() + "users?username=" + DemoRealm.DEMO_USER);
        System.out.println("  Keycloak log:      " + keycloak.logFile());
        System.out.println("Press Ctrl-C to stop.");
    }

    @Override
    public synchronized void close() {
        while (!running.isEmpty()) {
            try {
                running.pop().close();
            } catch (Exception e) {
                System.err.println("Could not stop a demo component cleanly: " + e.getMessage());
            }
        }
    }

    /** The People API sandbox with the people an HR system created in Claromentis. */
    public static SandboxServer startSandbox(int port) {
        try (InputStream seed = DemoStack.class.getResourceAsStream("/demo-people-api.json")) {
            SandboxServer server = SandboxServer.start(SandboxConfig.builder().port(port)
                    .basicCredentials(DemoRealm.PEOPLE_API_USER, DemoRealm.PEOPLE_API_PASSWORD).build());
            server.seed(JsonSerialization.mapper.readTree(seed));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the People API sandbox on port " + port, e);
        }
    }


    private static String property(String name, String fallback) {
        return System.getProperty(name, fallback);
    }
}
