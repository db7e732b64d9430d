package com.claromentis.keycloak.it.outbox;

import com.claromentis.keycloak.sandbox.SandboxUser;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.TestRealm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.keycloak.representations.idm.FederatedIdentityRepresentation;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@RealKeycloak
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("Given a provisioning realm that also imports HR users from Claromentis and allows social login")
class OutboxLoopIT {

    private static final Duration DELIVERY = Duration.ofSeconds(60);

    private static OutboxFixture outbox;
    private static String hrComponentId;

    @BeforeAll
    static void setUp(TestRealm realm) {
        outbox = OutboxFixture.provisioning(realm);
        outbox.sandbox.addUser(SandboxUser.builder("hr.jane").firstname("Jane").surname("Hr")
                .email("hr.jane@example.org").build());
        outbox.sandbox.addGroup("Staff");
        hrComponentId = outbox.addConnection(true);
        realm.admin().exchangeJson("POST", realm.adminPath() + "/user-storage/" + hrComponentId
                + "/sync?action=triggerFullSync");
    }

    @Test
    @Order(1)
    @DisplayName("when an administrator changes an imported People API user, then nothing is pushed back")
    void peopleApiUsersAreNeverPushedBack(TestRealm realm) {
        String janeId = realm.findUser("hr.jane").orElseThrow().getId();
        assertThat(realm.findUser("hr.jane").orElseThrow().getFederationLink()).isEqualTo(hrComponentId);
        long queuedBefore = queued();
        GroupRepresentation staff = new GroupRepresentation();
        staff.setName("Staff");
        String staffId = realm.admin().post(realm.adminPath() + "/groups", staff);

        realm.admin().put(realm.adminPath() + "/users/" + janeId + "/groups/" + staffId, Map.of());

        assertThat(queued()).isEqualTo(queuedBefore);
        assertThat(outbox.summary().path("pending").asLong()).isZero();
        assertThat(outbox.requests("PUT /groups/{id}/users")).isZero();
    }

    @Test
    @Order(2)
    @DisplayName("when a user known only through social login is edited, then nothing is pushed")
    void socialOnlyUsersAreNeverPushed(TestRealm realm) {
        IdentityProviderRepresentation google = new IdentityProviderRepresentation();
        google.setAlias("google");
        google.setProviderId("google");
        google.setEnabled(true);
        google.setConfig(Map.of("clientId", "test-client", "clientSecret", "test-secret"));
        realm.admin().post(realm.adminPath() + "/identity-provider/instances", google);
        String socialId = outbox.createUser("social.sam");
        await().atMost(DELIVERY).until(() -> outbox.inClaromentis("social.sam").isPresent());
        // Only now does Sam become a social-only user, as if the account came from a Google sign-in.
        FederatedIdentityRepresentation link = new FederatedIdentityRepresentation();
        link.setIdentityProvider("google");
        link.setUserId("google-123");
        link.setUserName("sam@gmail.example");
        realm.admin().post(realm.adminPath() + "/users/" + socialId + "/federated-identity/google", link);
        outbox.awaitDrained(DELIVERY);
        long queuedBefore = queued();

        outbox.updateUser(socialId, user -> user.setFirstName("Samuel"));

        assertThat(queued()).isEqualTo(queuedBefore);
        assertThat(outbox.summary().path("pending").asLong()).isZero();
    }

    @Test
    @Order(3)
    @DisplayName("when a local user of the same realm is edited, then it is pushed as usual")
    void localUsersStillFlow(TestRealm realm) {
        String id = outbox.createUser("local.lee");

        outbox.updateUser(id, user -> user.setLastName("Local"));

        await().atMost(DELIVERY).until(() -> outbox.inClaromentis("local.lee")
                .map(u -> "Local".equals(u.surname())).orElse(false));
    }

    /** Changes queued on this node since it started (committed), from the admin endpoint. */
    private static long queued() {
        return outbox.summary().path("node").path("queued").asLong();
    }
}
