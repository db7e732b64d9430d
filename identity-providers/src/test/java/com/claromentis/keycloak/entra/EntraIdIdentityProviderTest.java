package com.claromentis.keycloak.entra;

import static com.claromentis.keycloak.entra.TestTokens.CLIENT_ID;
import static com.claromentis.keycloak.entra.TestTokens.OID;
import static com.claromentis.keycloak.entra.TestTokens.TENANT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Date;
import java.util.HashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.keycloak.broker.provider.IdentityBrokerException;
import org.keycloak.jose.jws.JWSInput;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.representations.JsonWebToken;

@DisplayName("Given an entra-id provider of our tenant (EntraIdIdentityProvider)")
class EntraIdIdentityProviderTest {

    // Time.currentTimeSeconds() is the provider's clock, so these tokens are minted around the real now.
    private static final long NOW = System.currentTimeMillis() / 1000;

    private final AtomicInteger signatureChecks = new AtomicInteger();
    private final Predicate<JWSInput> countingTenantKeys = jws -> {
        signatureChecks.incrementAndGet();
        return TestTokens.tenantKeys().test(jws);
    };
    private EntraTokenValidators validators;
    private IdentityProviderModel stored;

    @BeforeEach
    void storeProvider() {
        validators = new EntraTokenValidators();
        stored = new IdentityProviderModel();
        stored.setAlias("contoso");
        stored.setInternalId("5c1b4f0e-0000-4000-8000-000000000001");
        stored.setProviderId(EntraIdIdentityProviderFactory.PROVIDER_ID);
        stored.setConfig(new HashMap<>());
        stored.getConfig().put(EntraIdConfig.TENANT, TENANT);
        stored.getConfig().put("clientId", CLIENT_ID);
    }

    private EntraIdIdentityProvider provider() {
        EntraIdConfig config = new EntraIdConfig(stored);
        return new EntraIdIdentityProvider(null, config, validators.forConfig(config), countingTenantKeys);
    }

    private static String tokenIssuedNow() {
        return tokenIssuedNow("Alan");
    }

    private static String tokenIssuedNow(String name) {
        return TestTokens.signed(c -> c.claim("name", name).issueTime(new Date((NOW - 5) * 1000))
                .notBeforeTime(new Date((NOW - 5) * 1000))
                .expirationTime(new Date((NOW + 3600) * 1000)));
    }

    @Nested
    @DisplayName("when Keycloak's broker validates the ID token of a browser sign-in")
    class BrowserSignIn {

        @Test
        @DisplayName("then the signature is verified exactly once and the token is accepted")
        void verifiesTheSignatureOnce() {
            JsonWebToken token = provider().validateToken(tokenIssuedNow(), false);

            assertThat(token.getOtherClaims()).containsEntry("oid", OID);
            assertThat(signatureChecks).hasValue(1);
        }

        @Test
        @DisplayName("then a refused token stops the sign-in with the Entra reason's message")
        void refusalCarriesTheMessage() {
            String wrongAudience = TestTokens.signed(c -> c.audience("api://another-app")
                    .expirationTime(new Date((NOW + 3600) * 1000)));

            assertThatThrownBy(() -> provider().validateToken(wrongAudience, false))
                    .isInstanceOf(IdentityBrokerException.class)
                    .hasMessageContaining("wrong_audience")
                    .extracting(e -> ((IdentityBrokerException) e).getMessageCode()).isEqualTo("entraInvalidToken");
        }

        @Test
        @DisplayName("then the audience is checked even when Keycloak asks to ignore it")
        void audienceIsNeverIgnored() {
            String wrongAudience = TestTokens.signed(c -> c.audience("api://another-app")
                    .expirationTime(new Date((NOW + 3600) * 1000)));

            assertThatThrownBy(() -> provider().validateToken(wrongAudience, true)).hasMessageContaining("wrong_audience");
        }
    }

    @Nested
    @DisplayName("when a token exchange checks the subject token and Keycloak's exchange code validates it again")
    class TokenExchange {

        @Test
        @DisplayName("then the signature is verified exactly once")
        void verifiesTheSignatureOnce() {
            EntraIdIdentityProvider provider = provider();
            String subjectToken = tokenIssuedNow();

            EntraVerdict verdict = provider.check(subjectToken);
            JsonWebToken validated = provider.validateToken(subjectToken, true);

            assertThat(verdict.isAccepted()).isTrue();
            assertThat(validated).isSameAs(verdict.token());
            assertThat(signatureChecks).hasValue(1);
        }

        @Test
        @DisplayName("then another token presented afterwards is checked on its own")
        void anotherTokenIsCheckedAgain() {
            EntraIdIdentityProvider provider = provider();
            provider.check(tokenIssuedNow("Alan"));

            provider.check(tokenIssuedNow("Bea"));

            assertThat(signatureChecks).hasValue(2);
        }
    }

    @Nested
    @DisplayName("when providers are created per request from the stored configuration")
    class ValidatorCache {

        @Test
        @DisplayName("then they share one validator while the configuration stays the same")
        void sameConfigurationSharesTheValidator() {
            EntraTokenValidator first = validators.forConfig(new EntraIdConfig(stored)).orElseThrow();
            EntraTokenValidator second = validators.forConfig(new EntraIdConfig(stored)).orElseThrow();

            assertThat(second).isSameAs(first);
        }

        @Test
        @DisplayName("then a changed setting gets a new validator with the new rules")
        void changedConfigurationGetsANewValidator() {
            EntraTokenValidator membersOnly = validators.forConfig(new EntraIdConfig(stored)).orElseThrow();
            stored.getConfig().put(EntraIdConfig.ALLOW_GUEST_USERS, "true");

            EntraTokenValidator guestsAllowed = validators.forConfig(new EntraIdConfig(stored)).orElseThrow();

            assertThat(guestsAllowed).isNotSameAs(membersOnly);
            assertThat(guestsAllowed.rules()).isNotEqualTo(membersOnly.rules());
        }

        @Test
        @DisplayName("then a provider stored without a valid tenant refuses every token as provider_misconfigured")
        void misconfiguredProviderRefuses() {
            stored.getConfig().put(EntraIdConfig.TENANT, "common");

            EntraVerdict verdict = provider().check(tokenIssuedNow());

            assertThat(verdict.refusal()).isEqualTo(EntraRefusal.PROVIDER_MISCONFIGURED);
            assertThat(signatureChecks).hasValue(0);
        }
    }
}
