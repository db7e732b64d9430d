package com.claromentis.keycloak.broker;

import com.claromentis.keycloak.common.LogSafe;
import com.claromentis.keycloak.provisioning.ProvisioningQueue;
import com.claromentis.keycloak.signin.LoginKind;
import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.authenticators.broker.AbstractIdpAuthenticator;
import org.keycloak.authentication.authenticators.broker.util.SerializedBrokeredIdentityContext;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Last step of the first broker login: a person who signed in through the company's identity system is queued
 * for creation in Claromentis. Only queued: delivery happens after the sign-in commits, so it never waits for the
 * People API. Social sign-ins are never provisioned.
 */
public final class ProvisionUserAuthenticator extends AbstractIdpAuthenticator {

    private static final Logger LOG = Logger.getLogger(ProvisionUserAuthenticator.class);

    @Override
    protected void authenticateImpl(AuthenticationFlowContext context, SerializedBrokeredIdentityContext serializedCtx,
                                     BrokeredIdentityContext brokerContext) {
        UserModel user = context.getUser();
        if (user != null && LoginKind.of(context.getSession(), brokerContext.getIdpConfig()) == LoginKind.ENTERPRISE) {
            ProvisioningQueue queue = context.getSession().getProvider(ProvisioningQueue.class);
            boolean queued = queue != null && queue.signedIn(context.getRealm(), user);
            LOG.debugf("First sign-in of '%s' through '%s': provisioning %s", LogSafe.of(user.getUsername()),
                    LogSafe.of(brokerContext.getIdpConfig().getAlias()), queued ? "queued" : "not needed");
        }
        context.success();
    }

    @Override
    protected void actionImpl(AuthenticationFlowContext context, SerializedBrokeredIdentityContext serializedCtx,
                              BrokeredIdentityContext brokerContext) {
        authenticateImpl(context, serializedCtx, brokerContext);
    }

    @Override
    public boolean requiresUser() {
        return false;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }
}
