package com.claromentis.keycloak.broker;

import org.jboss.logging.Logger;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.RealmModel;

import java.util.Map;

/**
 * The ready-made first-broker-login flow: Keycloak's own steps for reviewing the profile, creating or linking the
 * account, with the Claromentis steps around them. {@link SignInGuarantees} adds it to every realm and binds it.
 *
 * <p>It is never changed once there, so an administrator's edits survive restarts and upgrades.
 */
public final class ClaromentisFirstLoginFlow {

    public static final String ALIAS = "claromentis first broker login";

    private static final Logger LOG = Logger.getLogger(ClaromentisFirstLoginFlow.class);

    private ClaromentisFirstLoginFlow() {
    }

    /** Adds the flow to the realm unless a flow of that alias exists. */
    public static void ensure(RealmModel realm) {
        if (realm.getFlowByAlias(ALIAS) != null) {
            return;
        }
        AuthenticationFlowModel top = flow(realm, ALIAS, true,
                "First sign-in through an identity provider, for Claromentis: no accounts from social sign-ins; "
                        + "accounts from the company's identity systems are provisioned into Claromentis.");
        step(realm, top, SocialLoginGuardAuthenticatorFactory.PROVIDER_ID, Requirement.REQUIRED, 10, null);
        step(realm, top, "idp-review-profile", Requirement.REQUIRED, 20,
                config(realm, ALIAS + " review profile", Map.of("update.profile.on.first.login", "missing")));

        AuthenticationFlowModel createOrLink = subflow(realm, top, ALIAS + " - create or link", Requirement.REQUIRED, 30);
        step(realm, createOrLink, "idp-create-user-if-unique", Requirement.ALTERNATIVE, 10,
                config(realm, ALIAS + " create user", Map.of("require.password.update.after.registration", "false")));
        AuthenticationFlowModel existing = subflow(realm, createOrLink, ALIAS + " - existing account", Requirement.ALTERNATIVE, 20);
        step(realm, existing, "idp-confirm-link", Requirement.REQUIRED, 10, null);
        AuthenticationFlowModel verify = subflow(realm, existing, ALIAS + " - verify existing account", Requirement.REQUIRED, 20);
        step(realm, verify, "idp-email-verification", Requirement.ALTERNATIVE, 10, null);
        step(realm, verify, "idp-username-password-form", Requirement.ALTERNATIVE, 20, null);
        step(realm, top, ProvisionUserAuthenticatorFactory.PROVIDER_ID, Requirement.REQUIRED, 40, null);

        LOG.infof("Added the '%s' authentication flow to realm %s", ALIAS, realm.getName());
    }

    private static AuthenticationFlowModel flow(RealmModel realm, String alias, boolean topLevel, String description) {
        AuthenticationFlowModel flow = new AuthenticationFlowModel();
        flow.setAlias(alias);
        flow.setDescription(description);
        flow.setProviderId("basic-flow");
        flow.setTopLevel(topLevel);
        flow.setBuiltIn(false);
        return realm.addAuthenticationFlow(flow);
    }

    private static AuthenticationFlowModel subflow(RealmModel realm, AuthenticationFlowModel parent, String alias,
                                                   Requirement requirement, int priority) {
        AuthenticationFlowModel flow = flow(realm, alias, false, null);
        AuthenticationExecutionModel execution = new AuthenticationExecutionModel();
        execution.setParentFlow(parent.getId());
        execution.setFlowId(flow.getId());
        execution.setAuthenticatorFlow(true);
        execution.setRequirement(requirement);
        execution.setPriority(priority);
        realm.addAuthenticatorExecution(execution);
        return flow;
    }

    private static void step(RealmModel realm, AuthenticationFlowModel parent, String authenticator,
                             Requirement requirement, int priority, AuthenticatorConfigModel config) {
        AuthenticationExecutionModel execution = new AuthenticationExecutionModel();
        execution.setParentFlow(parent.getId());
        execution.setAuthenticator(authenticator);
        execution.setAuthenticatorFlow(false);
        execution.setRequirement(requirement);
        execution.setPriority(priority);
        if (config != null) {
            execution.setAuthenticatorConfig(config.getId());
        }
        realm.addAuthenticatorExecution(execution);
    }

    private static AuthenticatorConfigModel config(RealmModel realm, String alias, Map<String, String> values) {
        AuthenticatorConfigModel config = new AuthenticatorConfigModel();
        config.setAlias(alias);
        config.setConfig(new java.util.HashMap<>(values));
        return realm.addAuthenticatorConfig(config);
    }
}
