package com.claromentis.keycloak.entra;

import com.claromentis.keycloak.common.LogSafe;
import com.claromentis.keycloak.signin.RefusalPage;
import com.claromentis.keycloak.tenant.EntraRealmTenant;
import java.util.Optional;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.broker.AbstractIdpAuthenticator;
import org.keycloak.authentication.authenticators.broker.util.PostBrokerLoginConstants;
import org.keycloak.authentication.authenticators.broker.util.SerializedBrokeredIdentityContext;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/** Refuses, in a (post- or first-) broker-login flow, any Microsoft sign-in from another tenant than the realm's. */
final class EntraTenantGuardAuthenticator implements Authenticator {

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        SerializedBrokeredIdentityContext serialized = SerializedBrokeredIdentityContext
                .readFromAuthenticationSession(authSession, PostBrokerLoginConstants.PBL_BROKERED_IDENTITY_CONTEXT);
        if (serialized == null) {
            serialized = SerializedBrokeredIdentityContext
                    .readFromAuthenticationSession(authSession, AbstractIdpAuthenticator.BROKERED_CONTEXT_NOTE);
        }
        if (serialized == null) {
            // Attached to a flow that is not a broker flow: nothing to check would mean a silent pass, so refuse.
            context.getEvent().detail(Details.REASON, "not_a_broker_flow");
            String reference = RefusalPage.report(EntraRefusal.PROVIDER_MISCONFIGURED.page(), context.getEvent(),
                    "entra-tenant-guard ran outside a broker login flow in realm '" + LogSafe.of(context.getRealm().getName())
                            + "'; refusing");
            context.getEvent().error(Errors.INVALID_CONFIG);
            context.failure(AuthenticationFlowError.INTERNAL_ERROR,
                    RefusalPage.render(context.form(), EntraRefusal.PROVIDER_MISCONFIGURED.page(), reference, null));
            return;
        }
        BrokeredIdentityContext brokered = serialized.deserialize(context.getSession(), authSession);
        Optional<EntraRefusal> refusal = EntraTenantGuard.check(brokered.getIdpConfig(), brokered.getContextData(),
                () -> null, EntraRealmTenant.resolve(context.getSession(), context.getRealm()),
                context.getAuthenticatorConfig() != null && context.getAuthenticatorConfig().getConfig() != null
                        && Boolean.parseBoolean(context.getAuthenticatorConfig().getConfig().get(EntraTenantGuard.ALLOW_GUESTS)));
        if (refusal.isEmpty()) {
            context.success();
            return;
        }
        String alias = brokered.getIdpConfig().getAlias();
        String reference = EntraRefusals.report("entra-tenant-guard", alias, refusal.get(), context.getEvent());
        context.getEvent().error(Errors.IDENTITY_PROVIDER_LOGIN_FAILURE);
        context.failure(AuthenticationFlowError.IDENTITY_PROVIDER_ERROR,
                RefusalPage.render(context.form(), refusal.get().page(), reference, null));
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        authenticate(context);
    }

    @Override
    public boolean requiresUser() {
        return false;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
        // No required action can make a foreign tenant acceptable.
    }

    @Override
    public void close() {
        // Stateless.
    }
}
