package com.claromentis.keycloak.it.entra;

import com.claromentis.keycloak.testing.entra.EntraSimulator;
import com.claromentis.keycloak.testing.entra.EntraUser;

import com.claromentis.keycloak.it.outbox.OutboxFixture;
import com.claromentis.keycloak.sandbox.SandboxUser;
import com.claromentis.keycloak.testing.BrokerLoginSession;
import com.claromentis.keycloak.testing.KeycloakAdminClient.AdminApiException;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.SignInResult;
import com.claromentis.keycloak.testing.TestRealm;
import com.claromentis.keycloak.testing.graph.AppCertificates;
import com.claromentis.keycloak.testing.graph.GraphSandbox;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.representations.idm.ComponentRepresentation;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Entra ID directory sync through Microsoft Graph (the Graph sandbox over real HTTP) into Keycloak and on into
 * Claromentis (the People API sandbox) through the provisioning outbox: a full sync, delta syncs with every kind of
 * change, throttling, an expired delta link, a malformed page, refused credentials, the one-tenant rule at save, and
 * a synced user signing in through {@code entra-id}. The steps build on each other, in order.
 */
@RealKeycloak
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("Given a realm bound to Contoso that syncs Contoso's Entra users through Microsoft Graph and provisions them into Claromentis")
class EntraDirectorySyncIT {

    private static final Duration DELIVERY = Duration.ofSeconds(90);
    private static final String CONTOSO = EntraFixtures.CONTOSO;
    private static final String FABRIKAM = EntraFixtures.FABRIKAM;
    private static final String APP = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
    private static final String SECRET = "graph-app-secret-" + UUID.randomUUID();
    private static final String SIGN_IN = "entra-id";
    private static final String S = UUID.randomUUID().toString().substring(0, 6);

    private static GraphSandbox graph;
    private static EntraSimulator simulator;
    private static OutboxFixture outbox;
    private static String componentId;
    private static String staff;
    private static String engineers;
    private static String alice;
    private static String bob;
    private static String carol;
    private static String dan;
    private static String gwen;
    private static JsonNode firstSync;

    private static String upn(String name) {
        return name + "." + S + "@contoso.example";
    }

    @BeforeAll
    static void syncContoso(TestRealm realm) {
        outbox = OutboxFixture.provisioning(realm);
        outbox.sandbox.addGroup("Staff " + S);
        graph = realm.closeWith(GraphSandbox.start());
        graph.addTenant(CONTOSO, APP, SECRET);
        graph.addTenant(FABRIKAM, APP, SECRET);
        alice = graph.addUser(CONTOSO, upn("alice"), "Alice", "Archer", Map.of("jobTitle", "Head of IT",
                "officeLocation", "London", "department", "IT", "employeeId", "E-1001",
                "businessPhones", List.of("+44 20 7946 0001")));
        bob = graph.addUser(CONTOSO, upn("bob"), "Bob", "Baker", Map.of("jobTitle", "Engineer", "mobilePhone", "+44 7700 900002"));
        carol = graph.addUser(CONTOSO, upn("carol"), "Carol", "Cole", Map.of("jobTitle", "Analyst"));
        dan = graph.addUser(CONTOSO, upn("dan"), "Dan", "Dunn", Map.of());
        gwen = graph.addUser(CONTOSO, "gwen_fabrikam.example#EXT#" + S + "@contoso.example", "Gwen", "Guest",
                Map.of("userType", "Guest", "mail", "gwen." + S + "@fabrikam.example"));
        graph.setManager(CONTOSO, bob, alice);
        graph.setManager(CONTOSO, carol, alice);
        staff = graph.addGroup(CONTOSO, "Staff " + S);
        engineers = graph.addGroup(CONTOSO, "Engineers " + S);
        graph.addMember(CONTOSO, staff, alice);
        graph.addMember(CONTOSO, staff, bob);
        graph.addMember(CONTOSO, staff, carol);
        graph.addMember(CONTOSO, staff, engineers);
        graph.addMember(CONTOSO, engineers, dan);

        simulator = EntraFixtures.startSimulator();
        HttpResponse<String> signIn = EntraFixtures.createProvider(realm, EntraFixtures.entraProvider(SIGN_IN, CONTOSO, simulator));
        assertThat(signIn.statusCode()).as(signIn.body()).isEqualTo(201);

        componentId = realm.addComponent(directory(realm, CONTOSO, "contoso-directory"));
        firstSync = fullSync(realm);
    }

    @AfterAll
    static void stopSimulator() {
        if (simulator != null) {
            simulator.close();
        }
    }

    static ComponentRepresentation directory(TestRealm realm, String tenant, String name) {
        ComponentRepresentation component = new ComponentRepresentation();
        component.setName(name);
        component.setProviderId("entra-id-directory");
        component.setProviderType("org.keycloak.storage.UserStorageProvider");
        component.setParentId(realm.representation().getId());
        MultivaluedHashMap<String, String> config = new MultivaluedHashMap<>();
        config.putSingle("tenant", tenant);
        config.putSingle("clientId", APP);
        config.putSingle("clientSecret", SECRET);
        config.putSingle("authorityHost", graph.origin());
        config.putSingle("graphHost", graph.origin());
        config.put("groups", List.of(staff));
        config.putSingle("removal", "disable");
        config.putSingle("enabled", "true");
        component.setConfig(config);
        return component;
    }

    private static JsonNode fullSync(TestRealm realm) {
        return realm.admin().exchangeJson("POST", realm.adminPath() + "/user-storage/" + componentId
                + "/sync?action=triggerFullSync");
    }

    private static JsonNode changedSync(TestRealm realm) {
        return realm.admin().exchangeJson("POST", realm.adminPath() + "/user-storage/" + componentId
                + "/sync?action=triggerChangedUsersSync");
    }

    private static UserRepresentation user(TestRealm realm, String name) {
        return realm.findUser(upn(name)).orElseThrow(() -> new AssertionError(upn(name) + " is not in Keycloak"));
    }

    private static String attribute(UserRepresentation user, String name) {
        List<String> values = user.getAttributes() == null ? null : user.getAttributes().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static List<String> staffMembers(TestRealm realm) {
        GroupRepresentation[] parents = realm.admin().get(realm.adminPath() + "/groups?search=Staff%20" + S
                + "&briefRepresentation=false", GroupRepresentation[].class);
        String id = Arrays.stream(parents).flatMap(p -> p.getSubGroups().stream())
                .filter(g -> g.getName().equals("Staff " + S)).findFirst().orElseThrow().getId();
        UserRepresentation[] members = realm.admin().get(realm.adminPath() + "/groups/" + id + "/members?max=100",
                UserRepresentation[].class);
        return Arrays.stream(members).map(UserRepresentation::getUsername).sorted().toList();
    }

    private static SandboxUser inClaromentis(String name) {
        return outbox.requireInClaromentis(upn(name));
    }

    @Test
    @Order(1)
    @DisplayName("when the first full sync runs, then every member is a Keycloak user with the Claromentis attributes, and the guest is left out")
    void fullSyncImportsMembers(TestRealm realm) {
        assertThat(firstSync.path("added").asInt()).as(firstSync.toString()).isEqualTo(4);
        assertThat(firstSync.path("failed").asInt()).isZero();
        UserRepresentation a = user(realm, "alice");
        assertThat(a.getFirstName()).isEqualTo("Alice");
        assertThat(a.getLastName()).isEqualTo("Archer");
        assertThat(a.getEmail()).isEqualTo(upn("alice"));
        assertThat(attribute(a, "jobTitle")).isEqualTo("Head of IT");
        assertThat(attribute(a, "office")).isEqualTo("London");
        assertThat(attribute(a, "department")).isEqualTo("IT");
        assertThat(attribute(a, "phone")).isEqualTo("+44 20 7946 0001");
        assertThat(attribute(a, "externalId")).isEqualTo("E-1001");
        assertThat(a.getFederationLink()).isEqualTo(componentId);
        UserRepresentation b = user(realm, "bob");
        assertThat(attribute(b, "manager")).isEqualTo(upn("alice"));
        assertThat(attribute(b, "phone")).as("the mobile phone when there is no business phone").isEqualTo("+44 7700 900002");
        assertThat(realm.findUser(upn("gwen"))).isEmpty();
        assertThat(realm.admin().get(realm.adminPath() + "/users?search=gwen", UserRepresentation[].class)).isEmpty();
    }

    @Test
    @Order(2)
    @DisplayName("then the chosen group lands under the provider's own group with its transitive members, nested ones included")
    void groupsLand(TestRealm realm) {
        assertThat(staffMembers(realm)).containsExactly(upn("alice"), upn("bob"), upn("carol"), upn("dan"));
    }

    @Test
    @Order(3)
    @DisplayName("then everyone reaches Claromentis with no sign-in: fields, manager and group membership")
    void provisioned(TestRealm realm) {
        outbox.awaitDrained(DELIVERY);
        SandboxUser a = inClaromentis("alice");
        SandboxUser b = inClaromentis("bob");
        assertThat(a.jobTitle()).isEqualTo("Head of IT");
        assertThat(a.office()).isEqualTo("London");
        assertThat(b.managerId()).isEqualTo(a.id());
        assertThat(outbox.groupMembers("Staff " + S)).contains(a.id(), b.id(), inClaromentis("dan").id());
        assertThat(outbox.inClaromentis("gwen_fabrikam.example#ext#" + S + "@contoso.example")).isEmpty();
    }

    @Test
    @Order(4)
    @DisplayName("when a full sync runs with nothing changed in Entra, then nothing is updated and nothing is queued")
    void unchangedFullSync(TestRealm realm) throws InterruptedException {
        long before = claromentisRequests();
        JsonNode again = fullSync(realm);
        assertThat(again.path("added").asInt()).as(again.toString()).isZero();
        assertThat(again.path("updated").asInt()).isZero();
        assertThat(again.path("removed").asInt()).isZero();
        assertThat(outbox.summary().path("pending").asLong()).as("changes queued").isZero();
        // Past the outbox's quiet time after a sync: anything queued would have been delivered by now.
        Thread.sleep(3_000);
        assertThat(claromentisRequests()).as("People API requests after an unchanged sync").isEqualTo(before);
    }

    private static long claromentisRequests() {
        return outbox.sandbox.requestCounts().values().stream().mapToLong(Long::longValue).sum();
    }

    @Test
    @Order(5)
    @DisplayName("when users are created, updated, disabled, deleted, re-managed and moved out of a group in Entra, then a changed sync reads only the delta and applies every change")
    void deltaSync(TestRealm realm) {
        String erin = graph.addUser(CONTOSO, upn("erin"), "Erin", "Evans", Map.of("jobTitle", "Designer"));
        graph.addMember(CONTOSO, staff, erin);
        graph.updateUser(CONTOSO, bob, Map.of("jobTitle", "Senior Engineer"));
        graph.updateUser(CONTOSO, carol, Map.of("accountEnabled", false));
        graph.setManager(CONTOSO, carol, bob);
        graph.deleteUser(CONTOSO, dan);
        graph.removeMember(CONTOSO, staff, bob);
        graph.resetCounts();

        JsonNode delta = changedSync(realm);

        assertThat(delta.path("failed").asInt()).as(delta.toString()).isZero();
        assertThat(graph.graphRequests()).as("Graph requests of the delta sync").isLessThanOrEqualTo(12);
        assertThat(user(realm, "erin").getFirstName()).isEqualTo("Erin");
        assertThat(attribute(user(realm, "bob"), "jobTitle")).isEqualTo("Senior Engineer");
        UserRepresentation c = user(realm, "carol");
        assertThat(c.isEnabled()).isFalse();
        assertThat(attribute(c, "manager")).isEqualTo(upn("bob"));
        assertThat(user(realm, "dan").isEnabled()).as("deleted in Entra: disabled here").isFalse();
        assertThat(staffMembers(realm)).containsExactly(upn("alice"), upn("carol"), upn("erin"));
        assertThat(user(realm, "alice").isEnabled()).isTrue();
        assertThat(realm.representation().getAttributes()).as("the delta links are server state, not realm settings "
                + "a realm export would carry").noneSatisfy((key, value) -> assertThat(key).startsWith("claromentis.graphDelta"));
    }

    @Test
    @Order(6)
    @DisplayName("then Claromentis sees every one of those changes")
    void deltaProvisioned(TestRealm realm) {
        outbox.awaitDrained(DELIVERY);
        assertThat(inClaromentis("erin").jobTitle()).isEqualTo("Designer");
        assertThat(inClaromentis("bob").jobTitle()).isEqualTo("Senior Engineer");
        assertThat(inClaromentis("carol").active()).isFalse();
        assertThat(inClaromentis("carol").managerId()).isEqualTo(inClaromentis("bob").id());
        assertThat(inClaromentis("dan").active()).isFalse();
        assertThat(outbox.groupMembers("Staff " + S)).contains(inClaromentis("erin").id())
                .doesNotContain(inClaromentis("bob").id());
    }

    @Test
    @Order(7)
    @DisplayName("when Graph throttles with 429 and Retry-After and answers 503 once, then the changed sync waits, retries and applies the change")
    void throttling(TestRealm realm) {
        graph.updateUser(CONTOSO, alice, Map.of("officeLocation", "Leeds"));
        graph.throttleNext(2, 1);
        graph.failNext(1);

        JsonNode delta = changedSync(realm);

        assertThat(delta.path("failed").asInt()).as(delta.toString()).isZero();
        assertThat(attribute(user(realm, "alice"), "office")).isEqualTo("Leeds");
    }

    @Test
    @Order(8)
    @DisplayName("when the stored delta link has expired (410 resyncRequired), then the sync reads everything again, applies the change and disables nobody")
    void expiredDeltaLink(TestRealm realm) {
        graph.updateUser(CONTOSO, erin(realm), Map.of("department", "Design"));
        graph.expireDeltaLinks(CONTOSO);
        graph.resetCounts();

        JsonNode delta = changedSync(realm);

        assertThat(delta.path("failed").asInt()).as(delta.toString()).isZero();
        assertThat(attribute(user(realm, "erin"), "department")).isEqualTo("Design");
        assertThat(user(realm, "alice").isEnabled()).isTrue();
        assertThat(user(realm, "bob").isEnabled()).isTrue();
        assertThat(graph.graphRequests()).as("a full listing was read").isGreaterThan(2);
        // And the new links work: the next changed sync is a delta again.
        graph.updateUser(CONTOSO, bob, Map.of("department", "Platform"));
        graph.resetCounts();
        changedSync(realm);
        assertThat(attribute(user(realm, "bob"), "department")).isEqualTo("Platform");
        assertThat(graph.graphRequests()).isLessThanOrEqualTo(4);
    }

    @Test
    @Order(9)
    @DisplayName("when a delta page is not JSON Graph documents, then the sync reads everything again rather than leave a gap")
    void malformedDeltaPage(TestRealm realm) {
        graph.updateUser(CONTOSO, alice, Map.of("jobTitle", "CTO"));
        graph.malformedNextPage();

        JsonNode delta = changedSync(realm);

        assertThat(delta.path("failed").asInt()).as(delta.toString()).isZero();
        assertThat(attribute(user(realm, "alice"), "jobTitle")).isEqualTo("CTO");
        assertThat(user(realm, "bob").isEnabled()).isTrue();
    }

    @Test
    @Order(10)
    @DisplayName("when a full listing page is malformed, then the sync fails, reports it, and nobody is disabled")
    void malformedFullPage(TestRealm realm) {
        graph.malformedNextPage();

        JsonNode full = fullSync(realm);

        assertThat(full.path("failed").asInt()).as(full.toString()).isPositive();
        assertThat(user(realm, "alice").isEnabled()).isTrue();
        assertThat(user(realm, "bob").isEnabled()).isTrue();
        assertThat(user(realm, "erin").isEnabled()).isTrue();
    }

    @Test
    @Order(11)
    @DisplayName("when the app's secret is rotated and its tokens revoked, then the sync fails without a secret in the answer and nobody is disabled")
    void tokenRefused(TestRealm realm) {
        graph.setClientSecret(CONTOSO, "rotated-" + UUID.randomUUID());
        // The token the provider holds from the last sync stops working too, so it has to ask for a new one.
        graph.revokeTokens();
        try {
            JsonNode full = fullSync(realm);
            assertThat(full.path("failed").asInt()).as(full.toString()).isPositive();
            assertThat(full.toString()).doesNotContain(SECRET);
            assertThat(user(realm, "alice").isEnabled()).isTrue();
            assertThat(user(realm, "erin").isEnabled()).isTrue();
        } finally {
            graph.setClientSecret(CONTOSO, SECRET);
        }
    }

    @Test
    @Order(12)
    @DisplayName("when the app's credential becomes a certificate instead of a secret, then the sync signs in with a client assertion")
    void certificateCredential(TestRealm realm) {
        AppCertificates.Credential certificate = AppCertificates.create("contoso-graph-sync");
        graph.setClientCertificate(CONTOSO, certificate.certificate());
        graph.setClientSecret(CONTOSO, "revoked-" + UUID.randomUUID());
        ComponentRepresentation stored = realm.admin().get(realm.adminPath() + "/components/" + componentId,
                ComponentRepresentation.class);
        stored.getConfig().putSingle("clientCertificate", certificate.pem());
        realm.admin().put(realm.adminPath() + "/components/" + componentId, stored);
        graph.updateUser(CONTOSO, alice, Map.of("department", "Technology"));

        JsonNode delta = changedSync(realm);

        assertThat(delta.path("failed").asInt()).as(delta.toString()).isZero();
        assertThat(attribute(user(realm, "alice"), "department")).isEqualTo("Technology");
        ComponentRepresentation after = realm.admin().get(realm.adminPath() + "/components/" + componentId,
                ComponentRepresentation.class);
        assertThat(after.getConfig().getFirst("clientCertificate")).as("the key is masked").isEqualTo("**********");
    }

    @Test
    @Order(13)
    @DisplayName("when an administrator reads the provider, then the client secret is masked")
    void secretMasked(TestRealm realm) {
        ComponentRepresentation stored = realm.admin().get(realm.adminPath() + "/components/" + componentId,
                ComponentRepresentation.class);
        assertThat(stored.getConfig().getFirst("clientSecret")).isNotEqualTo(SECRET).isEqualTo("**********");
        assertThat(stored.getConfig().getFirst("tenant")).isEqualTo(CONTOSO);
    }

    @Test
    @Order(14)
    @DisplayName("when an administrator adds a directory sync or a sign-in provider for another tenant, or for 'common', then it is refused at save")
    void secondTenantRefused(TestRealm realm) {
        AdminApiException fabrikam = org.assertj.core.api.Assertions.catchThrowableOfType(AdminApiException.class,
                () -> realm.addComponent(directory(realm, FABRIKAM, "fabrikam-directory")));
        assertThat(fabrikam).isNotNull();
        assertThat(fabrikam.status()).isEqualTo(400);
        assertThat(fabrikam.body()).contains("only one Entra tenant");
        AdminApiException common = org.assertj.core.api.Assertions.catchThrowableOfType(AdminApiException.class,
                () -> realm.addComponent(directory(realm, "common", "common-directory")));
        assertThat(common).isNotNull();
        assertThat(common.body()).contains("common");
        HttpResponse<String> idp = EntraFixtures.createProvider(realm,
                EntraFixtures.entraProvider("fabrikam-sign-in", FABRIKAM, simulator));
        assertThat(idp.statusCode()).as(idp.body()).isEqualTo(400);
        assertThat(idp.body()).contains("only one Entra tenant");
    }

    @Test
    @Order(15)
    @DisplayName("when a synced user signs in through entra-id, then they land on the synced Keycloak user, linked by object id")
    void signInLandsOnSyncedUser(TestRealm realm) {
        UserRepresentation synced = user(realm, "alice");
        int before = EntraFixtures.userCount(realm);
        simulator.nextSignIn(EntraUser.member(CONTOSO, alice, upn("alice"), "Alice", "Archer"));

        SignInResult result = BrokerLoginSession.of(realm).signIn(SIGN_IN);

        assertThat(result.succeeded()).as(result.describe()).isTrue();
        assertThat(result.idTokenClaims().path("sub").asText()).isEqualTo(synced.getId());
        assertThat(EntraFixtures.userCount(realm)).isEqualTo(before);
    }

    @Test
    @Order(16)
    @DisplayName("when Entra holds a user with hostile values, then that user is refused with a reason and the others sync")
    void hostileValues(TestRealm realm) {
        graph.addUser(CONTOSO, upn("mallory"), "Mallory", "X".repeat(300), Map.of());
        graph.addUser(CONTOSO, upn("trudy"), "Trudy", "Tester", Map.of("jobTitle", "Admin\r\nSet-Cookie: x"));
        graph.addUser(CONTOSO, upn("oscar"), "Oscar", "Owens", Map.of("mail", upn("alice")));
        graph.addUser(CONTOSO, upn("peggy"), "Peggy", "Parker", Map.of());

        JsonNode delta = changedSync(realm);

        assertThat(delta.path("failed").asInt()).as(delta.toString()).isEqualTo(3);
        assertThat(realm.findUser(upn("mallory"))).isEmpty();
        assertThat(realm.findUser(upn("trudy"))).isEmpty();
        assertThat(realm.findUser(upn("oscar"))).as("an email another user holds takes over nobody").isEmpty();
        assertThat(user(realm, "peggy").getFirstName()).isEqualTo("Peggy");
        assertThat(user(realm, "alice").getEmail()).isEqualTo(upn("alice"));
    }

    @Test
    @Order(17)
    @DisplayName("when a full sync finds a deleted user missing, then that user is disabled; the others stay")
    void fullSyncRemoval(TestRealm realm) {
        String peggy = objectId(realm, "peggy");
        graph.deleteUser(CONTOSO, peggy);

        JsonNode full = fullSync(realm);

        assertThat(full.path("removed").asInt()).as(full.toString()).isEqualTo(1);
        assertThat(user(realm, "peggy").isEnabled()).isFalse();
        assertThat(user(realm, "alice").isEnabled()).isTrue();
    }

    private static String erin(TestRealm realm) {
        return objectId(realm, "erin");
    }

    private static String objectId(TestRealm realm, String name) {
        UserRepresentation user = realm.admin().get(realm.adminPath() + "/users/" + user(realm, name).getId(),
                UserRepresentation.class);
        String id = attribute(user, "claromentis.entraObjectId");
        if (id != null) {
            return id;
        }
        JsonNode links = EntraFixtures.federatedIdentities(realm, user.getId());
        return links.get(0).path("userId").asText();
    }
}
