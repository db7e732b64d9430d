package com.claromentis.keycloak.it.broker;

import com.claromentis.keycloak.testing.BrokerLoginSession;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.SignInResult;
import com.claromentis.keycloak.testing.TestRealm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestClassOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.keycloak.representations.idm.UserRepresentation;

import static org.assertj.core.api.Assertions.assertThat;

@RealKeycloak
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
@DisplayName("Given a realm with a SAML 2.0 identity provider (a second Keycloak realm standing in for ADFS or Okta)")
class SamlFirstLoginIT {

    private static final String ALIAS = "company-saml";
    private static SamlIdentityProviderRealm idp;

    @BeforeAll
    static void setUp(TestRealm realm) {
        idp = SamlIdentityProviderRealm.create(realm, ALIAS);
        idp.addPerson("omar.said", "Omar-Pass-1", "Omar", "Said", "omar.said@company.example");
        idp.connect(realm, ALIAS, SocialLoginIT.FLOW);
    }

    @AfterAll
    static void tearDown() {
        if (idp != null) {
            idp.close();
        }
    }

    @Nested
    @Order(1)
    @DisplayName("when an employee signs in through SAML for the first time")
    class FirstLogin {

        @Test
        @DisplayName("then their account is created with the name and email the identity provider asserted")
        void createsAccount(TestRealm realm) {
            SignInResult result = BrokerLoginSession.of(realm).signInAtProvider(ALIAS, "omar.said", "Omar-Pass-1");

            assertThat(result.succeeded()).as(result.describe()).isTrue();
            UserRepresentation omar = realm.findUser("omar.said").orElseThrow();
            assertThat(omar.getEmail()).isEqualTo("omar.said@company.example");
            assertThat(omar.getFirstName()).isEqualTo("Omar");
            assertThat(omar.getLastName()).isEqualTo("Said");
        }
    }

    @Nested
    @Order(2)
    @DisplayName("when the administrator applies the Okta preset (Okta's short attribute names) and an employee signs in")
    class OktaPreset {

        @Test
        @DisplayName("then their job title, office, department and groups arrive too, the groups under the provider's own group")
        void mapsShortNames(TestRealm realm) {
            idp.addPerson("lena.park", "Lena-Pass-1", "Lena", "Park", "lena.park@company.example",
                    Map.of("jobTitle", List.of("Product Owner"), "office", List.of("Leeds"),
                            "department", List.of("Product")), List.of("Product", "Staff"));
            JsonNode applied = SimpleSamlPhpProvider.applyPreset(realm.admin(), realm, ALIAS, "okta");
            assertThat(applied.path("applied").asBoolean()).isTrue();

            SignInResult result = BrokerLoginSession.of(realm).signInAtProvider(ALIAS, "lena.park", "Lena-Pass-1");

            assertThat(result.succeeded()).as(result.describe()).isTrue();
            UserRepresentation lena = realm.findUser("lena.park").orElseThrow();
            assertThat(lena.getEmail()).isEqualTo("lena.park@company.example");
            assertThat(lena.getFirstName()).isEqualTo("Lena");
            assertThat(lena.getAttributes()).containsEntry("jobTitle", List.of("Product Owner"))
                    .containsEntry("office", List.of("Leeds")).containsEntry("department", List.of("Product"));
            assertThat(SimpleSamlPhpSignInIT.groupPaths(realm, lena.getId()))
                    .containsExactlyInAnyOrder("/" + ALIAS + "/Product", "/" + ALIAS + "/Staff");
        }
    }
}
