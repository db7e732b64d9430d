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
import org.keycloak.representations.idm.UserRepresentation;

import static org.assertj.core.api.Assertions.assertThat;

@RealKeycloak
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
}
