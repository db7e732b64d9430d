package com.claromentis.keycloak.graph;

import com.claromentis.keycloak.common.LogSafe;
import com.claromentis.keycloak.connection.ComponentSettings;
import com.claromentis.keycloak.connection.KeycloakHttpSettings;
import com.claromentis.keycloak.profile.ClaromentisProfile;
import com.claromentis.keycloak.sync.ExclusiveSync;
import com.claromentis.keycloak.sync.SyncMetrics;
import com.claromentis.keycloak.tenant.DiscoveryTenantLookup;
import com.claromentis.keycloak.tenant.EntraRealmTenant;
import com.claromentis.keycloak.tenant.EntraTenants;
import org.jboss.logging.Logger;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.storage.UserStorageProviderFactory;
import org.keycloak.storage.UserStorageProviderModel;
import org.keycloak.storage.user.ImportSynchronization;
import org.keycloak.storage.user.SynchronizationResult;

import java.time.Clock;
import java.util.Date;
import java.util.List;

/**
 * Registers the {@value EntraRealmTenant#DIRECTORY_PROVIDER} user storage provider: the realm's one Entra tenant,
 * synced through Microsoft Graph in import mode (full listing, then delta queries).
 */
public final class EntraDirectoryProviderFactory
        implements UserStorageProviderFactory<EntraDirectoryProvider>, ImportSynchronization {

    public static final String PROVIDER_ID = EntraRealmTenant.DIRECTORY_PROVIDER;

    private static final Logger LOG = Logger.getLogger(EntraDirectoryProviderFactory.class);

    /**
     * One client per provider, kept from one sync to the next (its connections and its token with it), built again
     * when the settings or the resolved credential change. Syncs of one provider never overlap (Keycloak's lock).
     */
    private final java.util.Map<String, Held> clients = new java.util.concurrent.ConcurrentHashMap<>();

    private record Held(String fingerprint, GraphClient client) {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getHelpText() {
        return "Microsoft Entra ID (Azure AD) users and groups of the realm's one tenant, synced through Microsoft Graph "
                + "(delta queries for changed-users syncs) and provisioned to Claromentis.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return GraphDirectoryConfig.PROPERTIES;
    }

    @Override
    public EntraDirectoryProvider create(KeycloakSession session, ComponentModel model) {
        return new EntraDirectoryProvider();
    }

    @Override
    public void validateConfiguration(KeycloakSession session, RealmModel realm, ComponentModel model)
            throws ComponentValidationException {
        UserStorageProviderModel storage = new UserStorageProviderModel(model);
        if (!storage.isImportEnabled()) {
            throw ComponentSettings.invalid("'Import users' must stay on: Entra users are always imported");
        }
        GraphDirectoryConfig config = new GraphDirectoryConfig(model);
        config.validate();
        if (ComponentSettings.onlySyncTimeChanged(realm, model)) {
            return;
        }
        String tenant;
        try {
            tenant = EntraTenants.resolve(model.get(GraphDirectoryConfig.TENANT), config.authority(),
                    new DiscoveryTenantLookup(session));
            EntraRealmTenant.requireOnly(tenant, EntraRealmTenant.signInProviders(session),
                    EntraRealmTenant.directories(realm).filter(c -> !c.getId().equals(model.getId())));
        } catch (IllegalArgumentException e) {
            throw ComponentSettings.invalid(e.getMessage());
        }
        model.getConfig().putSingle(GraphDirectoryConfig.TENANT, tenant);
        if (!storage.isEnabled()) {
            return;
        }
        // The administrator learns now that the app, its secret or its permissions are wrong, not at the first sync.
        try {
            GraphClient probe = client(session, model);
            probe.page("/v1.0/users?$select=id&$top=1");
        } catch (GraphException e) {
            throw ComponentSettings.invalid("Microsoft Graph cannot be used with these settings: " + e.getMessage());
        } catch (IllegalStateException e) {
            throw ComponentSettings.invalid(LogSafe.of(e.getMessage()));
        }
    }

    @Override
    public void onCreate(KeycloakSession session, RealmModel realm, ComponentModel model) {
        bind(session, realm, model);
    }

    @Override
    public void onUpdate(KeycloakSession session, RealmModel realm, ComponentModel oldModel, ComponentModel newModel) {
        if (!ComponentSettings.onlySyncTimeChanged(oldModel, newModel)) {
            bind(session, realm, newModel);
        }
    }

    @Override
    public void preRemove(KeycloakSession session, RealmModel realm, ComponentModel model) {
        DeltaState.forget(session, model.getId());
        clients.remove(model.getId());
    }

    private GraphClient shared(KeycloakSession session, ComponentModel model) {
        GraphDirectoryConfig config = new GraphDirectoryConfig(model);
        String credential = config.clientCertificate() != null ? config.clientCertificate() : config.clientSecret();
        String resolved = KeycloakHttpSettings.resolveSecret(session, credential);
        // The credential enters the fingerprint only as a digest, so no copy of it is kept beside the client's own.
        String fingerprint = String.join("|", String.valueOf(config.tenant()), config.authority().base(),
                config.graph().origin(), String.valueOf(config.clientId()), digest(resolved));
        Held held = clients.get(model.getId());
        if (held != null && held.fingerprint().equals(fingerprint)) {
            return held.client();
        }
        GraphClient client = client(session, model);
        clients.put(model.getId(), new Held(fingerprint, client));
        return client;
    }

    private static String digest(String value) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(String.valueOf(value).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JVM", e);
        }
    }

    @Override
    public SynchronizationResult sync(KeycloakSessionFactory sessionFactory, String realmId, UserStorageProviderModel model) {
        return run(sessionFactory, realmId, model, false);
    }

    @Override
    public SynchronizationResult syncSince(Date lastSync, KeycloakSessionFactory sessionFactory, String realmId,
                                           UserStorageProviderModel model) {
        return run(sessionFactory, realmId, model, true);
    }

    private SynchronizationResult run(KeycloakSessionFactory sessionFactory, String realmId, UserStorageProviderModel model,
                                      boolean changed) {
        if (!model.isEnabled()) {
            LOG.debugf("Provider '%s' is disabled; sync skipped", LogSafe.of(model.getName()));
            return SynchronizationResult.ignored();
        }
        try {
            GraphClient client = KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory, session -> {
                // Outside a request the vault resolves ${vault.key} per realm, so the realm must be in the context.
                session.getContext().setRealm(session.realms().getRealm(realmId));
                return shared(session, model);
            });
            GraphSync sync = new GraphSync(sessionFactory, realmId, model, client);
            return ExclusiveSync.run(sessionFactory, PROVIDER_ID, model,
                    changed ? SyncMetrics.Kind.CHANGED : SyncMetrics.Kind.FULL, changed ? sync::changed : sync::full,
                    ExclusiveSync::nothingButFailures);
        } catch (GraphException | IllegalStateException e) {
            LOG.errorf("Provider '%s': sync stopped, nobody was removed: %s", LogSafe.of(model.getName()),
                    LogSafe.of(e.getMessage()));
            SynchronizationResult failed = new SynchronizationResult();
            failed.setFailed(1);
            return failed;
        }
    }

    /** The tenant is the realm's, for every provider that reads it (the guards of the built-in microsoft provider). */
    private static void bind(KeycloakSession session, RealmModel realm, ComponentModel model) {
        ClaromentisProfile.declare(session);
        String tenant = model.get(GraphDirectoryConfig.TENANT);
        if (tenant != null && EntraTenants.isGuid(tenant) && !tenant.equals(realm.getAttribute(EntraTenants.REALM_TENANT_ATTRIBUTE))) {
            realm.setAttribute(EntraTenants.REALM_TENANT_ATTRIBUTE, tenant);
        }
    }

    private static GraphClient client(KeycloakSession session, ComponentModel model) {
        GraphDirectoryConfig config = new GraphDirectoryConfig(model);
        AppCertificate certificate = null;
        String secret = null;
        if (config.clientCertificate() != null) {
            try {
                certificate = AppCertificate.parse(KeycloakHttpSettings.resolveSecret(session, config.clientCertificate()));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        } else {
            secret = KeycloakHttpSettings.resolveSecret(session, config.clientSecret());
        }
        return new GraphClient(KeycloakHttpSettings.apply(session, GraphClient.httpBuilder()).build(), config.graph(),
                config.authority(), config.tenant(), config.clientId(), secret, certificate, GraphClient.DEFAULT_ATTEMPTS,
                duration -> Thread.sleep(duration.toMillis()), Clock.systemUTC());
    }
}
