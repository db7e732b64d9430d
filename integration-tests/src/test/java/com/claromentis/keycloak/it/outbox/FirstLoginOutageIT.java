package com.claromentis.keycloak.it.outbox;

import com.claromentis.keycloak.sandbox.Faults;
import com.claromentis.keycloak.testing.EmbeddedLdap;
import com.claromentis.keycloak.testing.LdapFederation;
import com.claromentis.keycloak.testing.LoginClient;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.SignInResult;
import com.claromentis.keycloak.testing.TestRealm;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldif.LDIFException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

@RealKeycloak
@DisplayName("Given a realm that provisions directory users on their first sign-in, and Claromentis down")
class FirstLoginOutageIT {

    private static final int PEOPLE = 500;
    private static final String PASSWORD = "Emp-Pass-1";
    private static OutboxFixture outbox;
    private static EmbeddedLdap ldap;

    @BeforeAll
    static void setUp(TestRealm realm) throws LDAPException, LDIFException {
        outbox = OutboxFixture.provisioning(realm);
        ldap = EmbeddedLdap.builder("dc=example,dc=test").ldif("ldap/small-org.ldif").start();
        for (int i = 0; i < PEOPLE; i++) {
            String uid = username(i);
            ldap.directory().add("dn: uid=" + uid + ",ou=people,dc=example,dc=test",
                    "objectClass: top", "objectClass: person", "objectClass: organizationalPerson",
                    "objectClass: inetOrgPerson", "uid: " + uid, "cn: Employee " + i, "givenName: Employee",
                    "sn: Number " + i, "mail: " + uid + "@example.test", "userPassword: " + PASSWORD);
        }
        LdapFederation.addInetOrgPerson(realm.admin(), realm.name(), ldap.url(), ldap.bindDn(), ldap.bindPassword(),
                "ou=people,dc=example,dc=test");
    }

    @AfterAll
    static void tearDown() {
        if (ldap != null) {
            ldap.close();
        }
    }

    @Nested
    @DisplayName("when 500 people sign in for the first time while the People API answers 503")
    class Outage {

        @Test
        @DisplayName("then every sign-in succeeds, Keycloak stays ready, and once Claromentis is back all 500 reach it, none twice")
        void allArriveOnceAfterTheOutage(TestRealm realm) throws InterruptedException, ExecutionException {
            outbox.sandbox.faults().outage(Faults.Outage.STATUS_503);

            List<SignInResult> results = signInEveryone(realm);

            assertThat(results).hasSize(PEOPLE).allSatisfy(r -> assertThat(r.succeeded()).as(r.describe()).isTrue());
            assertThat(outbox.sandbox.userCount()).as("nothing reached Claromentis during the outage").isZero();
            assertThat(outbox.summary().path("pending").asLong()).isEqualTo(PEOPLE);
            // Sign-in does not depend on Claromentis, so neither does readiness: a load balancer keeps the node.
            assertThat(readiness(realm)).as("/health/ready while Claromentis is down").isEqualTo(200);

            outbox.sandbox.faults().reset();
            outbox.awaitDrained(Duration.ofMinutes(5));

            assertThat(outbox.sandbox.userCount()).isEqualTo(PEOPLE);
            assertThat(outbox.requests("POST /users")).as("each person created exactly once").isEqualTo(PEOPLE);
            assertThat(outbox.summary().path("dead").asLong()).isZero();
            assertThat(outbox.inClaromentis(username(PEOPLE - 1)).orElseThrow().email())
                    .isEqualTo(username(PEOPLE - 1) + "@example.test");
        }
    }

    private static List<SignInResult> signInEveryone(TestRealm realm) throws InterruptedException, ExecutionException {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<SignInResult>> pending = new ArrayList<>();
            for (int i = 0; i < PEOPLE; i++) {
                String uid = username(i);
                pending.add(pool.submit(() -> new LoginClient(realm.server().baseUrl(), realm.name()).login(uid, PASSWORD)));
            }
            List<SignInResult> results = new ArrayList<>();
            for (Future<SignInResult> result : pending) {
                results.add(result.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private static int readiness(TestRealm realm) throws InterruptedException {
        try {
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                                    java.net.URI.create(realm.server().managementUrl() + "/health/ready")).build(),
                            java.net.http.HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot ask " + realm.server().managementUrl() + " for readiness", e);
        }
    }

    private static String username(int i) {
        return String.format("emp%03d", i);
    }
}
