package com.claromentis.keycloak.entra;

import com.claromentis.keycloak.tenant.EntraRealmTenant;
import java.util.List;
import java.util.Optional;

import jakarta.ws.rs.core.Response;

import org.keycloak.OAuth2Constants;
import org.keycloak.OAuthErrorException;
import org.keycloak.broker.provider.AbstractIdentityProviderMapper;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.http.HttpRequest;
import org.keycloak.models.IdentityProviderMapperModel;
import org.keycloak.models.IdentityProviderSyncMode;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.services.ErrorResponseException;

/**
 * The tenant guard as an identity-provider mapper ({@code entra-tenant-guard-mapper}, SPI
 * {@code identity_provider_mapper}). Preferred over the authenticator where possible: Keycloak calls a mapper's
 * {@code preprocessFederatedIdentity} on every browser sign-in <em>and</em> on external token exchange, before the
 * user is looked up or created, and an exception there stops the sign-in. A post-broker-login flow does not run
 * for token exchange.
 */
public final class EntraTenantGuardMapper extends AbstractIdentityProviderMapper {

    public static final String PROVIDER_ID = "entra-tenant-guard-mapper";

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String[] getCompatibleProviders() {
        return new String[] {ANY_PROVIDER};
    }

    @Override
    public String getDisplayCategory() {
        return "Tenant restriction";
    }

    @Override
    public String getDisplayType() {
        return "Entra tenant guard";
    }

    @Override
    public String getHelpText() {
        return "Refuses sign-ins and token exchanges through this provider when they come from a Microsoft tenant "
                + "other than the realm's Entra tenant (claromentis.entra.tenant).";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return EntraTenantGuard.PROPERTIES;
    }

    @Override
    public boolean supportsSyncMode(IdentityProviderSyncMode syncMode) {
        return true;
    }

    @Override
    public void preprocessFederatedIdentity(KeycloakSession session, RealmModel realm, IdentityProviderMapperModel mapperModel,
                                            BrokeredIdentityContext context) {
        Optional<EntraRefusal> refusal = EntraTenantGuard.check(context.getIdpConfig(), context.getContextData(),
                () -> subjectTokenOfRequest(session), EntraRealmTenant.resolve(session, realm),
                Boolean.parseBoolean(mapperModel.getConfig().get(EntraTenantGuard.ALLOW_GUESTS)));
        if (refusal.isEmpty()) {
            return;
        }
        String alias = context.getIdpConfig().getAlias();
        boolean tokenExchange = context.getAuthenticationSession() == null;
        // The broker endpoint sends no event for the page we answer with (nor, on token exchange, one with a
        // reason), so this one is the login-error event the administrator reads.
        EventBuilder event = new EventBuilder(realm, session, session.getContext().getConnection())
                .event(tokenExchange ? EventType.TOKEN_EXCHANGE : EventType.IDENTITY_PROVIDER_LOGIN);
        // The broker has already put the signing-in client into the context; without it the admin sees clientId null.
        if (session.getContext().getClient() != null) {
            event.client(session.getContext().getClient());
        }
        String reference = EntraRefusals.report("entra-tenant-guard-mapper", alias, refusal.get(), event);
        event.error(tokenExchange ? Errors.INVALID_TOKEN : Errors.IDENTITY_PROVIDER_LOGIN_FAILURE);
        if (tokenExchange) {
            throw new ErrorResponseException(OAuthErrorException.INVALID_TOKEN,
                    "Subject token refused: " + refusal.get().code(), Response.Status.BAD_REQUEST);
        }
        throw EntraRefusals.page(session, refusal.get(), reference);
    }

    // The microsoft provider keeps no token in the context during token exchange; the subject token of the request
    // is the token Graph just accepted.
    private static String subjectTokenOfRequest(KeycloakSession session) {
        HttpRequest request = session.getContext().getHttpRequest();
        if (request == null) {
            return null;
        }
        try {
            return request.getDecodedFormParameters().getFirst(OAuth2Constants.SUBJECT_TOKEN);
        } catch (RuntimeException e) {
            // Not a form request (e.g. a browser redirect): there is no subject token to read.
            return null;
        }
    }
}
