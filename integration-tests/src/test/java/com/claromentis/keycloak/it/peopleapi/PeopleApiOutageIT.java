package com.claromentis.keycloak.it.peopleapi;

import com.claromentis.keycloak.sandbox.Faults;
import com.claromentis.keycloak.sandbox.SandboxConfig;
import com.claromentis.keycloak.sandbox.SandboxServer;
import com.claromentis.keycloak.sandbox.SandboxUser;
import com.claromentis.keycloak.testing.SignInResult;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;
import org.keycloak.representations.idm.UserRepresentation;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@RealKeycloak
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
@DisplayName("Given imported Claromentis people who sign in with a Keycloak password")
class PeopleApiOutageIT {

    private static final String PASSWORD = "Ola-Pass-2026!";
    private static final String UNREACHABLE = "Claromentis is not reachable right now";

    private static SandboxServer sandbox;
    private static String componentId;

    @BeforeAll
    static void importPeople(TestRealm realm) throws IOException {
        sandbox = SandboxServer.start(SandboxConfig.builder()
                .basicCredentials(PeopleApiComponent.API_USER, PeopleApiComponent.API_PASSWORD).build());
        sandbox.addUser(SandboxUser.builder("ola").firstname("Ola").surname("Nordmann").email("ola@example.org")
                .jobTitle("Accountant").office("Oslo").build());
        sandbox.addUser(SandboxUser.builder("kari").firstname("Kari").surname("Nordmann").email("kari@example.org").build());
        // Every sign-in asks Claromentis (freshness 0) and is refused when it cannot.
        componentId = PeopleApiComponent.against(sandbox).with("freshnessSeconds", "0").with("whenUnavailable", "refuse")
                .with("maxAttempts", "2").add(realm);
        JsonNode result = PeopleApiComponent.fullSync(realm, componentId);
        assertThat(result.path("added").asInt()).isEqualTo(2);
        PeopleApiComponent.setPassword(realm.admin(), realm, realm.findUser("ola").orElseThrow().getId(), PASSWORD);
    }

    @AfterAll
    static void stopSandbox() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @AfterEach
    void heal() {
        sandbox.faults().reset();
    }

    /** Keycloak's record of the last sync (one per sync mode in 26.x): a changed-users sync starts from it. */
    private static int lastSync(TestRealm realm) {
        JsonNode config = realm.admin().get(realm.adminPath() + "/components/" + componentId).path("config");
        int latest = 0;
        for (var names = config.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (name.startsWith("lastSync")) {
                latest = Math.max(latest, config.path(name).path(0).asInt(0));
            }
        }
        return latest;
    }

    private static void assertNothingLost(TestRealm realm) {
        sandbox.faults().reset();
        UserRepresentation ola = realm.findUser("ola").orElseThrow();
        assertThat(ola.isEnabled()).isTrue();
        assertThat(ola.getEmail()).isEqualTo("ola@example.org");
        assertThat(ola.getAttributes()).containsEntry("jobTitle", List.of("Accountant")).containsEntry("office", List.of("Oslo"));
        assertThat(realm.findUser("kari")).isPresent();
        SignInResult after = realm.loginClient().login("ola", PASSWORD);
        assertThat(after.succeeded()).as(after.error()).isTrue();
    }

    /**
     * Keycloak 26.7 catches any exception from a provider's validation of an imported user and hands the sign-in a
     * disabled "storage unavailable" copy, so a known person whose refresh fails sees Keycloak's own "account is
     * disabled" form error (HTTP 200), never a 500; only a lookup of someone Keycloak has not imported reaches the
     * provider's own page.
     */
    @Nested
    @Order(1)
    @DisplayName("when Claromentis is down during a sign-in and the provider refuses unchecked sign-ins")
    class RefuseWhenDown {

        private void assertRefusedWithoutServerError(SignInResult login) {
            assertThat(login.succeeded()).isFalse();
            assertThat(login.status()).isNotEqualTo(500).isLessThan(500);
            assertThat(login.page()).doesNotContain("Unexpected error");
        }

        @Test
        @DisplayName("then a known person is refused without a server error, and nothing is lost")
        void knownPersonRefused(TestRealm realm) {
            sandbox.faults().outage(Faults.Outage.CLOSE_CONNECTION);

            SignInResult login = realm.loginClient().login("ola", PASSWORD);

            assertRefusedWithoutServerError(login);
            assertThat(realm.findUser("ola")).as("the user is kept during the outage").isPresent();
            assertNothingLost(realm);
        }

        @Test
        @DisplayName("then an HTML 502 from a proxy is refused the same way")
        void htmlBadGateway(TestRealm realm) {
            sandbox.faults().errorRate(1.0, 502);

            assertRefusedWithoutServerError(realm.loginClient().login("ola", PASSWORD));
            assertNothingLost(realm);
        }

        @Test
        @DisplayName("then a truncated (malformed) answer is refused the same way")
        void truncated(TestRealm realm) {
            sandbox.faults().truncateNext(10);

            assertRefusedWithoutServerError(realm.loginClient().login("ola", PASSWORD));
            assertNothingLost(realm);
        }

        @Test
        @DisplayName("then a person Keycloak never saw sees 'Claromentis is not reachable right now' rather than 'invalid username'")
        void unknownPerson(TestRealm realm) {
            sandbox.addUser(SandboxUser.builder("new.face").firstname("New").surname("Face").email("new@example.org").build());
            sandbox.faults().outage(Faults.Outage.STATUS_503);

            SignInResult login = realm.loginClient().login("new.face", "whatever-1");

            assertThat(login.status()).as("unavailable, not a client error").isEqualTo(503);
            assertThat(login.page()).contains(UNREACHABLE).contains("id=\"claromentis-refusal-reference\"");
        }
    }

    @Nested
    @Order(2)
    @DisplayName("when the administrator syncs while Claromentis is down or answers garbage")
    class SyncWhenDown {

        @Test
        @DisplayName("then a full sync during an outage reports the failure and removes nobody")
        void outage(TestRealm realm) {
            sandbox.faults().outage(Faults.Outage.STATUS_503);

            JsonNode result = PeopleApiComponent.fullSync(realm, componentId);

            assertThat(result.path("failed").asInt()).isPositive();
            assertThat(result.path("removed").asInt()).isZero();
            assertThat(result.path("status").asText()).contains("Claromentis could not be read").contains("no user was removed");
            assertNothingLost(realm);
        }

        @Test
        @DisplayName("then a truncated page during a full sync reports the failure and removes nobody")
        void truncated(TestRealm realm) {
            sandbox.faults().truncateNext(1);

            JsonNode result = PeopleApiComponent.fullSync(realm, componentId);

            assertThat(result.path("failed").asInt()).isPositive();
            assertThat(result.path("removed").asInt()).isZero();
            assertNothingLost(realm);
        }

        @Test
        @DisplayName("then a changed-users sync during an outage reports the failure and keeps its starting point")
        void changedSyncKeepsMarker(TestRealm realm) {
            int before = lastSync(realm);
            sandbox.faults().outage(Faults.Outage.CLOSE_CONNECTION);

            JsonNode result = PeopleApiComponent.changedSync(realm, componentId);

            assertThat(result.path("failed").asInt()).isPositive();
            assertThat(lastSync(realm)).isEqualTo(before);
            assertNothingLost(realm);
        }
    }

    @Nested
    @Order(3)
    @DisplayName("when the provider is set to use the imported copy while Claromentis is down")
    class UseCached {

        @Test
        @DisplayName("then a known person signs in during the outage, and afterwards nothing was lost")
        void signsIn(TestRealm realm) {
            PeopleApiComponent.update(realm, componentId, "whenUnavailable", "use-cached");
            sandbox.faults().outage(Faults.Outage.CLOSE_CONNECTION);

            SignInResult login = realm.loginClient().login("ola", PASSWORD);

            assertThat(login.succeeded()).as(login.error()).isTrue();
            assertNothingLost(realm);
        }
    }
}
