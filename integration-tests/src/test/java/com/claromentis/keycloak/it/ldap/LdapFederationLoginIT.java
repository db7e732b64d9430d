package com.claromentis.keycloak.it.ldap;

import com.claromentis.keycloak.testing.EmbeddedLdap;
import com.claromentis.keycloak.testing.LdapFederation;
import com.claromentis.keycloak.testing.SignInResult;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.TestRealm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.UserRepresentation;

import static org.assertj.core.api.Assertions.assertThat;

@RealKeycloak
@DisplayName("Given a realm federated with an LDAP directory")
class LdapFederationLoginIT {

    private static EmbeddedLdap ldap;
    private static String federationId;

    @BeforeAll
    static void federate(TestRealm realm) {
        ldap = EmbeddedLdap.builder("dc=example,dc=test").ldif("ldap/small-org.ldif").start();
        federationId = LdapFederation.addInetOrgPerson(realm.admin(), realm.name(), ldap.url(), ldap.bindDn(), ldap.bindPassword(),
                "ou=people,dc=example,dc=test").id();
    }

    @AfterAll
    static void stopDirectory() {
        if (ldap != null) {
            ldap.close();
        }
    }

    @Nested
    @DisplayName("when a directory user signs in on the login page with the right password")
    class RightPassword {

        @Test
        @DisplayName("then they get tokens carrying their directory name and email")
        void signsIn(TestRealm realm) {
            SignInResult result = realm.loginClient().login("alice", "Alice-Pass-1");

            assertThat(result.succeeded()).as(result.error()).isTrue();
            assertThat(result.idTokenClaims().path("preferred_username").asText()).isEqualTo("alice");
            assertThat(result.idTokenClaims().path("email").asText()).isEqualTo("alice.archer@example.test");
            assertThat(result.idTokenClaims().path("name").asText()).isEqualTo("Alice Archer");
        }

        @Test
        @DisplayName("then the administrator sees the user linked to the directory")
        void isLinkedToTheDirectory(TestRealm realm) {
            realm.loginClient().login("bob", "Bob-Pass-1");

            UserRepresentation bob = realm.findUser("bob").orElseThrow();
            assertThat(bob.getFederationLink()).isEqualTo(federationId);
            assertThat(bob.getAttributes()).containsKey("LDAP_ID");
        }
    }

    @Nested
    @DisplayName("when a directory user types a wrong password")
    class WrongPassword {

        @Test
        @DisplayName("then the login page says the credentials are invalid")
        void isRefused(TestRealm realm) {
            SignInResult result = realm.loginClient().login("alice", "not-her-password");

            assertThat(result.succeeded()).isFalse();
            assertThat(result.status()).isEqualTo(200);
            assertThat(result.error()).isEqualTo("Invalid username or password.");
        }
    }

    @Nested
    @DisplayName("when someone who is not in the directory tries to sign in")
    class UnknownUser {

        @Test
        @DisplayName("then they are refused and no user is created")
        void isRefused(TestRealm realm) {
            SignInResult result = realm.loginClient().login("mallory", "Alice-Pass-1");

            assertThat(result.succeeded()).isFalse();
            assertThat(result.error()).isEqualTo("Invalid username or password.");
            assertThat(realm.findUser("mallory")).isEmpty();
        }
    }
}
