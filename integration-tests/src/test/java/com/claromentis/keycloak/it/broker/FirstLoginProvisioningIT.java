package com.claromentis.keycloak.it.broker;

import com.claromentis.keycloak.testing.entra.EntraSimulator;
import com.claromentis.keycloak.testing.entra.EntraUser;

import com.claromentis.keycloak.it.outbox.OutboxFixture;
import com.claromentis.keycloak.sandbox.SandboxUser;
import com.claromentis.keycloak.testing.BrokerLoginSession;
import com.claromentis.keycloak.testing.EmbeddedLdap;
import com.claromentis.keycloak.testing.LdapFederation;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.SignInResult;
import com.claromentis.keycloak.testing.TestRealm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@RealKeycloak
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
@DisplayName("Given a realm that provisions first sign-ins into Claromentis")
class FirstLoginProvisioningIT {

    private static final Duration DELIVERY = Duration.ofSeconds(60);
    private static final String TENANT = "7f000001-0000-4000-8000-00000000b22d";
    private static final String OIDC = "company-oidc";
    private static final String SAML = "company-saml";
    private static final String SOCIAL = "google-like";

    private static OutboxFixture outbox;
    private static EmbeddedLdap ldap;
    private static EntraSimulator oidc;
    private static SamlIdentityProviderRealm samlIdp;

    @BeforeAll
    static void setUp(TestRealm realm) {
        outbox = OutboxFixture.provisioning(realm);
        ldap = EmbeddedLdap.builder("dc=example,dc=test").ldif("ldap/small-org.ldif").start();
        LdapFederation.addInetOrgPerson(realm.admin(), realm.name(), ldap.url(), ldap.bindDn(), ldap.bindPassword(),
                        "ou=people,dc=example,dc=test")
                .mapAttribute("title", "jobTitle")
                .mapAttribute("physicalDeliveryOfficeName", "office");
        oidc = EntraSimulator.start(Map.of());
        // The simulator's tokens carry a tenant: the OIDC provider is held to the realm's Entra tenant by default.
        RealmRepresentation pinned = realm.representation();
        pinned.setAttributes(SocialLoginIT.withTenant(pinned.getAttributes(), TENANT));
        realm.update(pinned);
        IdentityProviderRepresentation enterprise = SocialLoginIT.provider(oidc, TENANT, OIDC, "oidc", "Company sign-in");
        // Later sign-ins bring the provider's current name into Keycloak, so they can be pushed on.
        enterprise.getConfig().put("syncMode", "FORCE");
        realm.admin().post(realm.adminPath() + "/identity-provider/instances", enterprise);
        realm.admin().post(realm.adminPath() + "/identity-provider/instances",
                SocialLoginIT.provider(oidc, TENANT, SOCIAL, "test-social", "Google"));
        samlIdp = SamlIdentityProviderRealm.create(realm, SAML);
        samlIdp.addPerson("omar.said", "Omar-Pass-1", "Omar", "Said", "omar.said@company.example");
        samlIdp.connect(realm, SAML, SocialLoginIT.FLOW);
    }

    @AfterAll
    static void tearDown() {
        if (samlIdp != null) {
            samlIdp.close();
        }
        if (oidc != null) {
            oidc.close();
        }
        if (ldap != null) {
            ldap.close();
        }
    }

    @Nested
    @Order(1)
    @DisplayName("when a directory user signs in for the first time")
    class Ldap {

        @Test
        @DisplayName("then they are created in Claromentis with their directory attributes, once")
        void ldapFirstLoginProvisions(TestRealm realm) {
            SignInResult result = realm.loginClient().login("alice", "Alice-Pass-1");
            assertThat(result.succeeded()).as(result.describe()).isTrue();

            SandboxUser alice = await().atMost(DELIVERY).until(() -> outbox.inClaromentis("alice"), u -> u.isPresent()).orElseThrow();
            assertThat(alice.firstname()).isEqualTo("Alice");
            assertThat(alice.surname()).isEqualTo("Archer");
            assertThat(alice.email()).isEqualTo("alice.archer@example.test");
            assertThat(alice.jobTitle()).isEqualTo("Head of Engineering");
            assertThat(alice.office()).isEqualTo("London");

            realm.loginClient().login("alice", "Alice-Pass-1");
            outbox.awaitDrained(DELIVERY);
            assertThat(outbox.requests("POST /users")).as("one creation, not one per sign-in").isEqualTo(1);
        }
    }

    @Nested
    @DisplayName("when an employee signs in through the SAML identity provider for the first time")
    class Saml {

        @Test
        @DisplayName("then they are created in Claromentis")
        void samlFirstLoginProvisions(TestRealm realm) {
            SignInResult result = BrokerLoginSession.of(realm).signInAtProvider(SAML, "omar.said", "Omar-Pass-1");
            assertThat(result.succeeded()).as(result.describe()).isTrue();

            SandboxUser omar = await().atMost(DELIVERY).until(() -> outbox.inClaromentis("omar.said"), u -> u.isPresent()).orElseThrow();
            assertThat(omar.email()).isEqualTo("omar.said@company.example");
            assertThat(omar.firstname()).isEqualTo("Omar");
        }
    }

    @Nested
    @DisplayName("when an employee signs in through the enterprise OIDC provider")
    class Oidc {

        @Test
        @DisplayName("then the first sign-in creates them in Claromentis and a later one pushes their new name")
        void oidcFirstAndLaterLogins(TestRealm realm) {
            oidc.nextSignIn(EntraUser.member(TENANT, "0b1e0000-0000-4000-8000-0000000000b1", "pat.kim@company.example", "Pat", "Kim"));
            SignInResult first = BrokerLoginSession.of(realm).signIn(OIDC);
            assertThat(first.succeeded()).as(first.describe()).isTrue();
            SandboxUser pat = await().atMost(DELIVERY).until(() -> outbox.inClaromentis("pat.kim@company.example"), u -> u.isPresent()).orElseThrow();
            assertThat(pat.firstname()).isEqualTo("Pat");

            oidc.nextSignIn(EntraUser.member(TENANT, "0b1e0000-0000-4000-8000-0000000000b1", "pat.kim@company.example", "Patricia", "Kim"));
            SignInResult later = BrokerLoginSession.of(realm).signIn(OIDC);
            assertThat(later.succeeded()).as(later.describe()).isTrue();

            await().atMost(DELIVERY).until(() -> "Patricia".equals(outbox.inClaromentis("pat.kim@company.example").orElseThrow().firstname()));
        }
    }

    @Nested
    @DisplayName("when someone signs in with a social account")
    class Social {

        @Test
        @DisplayName("then nobody is created, neither in Keycloak nor in Claromentis")
        void socialNeverProvisions(TestRealm realm) {
            oidc.nextSignIn(EntraUser.member(TENANT, "0b1e0000-0000-4000-8000-0000000000b2", "visitor@gmail.example", "Vic", "Visitor"));

            SignInResult result = BrokerLoginSession.of(realm).signIn(SOCIAL);

            assertThat(result.succeeded()).isFalse();
            assertThat(realm.findUser("visitor@gmail.example")).isEmpty();
            outbox.awaitDrained(DELIVERY);
            assertThat(outbox.inClaromentis("visitor@gmail.example")).isEmpty();
        }
    }
}
