package com.claromentis.keycloak.broker;

import com.claromentis.keycloak.common.LogSafe;
import com.claromentis.keycloak.signin.LegacyAliasSettings;
import com.claromentis.keycloak.signin.LoginKind;
import com.claromentis.keycloak.signin.ProviderSignInSettings;
import org.jboss.logging.Logger;
import org.keycloak.broker.provider.IdentityProviderMapper;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.IdentityProviderMapperModel;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.DefaultAuthenticationFlows;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sign-in guarantees every identity provider of every realm gets without an administrator choosing anything:
 * <ol>
 *   <li>no account from a social sign-in: the provider's first-login flow holds the
 *       {@code claromentis-social-login-guard} step (the realm's first-broker-login binding is the Claromentis flow,
 *       and a provider whose own flow lacks the step is moved onto it);</li>
 *   <li>the Entra tenant rule for Keycloak's {@code microsoft} provider and generic OIDC providers: the tenant guard
 *       mapper of the identity-providers module is attached (a mapper also runs for token exchange, a flow does not).</li>
 * </ol>
 * They are applied at start-up to every realm, when a realm is created or imported, and whenever a provider is
 * created, updated or loses the guard mapper. {@value ProviderSignInSettings#GUARD}{@code =off} on a provider opts it
 * out, with a WARN on each save and at start-up.
 */
public final class SignInGuarantees {

    /** Keycloak's own default first-broker-login flow: a realm still bound to it never chose another one. */
    static final String KEYCLOAK_FIRST_BROKER_LOGIN = DefaultAuthenticationFlows.FIRST_BROKER_LOGIN_FLOW;
    /** The identity-providers module's guard mapper, referred to by id so this module does not depend on it. */
    static final String TENANT_GUARD_MAPPER = "entra-tenant-guard-mapper";
    /** The name of the mapper this class attaches; one an administrator adds under another name is theirs. */
    static final String TENANT_GUARD_MAPPER_NAME = "claromentis tenant guard";
    /**
     * Provider types that may talk to Microsoft's OIDC endpoints; {@code entra-id} applies the tenant rule itself,
     * and SAML carries no tenant claim the guard could read.
     */
    static final Set<String> TENANT_GUARDED_TYPES = Set.of("oidc", "keycloak-oidc", "microsoft");

    private static final Logger LOG = Logger.getLogger(SignInGuarantees.class);

    private SignInGuarantees() {
    }

    static void register(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof PostMigrationEvent) {
                KeycloakModelUtils.runJobInTransaction(factory, session ->
                        session.realms().getRealmsStream().toList().forEach(realm -> {
                            session.getContext().setRealm(realm);
                            ensureRealm(session, realm);
                        }));
            } else if (event instanceof RealmModel.RealmPostCreateEvent created) {
                KeycloakSession session = created.getKeycloakSession();
                RealmModel previous = session.getContext().getRealm();
                session.getContext().setRealm(created.getCreatedRealm());
                try {
                    ensureRealm(session, created.getCreatedRealm());
                } finally {
                    session.getContext().setRealm(previous);
                }
            } else if (event instanceof RealmModel.IdentityProviderUpdatedEvent updated) {
                providerSaved(updated.getKeycloakSession(), updated.getRealm(), updated.getUpdatedIdentityProvider());
            }
        });
    }

    /** The Claromentis flow, the realm's binding if Keycloak's default is still there, and every provider. */
    static void ensureRealm(KeycloakSession session, RealmModel realm) {
        ClaromentisFirstLoginFlow.ensure(realm);
        LegacyAliasSettings.migrate(session, realm);
        AuthenticationFlowModel bound = realm.getFirstBrokerLoginFlow();
        if (bound == null || KEYCLOAK_FIRST_BROKER_LOGIN.equals(bound.getAlias())) {
            realm.setFirstBrokerLoginFlow(claromentisFlow(realm));
            LOG.infof("Realm '%s': '%s' is now the first broker login flow (it was Keycloak's default)",
                    LogSafe.of(realm.getName()), ClaromentisFirstLoginFlow.ALIAS);
        }
        session.identityProviders().getAllStream().toList().forEach(provider -> providerSaved(session, realm, provider));
    }

    /** Applies the guarantees to a provider just created or saved, or says loudly that it is opted out. */
    static void providerSaved(KeycloakSession session, RealmModel realm, IdentityProviderModel provider) {
        ProviderSignInSettings settings = ProviderSignInSettings.of(provider);
        settings.unreadableGuard().ifPresent(value -> LOG.warnf(
                "Realm '%s': identity provider '%s' has %s='%s', which is not 'on' or 'off'; the guarantees stay on",
                LogSafe.of(realm.getName()), LogSafe.of(provider.getAlias()), ProviderSignInSettings.GUARD, LogSafe.of(value)));
        settings.unreadableKind().ifPresent(value -> LOG.warnf(
                "Realm '%s': identity provider '%s' has %s='%s', which is not 'social' or 'enterprise'; it is classified by type",
                LogSafe.of(realm.getName()), LogSafe.of(provider.getAlias()), ProviderSignInSettings.KIND, LogSafe.of(value)));
        if (settings.optedOut()) {
            removeOwnTenantGuard(session, realm, provider);
            LOG.warnf("Realm '%s': identity provider '%s' is OPTED OUT of the Claromentis sign-in guarantees (%s=off): "
                            + "its sign-ins may create accounts whatever its kind, and no tenant guard is attached",
                    LogSafe.of(realm.getName()), LogSafe.of(provider.getAlias()), ProviderSignInSettings.GUARD);
            return;
        }
        ensureSocialGuard(session, realm, provider);
        ensureTenantGuard(session, realm, provider);
    }

    private static void ensureSocialGuard(KeycloakSession session, RealmModel realm, IdentityProviderModel provider) {
        AuthenticationFlowModel flow = firstLoginFlow(realm, provider);
        if (hasSocialGuard(realm, flow)) {
            return;
        }
        AuthenticationFlowModel claromentis = claromentisFlow(realm);
        provider.setFirstBrokerLoginFlowId(claromentis.getId());
        // Saving publishes another update event; by then the flow holds the guard and nothing more is done.
        session.identityProviders().update(provider);
        LOG.warnf("Realm '%s': identity provider '%s' used the first login flow '%s', which has no REQUIRED '%s' step; "
                        + "it now uses '%s' (set %s=off on the provider to opt it out)",
                LogSafe.of(realm.getName()), LogSafe.of(provider.getAlias()), flow == null ? "(none)" : LogSafe.of(flow.getAlias()),
                SocialLoginGuardAuthenticatorFactory.PROVIDER_ID, ClaromentisFirstLoginFlow.ALIAS, ProviderSignInSettings.GUARD);
    }

    private static void ensureTenantGuard(KeycloakSession session, RealmModel realm, IdentityProviderModel provider) {
        if (!needsTenantGuard(provider) || hasTenantGuard(session, provider)) {
            return;
        }
        if (session.getKeycloakSessionFactory().getProviderFactory(IdentityProviderMapper.class, TENANT_GUARD_MAPPER) == null) {
            LOG.errorf("Realm '%s': identity provider '%s' needs the Entra tenant guard, but '%s' is not deployed",
                    LogSafe.of(realm.getName()), LogSafe.of(provider.getAlias()), TENANT_GUARD_MAPPER);
            return;
        }
        IdentityProviderMapperModel mapper = new IdentityProviderMapperModel();
        mapper.setName(TENANT_GUARD_MAPPER_NAME);
        mapper.setIdentityProviderAlias(provider.getAlias());
        mapper.setIdentityProviderMapper(TENANT_GUARD_MAPPER);
        mapper.setConfig(new java.util.HashMap<>(Map.of("syncMode", "INHERIT")));
        session.identityProviders().createMapper(mapper);
        LOG.infof("Realm '%s': attached the Entra tenant guard to identity provider '%s'",
                LogSafe.of(realm.getName()), LogSafe.of(provider.getAlias()));
    }

    private static void removeOwnTenantGuard(KeycloakSession session, RealmModel realm, IdentityProviderModel provider) {
        session.identityProviders().getMappersByAliasStream(provider.getAlias())
                .filter(m -> TENANT_GUARD_MAPPER.equals(m.getIdentityProviderMapper())
                        && TENANT_GUARD_MAPPER_NAME.equals(m.getName()))
                .toList()
                .forEach(m -> {
                    session.identityProviders().removeMapper(m);
                    LOG.infof("Realm '%s': removed the Entra tenant guard attached to opted-out identity provider '%s'",
                            LogSafe.of(realm.getName()), LogSafe.of(provider.getAlias()));
                });
    }

    static boolean needsTenantGuard(IdentityProviderModel provider) {
        return TENANT_GUARDED_TYPES.contains(provider.getProviderId());
    }

    static boolean hasTenantGuard(KeycloakSession session, IdentityProviderModel provider) {
        return session.identityProviders().getMappersByAliasStream(provider.getAlias())
                .anyMatch(m -> TENANT_GUARD_MAPPER.equals(m.getIdentityProviderMapper()));
    }

    /** The flow Keycloak runs for the provider's first sign-ins: its own override, else the realm's binding. */
    static AuthenticationFlowModel firstLoginFlow(RealmModel realm, IdentityProviderModel provider) {
        String id = provider.getFirstBrokerLoginFlowId();
        return id != null ? realm.getAuthenticationFlowById(id) : realm.getFirstBrokerLoginFlow();
    }

    /** Whether every pass through {@code flow} runs the social guard: a REQUIRED step, directly or in REQUIRED sub-flows. */
    static boolean hasSocialGuard(RealmModel realm, AuthenticationFlowModel flow) {
        if (flow == null) {
            return false;
        }
        for (AuthenticationExecutionModel execution : realm.getAuthenticationExecutionsStream(flow.getId()).toList()) {
            if (execution.getRequirement() != AuthenticationExecutionModel.Requirement.REQUIRED) {
                continue;
            }
            if (execution.isAuthenticatorFlow()) {
                if (hasSocialGuard(realm, realm.getAuthenticationFlowById(execution.getFlowId()))) {
                    return true;
                }
            } else if (SocialLoginGuardAuthenticatorFactory.PROVIDER_ID.equals(execution.getAuthenticator())) {
                return true;
            }
        }
        return false;
    }

    private static AuthenticationFlowModel claromentisFlow(RealmModel realm) {
        ClaromentisFirstLoginFlow.ensure(realm);
        return realm.getFlowByAlias(ClaromentisFirstLoginFlow.ALIAS);
    }

    /** What the admin summary shows for one provider. */
    static Map<String, Object> describe(KeycloakSession session, RealmModel realm, IdentityProviderModel provider) {
        LoginKind.Classification kind = LoginKind.classify(session, provider);
        ProviderSignInSettings settings = ProviderSignInSettings.of(provider);
        AuthenticationFlowModel flow = firstLoginFlow(realm, provider);
        boolean socialGuard = hasSocialGuard(realm, flow);
        String tenantGuard = !needsTenantGuard(provider) ? "not needed for type '" + provider.getProviderId() + "'"
                : hasTenantGuard(session, provider) ? "attached" : "missing";
        String status;
        if (settings.optedOut()) {
            status = "opted-out";
        } else if (socialGuard && !"missing".equals(tenantGuard)) {
            status = "guarded";
        } else {
            status = "not guarded";
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("alias", provider.getAlias());
        out.put("type", provider.getProviderId());
        out.put("kind", kind.kind().name().toLowerCase(java.util.Locale.ROOT));
        out.put("kindReason", kind.reason());
        out.put("firstLoginFlow", flow == null ? null : flow.getAlias());
        out.put("firstLoginFlowFrom", provider.getFirstBrokerLoginFlowId() != null ? "provider" : "realm");
        out.put("socialGuard", socialGuard);
        out.put("tenantGuard", tenantGuard);
        out.put("status", status);
        if (settings.optedOut()) {
            out.put("optedOutBy", ProviderSignInSettings.GUARD + "=off");
        }
        return out;
    }

    static List<Map<String, Object>> describeAll(KeycloakSession session, RealmModel realm) {
        return session.identityProviders().getAllStream().map(p -> describe(session, realm, p)).toList();
    }
}
