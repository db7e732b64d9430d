package com.claromentis.keycloak.it.demo;

import com.claromentis.keycloak.demo.DemoRealm;
import com.claromentis.keycloak.demo.DemoStack;
import com.claromentis.keycloak.sandbox.SandboxServer;
import com.claromentis.keycloak.testing.EmbeddedLdap;
import com.claromentis.keycloak.testing.KeycloakServer;
import com.claromentis.keycloak.testing.LoginClient;
import com.claromentis.keycloak.testing.SignInResult;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo realm as README command one sets it up, on the suite's Keycloak. */
@RealKeycloak
@DisplayName("Given the demo realm set up by the demo stack")
class DemoStackIT {

    private static EmbeddedLdap ldap;
    private static SandboxServer sandbox;
    private static JsonNode sync;

    @BeforeAll
    static void startDemo(KeycloakServer server) {
        ldap = EmbeddedLdap.builder(DemoRealm.BASE_DN).ldif("demo-org.ldif").start();
        sandbox = DemoStack.startSandbox(0);
        sync = DemoRealm.create(server.admin(), ldap.url(), ldap.bindDn(), ldap.bindPassword(), sandbox.baseUrl());
    }

    @AfterAll
    static void stop(KeycloakServer server) {
        // The directory sync's changes are delivered once it is quiet; let them arrive before the realm goes.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(120)).until(() -> server.admin()
                .get("/admin/realms/" + DemoRealm.NAME + "/claromentis-outbox").path("pending").asLong() == 0);
        server.admin().deleteRealm(DemoRealm.NAME);
        ldap.close();
        sandbox.close();
    }

    @Nested
    @DisplayName("when the directory has been imported")
    class Imported {

        @Test
        @DisplayName("then every person of the demo organisation is a Keycloak user")
        void everyoneIsImported(KeycloakServer server) {
            assertThat(sync.path("added").asInt()).isGreaterThanOrEqualTo(60);
            assertThat(sync.path("failed").asInt()).isZero();
        }

        @Test
        @DisplayName("then the people HR created in Claromentis are imported too, inactive ones disabled")
        void hrPeopleAreImported(KeycloakServer server) {
            assertThat(sync.path("peopleApi").path("added").asInt()).isEqualTo(8);
            UserRepresentation lily = user(server, "lily.chapman");
            UserRepresentation paul = user(server, "paul.hendry");

            assertThat(lily.isEnabled()).isTrue();
            assertThat(lily.getAttributes()).containsEntry("jobTitle", List.of("Graduate Software Engineer"));
            assertThat(paul.isEnabled()).isFalse();
        }

        @Test
        @DisplayName("then the demo user carries job title, office, department and phone")
        void demoUserHasProfile(KeycloakServer server) {
            UserRepresentation[] found = server.admin().get("/admin/realms/" + DemoRealm.NAME
                    + "/users?exact=true&username=" + DemoRealm.DEMO_USER, UserRepresentation[].class);

            assertThat(found).hasSize(1);
            UserRepresentation jane = found[0];
            assertThat(jane.getFirstName()).isEqualTo("Jane");
            assertThat(jane.getAttributes()).containsEntry("jobTitle", List.of("Engineering Manager"))
                    .containsEntry("office", List.of("London"))
                    .containsEntry("department", List.of("Engineering"))
                    .containsEntry("manager", List.of("david.clarke"))
                    .containsKey("phone");
        }

        @Test
        @DisplayName("then the directory's people reach Claromentis through the directory sync, manager included, before anyone signs in")
        void directoryReachesClaromentis() {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(120))
                    .until(() -> sandbox.findUserByUsername(DemoRealm.DEMO_USER).map(u -> u.managerId() != null).orElse(false));
            var jane = sandbox.findUserByUsername(DemoRealm.DEMO_USER).orElseThrow();
            assertThat(jane.office()).isEqualTo("London");
            assertThat(jane.managerId()).isEqualTo(sandbox.findUserByUsername("david.clarke").orElseThrow().id());
        }

        @Test
        @DisplayName("then the demo user is in the directory's groups")
        void demoUserHasGroups(KeycloakServer server) {
            String id = server.admin().get("/admin/realms/" + DemoRealm.NAME + "/users?exact=true&username="
                    + DemoRealm.DEMO_USER, UserRepresentation[].class)[0].getId();
            GroupRepresentation[] groups = server.admin().get("/admin/realms/" + DemoRealm.NAME + "/users/" + id + "/groups",
                    GroupRepresentation[].class);

            assertThat(Arrays.stream(groups).map(GroupRepresentation::getName))
                    .contains("Engineering", "All Staff", "Managers", "London Office");
        }

        @Test
        @DisplayName("then the demo user's directory groups and role groups reach Claromentis's groups and roles, and her realm roles")
        void groupsAndRolesReachClaromentis(KeycloakServer server) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(120)).untilAsserted(() -> {
                long jane = sandbox.findUserByUsername(DemoRealm.DEMO_USER).orElseThrow().id();
                assertThat(sandbox.groups().stream().filter(g -> g.members().contains(jane)).map(g -> g.name()))
                        .contains("Engineering", "All Staff", "Managers", "London Office");
                assertThat(sandbox.roles().stream().filter(r -> r.members().contains(jane)).map(r -> r.name()))
                        .contains("Intranet Editors", "Line Managers");
            });
            String id = user(server, DemoRealm.DEMO_USER).getId();
            JsonNode roles = server.admin().get("/admin/realms/" + DemoRealm.NAME + "/users/" + id + "/role-mappings/realm");
            assertThat(roles.toString()).contains("Intranet Editors").contains("Line Managers");
        }
    }

    private static UserRepresentation user(KeycloakServer server, String username) {
        UserRepresentation[] found = server.admin().get("/admin/realms/" + DemoRealm.NAME + "/users?exact=true&username="
                + username, UserRepresentation[].class);
        assertThat(found).as(username).hasSize(1);
        return found[0];
    }

    @Nested
    @DisplayName("when the demo user signs in to the account console with the printed credentials")
    class DemoSignIn {

        @Test
        @DisplayName("then the sign-in succeeds")
        void signsIn(KeycloakServer server) {
            SignInResult result = new LoginClient(server.baseUrl(), DemoRealm.NAME).login("account-console",
                    server.baseUrl() + "/realms/" + DemoRealm.NAME + "/account/", DemoRealm.DEMO_USER, DemoRealm.DEMO_PASSWORD);

            assertThat(result.succeeded()).as(result.error()).isTrue();
            assertThat(result.idTokenClaims().path("preferred_username").asText()).isEqualTo(DemoRealm.DEMO_USER);
            // Her first sign-in through the directory creates her in Claromentis.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                    .until(() -> sandbox.findUserByUsername(DemoRealm.DEMO_USER).isPresent());
            assertThat(sandbox.findUserByUsername(DemoRealm.DEMO_USER).orElseThrow().jobTitle()).isEqualTo("Engineering Manager");
        }
    }
}
