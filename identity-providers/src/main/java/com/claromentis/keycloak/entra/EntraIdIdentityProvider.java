package com.claromentis.keycloak.entra;

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
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.JWTAuthorizationGrantValidationContext;
import org.keycloak.representations.JsonWebToken;
import org.keycloak.services.ErrorResponseException;

/**
 * Keycloak's OIDC broker bound to exactly one Entra tenant. Keycloak still does the OIDC work (code flow, PKCE,
 * nonce, signature with the tenant's JWKS, issuer); this class adds the Entra rules of {@link EntraTenantRules}
 * on every ID token, browser sign-in and external token exchange alike, and links users by {@code oid}.
 */
public final class EntraIdIdentityProvider extends OIDCIdentityProvider {

    private final EntraIdConfig entraConfig;

    /**
     * The broker endpoint's event. getFederatedIdentity() has no event parameter, yet the endpoint records the
     * login-error event with this builder when our IdentityBrokerException reaches it, so the reason detail is
     * added here. Providers are created per request, so this is never shared between sign-ins.
     */
    private EventBuilder brokerEvent;

    public EntraIdIdentityProvider(KeycloakSession session, EntraIdConfig config) {
        super(session, config);
        // Derived again at run time so stored endpoint URLs can never point somewhere else than the tenant.
        config.applyTenantEndpoints();
        this.entraConfig = config;
    }

    @Override
    public Object callback(RealmModel realm, AuthenticationCallback callback, EventBuilder event) {
        this.brokerEvent = event;
        return super.callback(realm, callback, event);
    }

    @Override
    protected JsonWebToken validateToken(String encodedToken, boolean ignoreAudience) {
        EntraVerdict verdict = checkEntraRules(encodedToken);
        if (!verdict.isAccepted()) {
            EntraRefusal refusal = verdict.refusal();
            EntraRefusals.log("entra-id", getConfig().getAlias(), refusal);
            if (brokerEvent != null) {
                EntraRefusals.describe(brokerEvent, getConfig().getAlias(), refusal);
            }
            throw new IdentityBrokerException("Entra ID token refused: " + refusal.code())
                    .withMessageCode(refusal.messageKey());
        }
        // Keycloak's own checks still run: signature through its key cache, issuer, exp/nbf, aud and azp.
        return super.validateToken(encodedToken, ignoreAudience);
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
        EntraVerdict verdict = checkEntraRules(subjectToken);
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

    private EntraVerdict checkEntraRules(String encodedToken) {
        EntraTokenValidator validator;
        try {
            validator = new EntraTokenValidator(entraConfig.newTenantRules());
        } catch (IllegalArgumentException e) {
            return EntraVerdict.refused(EntraRefusal.PROVIDER_MISCONFIGURED);
        }
        return validator.validate(encodedToken, this::verify, Time.currentTimeSeconds());
    }

    private ErrorResponseException refuseExchange(EventBuilder event, EntraRefusal refusal) {
        EntraRefusals.log("entra-id token exchange", getConfig().getAlias(), refusal);
        EntraRefusals.describe(event, getConfig().getAlias(), refusal).error(Errors.INVALID_TOKEN);
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
