package com.claromentis.keycloak.entra;

import com.claromentis.keycloak.tenant.EntraTenants;
import java.util.Optional;
import java.util.function.Predicate;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.keycloak.OAuth2Constants;
import org.keycloak.OAuthErrorException;
import org.keycloak.broker.oidc.OIDCIdentityProvider;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.broker.provider.IdentityBrokerException;
import org.keycloak.common.util.Time;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.jose.jws.JWSInput;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.JWTAuthorizationGrantValidationContext;
import org.keycloak.representations.JsonWebToken;
import org.keycloak.services.ErrorResponseException;

/**
 * Keycloak's OIDC broker bound to exactly one Entra tenant. Keycloak still does the OIDC work (code flow, PKCE,
 * nonce, the tenant's JWKS and its key cache); every ID token, browser sign-in and external token exchange alike,
 * is checked by {@link EntraTokenValidator} alone (signature once, then every rule of {@link EntraTenantRules}),
 * and users are linked by {@code oid}.
 */
public final class EntraIdIdentityProvider extends OIDCIdentityProvider {

    private final Optional<EntraTokenValidator> validator;
    private final Predicate<JWSInput> signatureCheck;

    /**
     * The broker endpoint's event. getFederatedIdentity() has no event parameter, yet the endpoint records the
     * login-error event with this builder when our IdentityBrokerException reaches it, so the reason detail is
     * added here. Providers are created per request, so this is never shared between sign-ins.
     */
    private EventBuilder brokerEvent;

    /**
     * The last token this (per-request) provider accepted. Token exchange checks the subject token first, to answer
     * with the Entra reason, and Keycloak's exchange code then asks {@link #validateToken} for the same token again;
     * this keeps its signature from being verified twice.
     */
    private String acceptedToken;
    private EntraVerdict acceptedVerdict;

    /** @param validator from the factory's cache; empty when the provider was stored without a valid tenant */
    EntraIdIdentityProvider(KeycloakSession session, EntraIdConfig config, Optional<EntraTokenValidator> validator) {
        this(session, config, validator, null);
    }

    /** @param signatureCheck null for Keycloak's check with the tenant's JWKS; tests pass their own keys */
    EntraIdIdentityProvider(KeycloakSession session, EntraIdConfig config, Optional<EntraTokenValidator> validator,
                            Predicate<JWSInput> signatureCheck) {
        super(session, config);
        // Derived again at run time so stored endpoint URLs can never point somewhere else than the tenant.
        config.applyTenantEndpoints();
        this.validator = validator;
        this.signatureCheck = signatureCheck != null ? signatureCheck : this::verify;
    }

    @Override
    public Object callback(RealmModel realm, AuthenticationCallback callback, EventBuilder event) {
        this.brokerEvent = event;
        return super.callback(realm, callback, event);
    }

    /**
     * Replaces Keycloak's validation instead of adding to it: everything it checks (signature, exp/nbf, aud, azp,
     * issuer) is an Entra rule too, only stricter, and calling it would verify the signature a second time. The
     * audience is checked even when Keycloak asks to ignore it (it does for token exchange): a token issued to
     * another app must never become a session here.
     */
    @Override
    protected JsonWebToken validateToken(String encodedToken, boolean ignoreAudience) {
        EntraVerdict verdict = check(encodedToken);
        if (!verdict.isAccepted()) {
            EntraRefusal refusal = verdict.refusal();
            String reference = EntraRefusals.report("entra-id", getConfig().getAlias(), refusal, brokerEvent);
            if (brokerEvent != null) {
                // A browser sign-in: the callback answers with our page as it is, and sends no event of its own
                // for it, so the login-error event is sent here.
                brokerEvent.event(EventType.IDENTITY_PROVIDER_LOGIN).error(Errors.IDENTITY_PROVIDER_LOGIN_FAILURE);
                throw EntraRefusals.page(session, refusal, reference);
            }
            throw new IdentityBrokerException("Entra ID token refused: " + refusal.code())
                    .withMessageCode(refusal.messageKey());
        }
        return verdict.token();
    }

    @Override
    public BrokeredIdentityContext getFederatedIdentity(String response) {
        BrokeredIdentityContext identity = super.getFederatedIdentity(response);
        useObjectIdAsId(identity, (JsonWebToken) identity.getContextData().get(VALIDATED_ID_TOKEN));
        return identity;
    }

    /**
     * External-to-internal token exchange (the CVE-2026-18215 path for the Microsoft social provider): only a
     * signed Entra token whose audience is our client is accepted, and it must pass the same rules as a
     * browser sign-in. Opaque access tokens are refused because their tenant cannot be verified.
     */
    @Override
    protected BrokeredIdentityContext exchangeExternalImpl(EventBuilder event, MultivaluedMap<String, String> params) {
        String subjectToken = params.getFirst(OAuth2Constants.SUBJECT_TOKEN);
        if (subjectToken == null) {
            return super.exchangeExternalImpl(event, params);
        }
        String tokenType = params.getFirst(OAuth2Constants.SUBJECT_TOKEN_TYPE);
        if (!OAuth2Constants.ID_TOKEN_TYPE.equals(tokenType) && !OAuth2Constants.JWT_TOKEN_TYPE.equals(tokenType)) {
            throw refuseExchange(event, EntraRefusal.UNSUPPORTED_TOKEN_TYPE);
        }
        // Checked here rather than only in validateToken: Keycloak's exchange code would replace our reason with
        // its generic "token validation failure".
        EntraVerdict verdict = check(subjectToken);
        if (!verdict.isAccepted()) {
            throw refuseExchange(event, verdict.refusal());
        }
        BrokeredIdentityContext identity = super.exchangeExternalImpl(event, params);
        if (identity != null) {
            useObjectIdAsId(identity, verdict.token());
        }
        return identity;
    }

    // Entra ID tokens carry no typ claim; the token was already held to audience == our client id.
    @Override
    protected boolean isTokenTypeSupported(JsonWebToken parsedToken) {
        return true;
    }

    @Override
    public BrokeredIdentityContext validateAuthorizationGrantAssertion(JWTAuthorizationGrantValidationContext context) {
        throw new IdentityBrokerException("The JWT authorization grant is not supported by entra-id providers");
    }

    /** The one place a token of this provider is checked; package-private for tests. */
    EntraVerdict check(String encodedToken) {
        if (acceptedToken != null && acceptedToken.equals(encodedToken)) {
            return acceptedVerdict;
        }
        EntraVerdict verdict = validator
                .map(v -> v.validate(encodedToken, signatureCheck, Time.currentTimeSeconds()))
                .orElseGet(() -> EntraVerdict.refused(EntraRefusal.PROVIDER_MISCONFIGURED));
        if (verdict.isAccepted()) {
            acceptedToken = encodedToken;
            acceptedVerdict = verdict;
        }
        return verdict;
    }

    private ErrorResponseException refuseExchange(EventBuilder event, EntraRefusal refusal) {
        EntraRefusals.report("entra-id token exchange", getConfig().getAlias(), refusal, event);
        event.error(Errors.INVALID_TOKEN);
        return new ErrorResponseException(OAuthErrorException.INVALID_TOKEN, "Subject token refused: " + refusal.code(),
                Response.Status.BAD_REQUEST);
    }

    /** oid is the user's stable id in the tenant; sub differs per app and email can be changed by the user. */
    private void useObjectIdAsId(BrokeredIdentityContext identity, JsonWebToken token) {
        Object oid = token == null ? null : token.getOtherClaims().get(EntraTenantRules.OBJECT_ID);
        if (!(oid instanceof String objectId) || !EntraTenants.isGuid(objectId)) {
            // Unreachable after validateToken; kept so a future code path cannot silently fall back to sub.
            throw new IdentityBrokerException("Entra ID token has no valid oid")
                    .withMessageCode(EntraRefusal.INVALID_OBJECT_ID.messageKey());
        }
        String previousId = identity.getId();
        identity.setId(objectId);
        identity.setBrokerUserId(getConfig().getAlias() + "." + objectId);
        if (identity.getUsername() == null || identity.getUsername().equals(previousId)) {
            identity.setUsername(objectId);
        }
    }
}
