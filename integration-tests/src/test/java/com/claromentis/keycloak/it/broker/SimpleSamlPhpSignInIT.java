package com.claromentis.keycloak.it.broker;

import com.claromentis.keycloak.it.outbox.OutboxFixture;
import com.claromentis.keycloak.sandbox.SandboxUser;
import com.claromentis.keycloak.testing.Browser;
import com.claromentis.keycloak.testing.BrokerLoginSession;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.SignInResult;
import com.claromentis.keycloak.testing.TestRealm;
import com.claromentis.keycloak.testing.directory.SimpleSamlPhp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@RealKeycloak
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
@DisplayName("Given a realm with the claromentis theme signing in through SimpleSAMLphp with AD FS claims, the ADFS preset applied and provisioning on")
class SimpleSamlPhpSignInIT {

    static final String ALIAS = "adfs";
    private static final String CLAIMS = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/";
    private static final String GROUP_CLAIM = "http://schemas.xmlsoap.org/claims/Group";
    private static final Duration DELIVERY = Duration.ofSeconds(60);
    private static final String PASSWORD = "Jane-Pass-1";

    private static OutboxFixture outbox;
    private static SimpleSamlPhp idp;
    private static long managerInClaromentis;

    @BeforeAll
    static void setUp(TestRealm realm) {
        RealmRepresentation themed = realm.representation();
        themed.setLoginTheme("claromentis");
        realm.update(themed);
        outbox = OutboxFixture.provisioning(realm);
        managerInClaromentis = outbox.sandbox.addUser("maria.boss", "Maria", "Boss", "maria.boss@corp.example").id();
        outbox.sandbox.addGroup("Finance");
        idp = SimpleSamlPhpProvider.connect(realm, ALIAS, "Company AD FS");
        SimpleSamlPhpProvider.applyPreset(realm.admin(), realm, ALIAS, "adfs");
        // An administrators' group at the top, and one an administrator made under the provider's own group.
        RoleRepresentation realmAdmin = realmManagementRole(realm, "realm-admin");
        String administrators = realm.admin().post(realm.adminPath() + "/groups", group("Administrators"));
        grant(realm, administrators, realmAdmin);
        String providerGroup = groupByPath(realm, "/" + ALIAS).getId();
        String keycloakAdmins = realm.admin().post(realm.adminPath() + "/groups/" + providerGroup + "/children",
                group("Keycloak admins"));
        grant(realm, keycloakAdmins, realmAdmin);
        idp.person("jane.doe", PASSWORD, jane("Finance Analyst"));
        idp.person("rita.refused", PASSWORD, Map.of(CLAIMS + "name", List.of("rita.refused"),
                SimpleSamlPhp.REFUSED, List.of("true")));
    }

    static Map<String, List<String>> jane(String jobTitle) {
        Map<String, List<String>> claims = new LinkedHashMap<>();
        claims.put(CLAIMS + "name", List.of("jane.doe"));
        claims.put(CLAIMS + "emailaddress", List.of("jane.doe@corp.example"));
        claims.put(CLAIMS + "givenname", List.of("Jane"));
        claims.put(CLAIMS + "surname", List.of("Doe"));
        claims.put(CLAIMS + "jobtitle", List.of(jobTitle));
        claims.put(CLAIMS + "physicaldeliveryofficename", List.of("London"));
        claims.put(CLAIMS + "department", List.of("Finance"));
        claims.put(CLAIMS + "telephonenumber", List.of("+44 20 7946 0001"));
        claims.put(CLAIMS + "manager", List.of("maria.boss"));
        claims.put(GROUP_CLAIM, List.of("Staff", "Finance", "Administrators", "Keycloak admins", "Bad\nGroup",
                "<script>alert(1)</script>"));
        return claims;
    }

    @Nested
    @Order(1)
    @DisplayName("when an employee signs in for the first time")
    class FirstSignIn {

        @Test
        @DisplayName("then their account holds every mapped attribute and only the provider's ordinary groups, and they are created in Claromentis")
        void createsTheUser(TestRealm realm) {
            SignInResult result = BrokerLoginSession.of(realm).signInAtProvider(ALIAS, "jane.doe", PASSWORD);

            assertThat(result.succeeded()).as(result.describe()).isTrue();
            UserRepresentation jane = realm.findUser("jane.doe").orElseThrow();
            assertThat(jane.getEmail()).isEqualTo("jane.doe@corp.example");
            assertThat(jane.getFirstName()).isEqualTo("Jane");
            assertThat(jane.getLastName()).isEqualTo("Doe");
            assertThat(jane.getAttributes()).containsEntry("jobTitle", List.of("Finance Analyst"))
                    .containsEntry("office", List.of("London")).containsEntry("department", List.of("Finance"))
                    .containsEntry("phone", List.of("+44 20 7946 0001")).containsEntry("manager", List.of("maria.boss"));
            assertThat(groupPaths(realm, jane.getId())).containsExactlyInAnyOrder(
                    "/adfs/Administrators", "/adfs/Finance", "/adfs/Staff");
            assertThat(realm.admin().get(realm.adminPath() + "/users/" + jane.getId() + "/role-mappings/clients/"
                    + realmManagement(realm) + "/composite")).as("realm-management roles of jane").isEmpty();

            SandboxUser inClaromentis = await().atMost(DELIVERY).until(() -> outbox.inClaromentis("jane.doe"),
                    u -> u.isPresent() && u.get().managerId() != null).orElseThrow();
            assertThat(inClaromentis.email()).isEqualTo("jane.doe@corp.example");
            assertThat(inClaromentis.firstname()).isEqualTo("Jane");
            assertThat(inClaromentis.surname()).isEqualTo("Doe");
            assertThat(inClaromentis.jobTitle()).isEqualTo("Finance Analyst");
            assertThat(inClaromentis.office()).isEqualTo("London");
            assertThat(inClaromentis.department()).isEqualTo("Finance");
            assertThat(inClaromentis.phone()).isEqualTo("+44 20 7946 0001");
            assertThat(inClaromentis.managerId()).isEqualTo(managerInClaromentis);
            await().atMost(DELIVERY).until(() -> outbox.groupMembers("Finance").contains(inClaromentis.id()));
        }
    }

    @Nested
    @Order(2)
    @DisplayName("when the employee signs in again after their job title changed at the identity provider")
    class LaterSignIn {

        @Test
        @DisplayName("then Keycloak and Claromentis both hold the new job title, and the groups follow the claim")
        void updatesBoth(TestRealm realm) {
            Map<String, List<String>> promoted = jane("Head of Finance");
            promoted.put(GROUP_CLAIM, List.of("Finance", "Managers"));
            idp.person("jane.doe", PASSWORD, promoted);

            SignInResult result = BrokerLoginSession.of(realm).signInAtProvider(ALIAS, "jane.doe", PASSWORD);

            assertThat(result.succeeded()).as(result.describe()).isTrue();
            UserRepresentation jane = realm.findUser("jane.doe").orElseThrow();
            assertThat(jane.getAttributes()).containsEntry("jobTitle", List.of("Head of Finance"));
            assertThat(groupPaths(realm, jane.getId())).as("groups follow the claim: joined Managers, left Staff")
                    .containsExactlyInAnyOrder("/adfs/Finance", "/adfs/Managers");
            await().atMost(DELIVERY).until(() -> "Head of Finance".equals(
                    outbox.inClaromentis("jane.doe").orElseThrow().jobTitle()));
        }
    }

    @Nested
    @Order(3)
    @DisplayName("when the signed assertion is altered on its way to Keycloak")
    class Tampered {

        @Test
        @DisplayName("then the sign-in is refused with a clear page, and the altered value is not taken")
        void refused(TestRealm realm) {
            SignInResult result = BrokerLoginSession.of(realm)
                    .interceptingSamlResponses(fields -> alter(fields, "Head of Finance", "Chief Executive"))
                    .signInAtProvider(ALIAS, "jane.doe", PASSWORD);

            assertThat(assertRefusedWithClearPage(result)).isEqualTo("The answer from the sign-in service of your "
                    + "organisation could not be verified, so you were not signed in. Please sign in again; if it keeps "
                    + "happening, contact your administrator.");
            assertThat(realm.findUser("jane.doe").orElseThrow().getAttributes())
                    .containsEntry("jobTitle", List.of("Head of Finance"));
        }
    }

    @Nested
    @Order(4)
    @DisplayName("when the assertion has expired before it reaches Keycloak")
    class Expired {

        @Test
        @DisplayName("then the sign-in is refused with a clear page")
        void refused(TestRealm realm) {
            idp.serviceProvider(realm.realmUrl(), SimpleSamlPhpProvider.endpoint(realm, ALIAS), Duration.ofSeconds(1));
            try {
                SignInResult result = BrokerLoginSession.of(realm)
                        .interceptingSamlResponses(fields -> {
                            sleep(Duration.ofSeconds(4));
                            return fields;
                        })
                        .signInAtProvider(ALIAS, "jane.doe", PASSWORD);

                assertThat(assertRefusedWithClearPage(result)).startsWith("This sign-in could not be completed: the "
                        + "answer from the sign-in service of your organisation was not valid or had expired.");
            } finally {
                idp.serviceProvider(realm.realmUrl(), SimpleSamlPhpProvider.endpoint(realm, ALIAS));
            }
        }
    }

    @Nested
    @Order(5)
    @DisplayName("when a SAML response that signed someone in is posted again")
    class Replayed {

        @Test
        @DisplayName("then the second post is refused with a clear page")
        void refused(TestRealm realm) {
            AtomicReference<Map<String, String>> captured = new AtomicReference<>();
            BrokerLoginSession session = BrokerLoginSession.of(realm).interceptingSamlResponses(fields -> {
                captured.set(Map.copyOf(fields));
                return fields;
            });
            SignInResult first = session.signInAtProvider(ALIAS, "jane.doe", PASSWORD);
            assertThat(first.succeeded()).as(first.describe()).isTrue();

            HttpResponse<String> replayed = BrokerLoginSession.of(realm)
                    .post(URI.create(SimpleSamlPhpProvider.endpoint(realm, ALIAS)), captured.get());

            // Keycloak's own page: the browser holding the response has no sign-in of its own to finish.
            assertThat(assertClearErrorPage(replayed.statusCode(), replayed.body())).contains("cookie not found");
        }
    }

    @Nested
    @Order(8)
    @DisplayName("when the identity provider refuses the person")
    class RefusedByTheProvider {

        @Test
        @DisplayName("then they see the sign-in page again with the identity provider's reason, and no account is created")
        void refused(TestRealm realm) {
            SignInResult result = BrokerLoginSession.of(realm).signInAtProvider(ALIAS, "rita.refused", PASSWORD);

            // Keycloak shows its sign-in page again, with the identity provider's reason.
            assertThat(result.succeeded()).as(result.describe()).isFalse();
            assertThat(result.status()).isEqualTo(200);
            assertThat(result.page()).contains("login-pf").doesNotContain("Exception").doesNotContain("at org.");
            assertThat(result.error()).isEqualTo(SimpleSamlPhp.REFUSAL_MESSAGE);
            assertThat(realm.findUser("rita.refused")).isEmpty();
        }
    }

    @Nested
    @Order(6)
    @DisplayName("when the identity provider sends an attribute value with a line break or with markup")
    class HostileAttributes {

        @Test
        @DisplayName("then the person signs in, and those values reach neither Keycloak nor Claromentis while the others do")
        void dropped(TestRealm realm) {
            Map<String, List<String>> claims = new LinkedHashMap<>(jane("Analyst\nINFO [org.keycloak.events] admin signed in"));
            claims.put(CLAIMS + "name", List.of("mallory.markup"));
            claims.put(CLAIMS + "emailaddress", List.of("mallory.markup@corp.example"));
            claims.put(CLAIMS + "physicaldeliveryofficename", List.of("<img src=x onerror=alert(1)>"));
            claims.put(GROUP_CLAIM, List.of("Staff"));
            idp.person("mallory.markup", PASSWORD, claims);

            SignInResult result = BrokerLoginSession.of(realm).signInAtProvider(ALIAS, "mallory.markup", PASSWORD);

            assertThat(result.succeeded()).as(result.describe()).isTrue();
            Map<String, List<String>> attributes = realm.findUser("mallory.markup").orElseThrow().getAttributes();
            assertThat(attributes).doesNotContainKeys("jobTitle", "office")
                    .containsEntry("department", List.of("Finance"));
            SandboxUser inClaromentis = await().atMost(DELIVERY).until(() -> outbox.inClaromentis("mallory.markup"),
                    java.util.Optional::isPresent).orElseThrow();
            assertThat(inClaromentis.jobTitle()).isNullOrEmpty();
            assertThat(inClaromentis.office()).isNullOrEmpty();
            assertThat(inClaromentis.department()).isEqualTo("Finance");
        }
    }

    @Nested
    @Order(7)
    @DisplayName("when the identity provider names far more groups for someone than anyone is in")
    class GroupFlood {

        @Test
        @DisplayName("then with 1,000 groups they sign in and the claim is ignored: no group is created or joined")
        void thousandIgnored(TestRealm realm) {
            idp.person("gus.groups", PASSWORD, flood("gus.groups", 1_000));

            SignInResult result = BrokerLoginSession.of(realm).signInAtProvider(ALIAS, "gus.groups", PASSWORD);

            assertThat(result.succeeded()).as(result.describe()).isTrue();
            UserRepresentation gus = realm.findUser("gus.groups").orElseThrow();
            assertThat(groupPaths(realm, gus.getId())).isEmpty();
            assertThat(realm.admin().get(realm.adminPath() + "/groups/" + groupByPath(realm, "/" + ALIAS).getId()
                    + "/children?max=100").toString()).doesNotContain("flood-");
        }

        @Test
        @DisplayName("then with 10,000 groups Keycloak refuses the oversized answer before reading it, and no account is made")
        void tenThousandRefused(TestRealm realm) {
            idp.person("hal.groups", PASSWORD, flood("hal.groups", 10_000));

            SignInResult result = BrokerLoginSession.of(realm).signInAtProvider(ALIAS, "hal.groups", PASSWORD);

            assertThat(result.succeeded()).as(result.describe()).isFalse();
            assertThat(result.status()).as("Keycloak's HTTP limit on a form").isEqualTo(413);
            assertThat(realm.findUser("hal.groups")).isEmpty();
        }

        private static Map<String, List<String>> flood(String username, int groups) {
            Map<String, List<String>> claims = new LinkedHashMap<>(jane("Auditor"));
            claims.put(CLAIMS + "name", List.of(username));
            claims.put(CLAIMS + "emailaddress", List.of(username + "@corp.example"));
            claims.put(GROUP_CLAIM, java.util.stream.IntStream.range(0, groups).mapToObj(i -> "flood-" + i).toList());
            return claims;
        }
    }

    /** Asserts the sign-in ended on Keycloak's themed error page, and returns the sentence it shows. */
    static String assertRefusedWithClearPage(SignInResult result) {
        assertThat(result.succeeded()).as(result.describe()).isFalse();
        return assertClearErrorPage(result.status(), result.page());
    }

    static String assertClearErrorPage(int status, String page) {
        assertThat(status).as("status of the page shown").isEqualTo(400);
        assertThat(page).as("a themed Keycloak page").contains("login-pf")
                .doesNotContain("Exception").doesNotContain("at org.").doesNotContain("java.");
        String message = Browser.errorPageMessage(page);
        assertThat(message).as("the sentence the error page shows").isNotBlank();
        return message;
    }

    /** The SAML response with {@code from} replaced by {@code to} inside the signed assertion. */
    static Map<String, String> alter(Map<String, String> fields, String from, String to) {
        String xml = new String(Base64.getMimeDecoder().decode(fields.get("SAMLResponse")), StandardCharsets.UTF_8);
        assertThat(xml).as("the assertion to alter").contains(from);
        Map<String, String> altered = new LinkedHashMap<>(fields);
        altered.put("SAMLResponse", Base64.getEncoder().encodeToString(xml.replace(from, to).getBytes(StandardCharsets.UTF_8)));
        return altered;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static List<String> groupPaths(TestRealm realm, String userId) {
        List<String> paths = new ArrayList<>();
        realm.admin().get(realm.adminPath() + "/users/" + userId + "/groups?briefRepresentation=false")
                .forEach(g -> paths.add(g.path("path").asText()));
        return paths;
    }

    static String realmManagement(TestRealm realm) {
        return realm.admin().get(realm.adminPath() + "/clients?clientId=realm-management").get(0).path("id").asText();
    }

    static RoleRepresentation realmManagementRole(TestRealm realm, String role) {
        return realm.admin().get(realm.adminPath() + "/clients/" + realmManagement(realm) + "/roles/" + role,
                RoleRepresentation.class);
    }

    static void grant(TestRealm realm, String groupId, RoleRepresentation role) {
        realm.admin().post(realm.adminPath() + "/groups/" + groupId + "/role-mappings/clients/" + realmManagement(realm),
                List.of(role));
    }

    static GroupRepresentation group(String name) {
        GroupRepresentation group = new GroupRepresentation();
        group.setName(name);
        return group;
    }

    static GroupRepresentation groupByPath(TestRealm realm, String path) {
        return realm.admin().get(realm.adminPath() + "/group-by-path" + path, GroupRepresentation.class);
    }
}
