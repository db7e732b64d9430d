package com.claromentis.keycloak.broker;

import com.claromentis.keycloak.common.LogSafe;
import com.claromentis.keycloak.signin.LoginKind;
import com.claromentis.keycloak.signin.ProviderSignInSettings;
import com.claromentis.keycloak.signin.RefusalPage;
import com.claromentis.keycloak.signin.SignInRefusal;

import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.authenticators.broker.AbstractIdpAuthenticator;
import org.keycloak.authentication.authenticators.broker.util.ExistingUserInfo;
import org.keycloak.authentication.authenticators.broker.util.SerializedBrokeredIdentityContext;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.events.Errors;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.UserModel;
import jakarta.ws.rs.core.Response;

/**
 * First-broker-login step that never lets a social sign-in create an account.
 *
 * <p>For a social provider it looks for an existing account with the same, verified email: if there is one, it
 * hands it to Keycloak's standard "handle existing account" steps (confirm, then prove ownership); if there is
 * none, the person sees a page telling them to ask their administrator. Enterprise sign-ins pass untouched.
 */
public final class SocialLoginGuardAuthenticator extends AbstractIdpAuthenticator {

    private static final Logger LOG = Logger.getLogger(SocialLoginGuardAuthenticator.class);

    @Override
    protected void authenticateImpl(AuthenticationFlowContext context, SerializedBrokeredIdentityContext serializedCtx,
                                     BrokeredIdentityContext brokerContext) {
        IdentityProviderModel provider = brokerContext.getIdpConfig();
        if (LoginKind.of(context.getSession(), provider) == LoginKind.ENTERPRISE) {
            context.success();
            return;
        }
        if (ProviderSignInSettings.of(provider).optedOut()) {
            LOG.warnf("Social sign-in through '%s' passes the guard: the provider is opted out (%s=off)",
                    LogSafe.of(provider.getAlias()), ProviderSignInSettings.GUARD);
            context.success();
            return;
        }
        UserModel existing = existingAccount(context, brokerContext.getEmail());
        if (existing != null) {
            LOG.debugf("Social sign-in through '%s' matches an existing account; offering to link it",
                    LogSafe.of(provider.getAlias()));
            context.getAuthenticationSession().setAuthNote(EXISTING_USER_INFO,
                    new ExistingUserInfo(existing.getId(), UserModel.EMAIL, existing.getEmail()).serialize());
            context.success();
            return;
        }
        context.getEvent()
                .detail("reason", "social_login_creates_no_account")
                .detail("identity_provider", provider.getAlias());
        String reference = RefusalPage.report(SignInRefusal.SOCIAL_NO_ACCOUNT, context.getEvent(), "social sign-in through '"
                + LogSafe.of(provider.getAlias()) + "' has no account to link to, and social sign-ins create none");
        context.getEvent().error(Errors.USER_NOT_FOUND);
        Response page = RefusalPage.render(context.form(), SignInRefusal.SOCIAL_NO_ACCOUNT, reference, displayName(provider));
        context.failureChallenge(AuthenticationFlowError.INVALID_USER, page);
    }

    @Override
    protected void actionImpl(AuthenticationFlowContext context, SerializedBrokeredIdentityContext serializedCtx,
                              BrokeredIdentityContext brokerContext) {
        authenticateImpl(context, serializedCtx, brokerContext);
    }

    static String displayName(IdentityProviderModel provider) {
        return provider.getDisplayName() == null || provider.getDisplayName().isBlank()
                ? provider.getAlias() : provider.getDisplayName();
    }

    /** An enabled account whose email matches and was verified; a social provider's word alone proves nothing. */
    private static UserModel existingAccount(AuthenticationFlowContext context, String email) {
        if (email == null || email.isBlank()) {
            return null;
        }
        UserModel user = context.getSession().users().getUserByEmail(context.getRealm(), email.trim());
        return user != null && user.isEnabled() && user.isEmailVerified() ? user : null;
    }

    @Override
    public boolean requiresUser() {
        return false;
    }

    @Override
    public boolean configuredFor(org.keycloak.models.KeycloakSession session, org.keycloak.models.RealmModel realm,
                                 UserModel user) {
        return true;
    }
}
