package com.claromentis.keycloak.storage;

import com.claromentis.keycloak.connection.PeopleApiClients;
import com.claromentis.keycloak.peopleapi.PeopleApiClient;
import com.claromentis.keycloak.peopleapi.UserQuery;
import com.claromentis.keycloak.peopleapi.error.PeopleApiException;
import com.claromentis.keycloak.profile.ClaromentisProfile;
import com.claromentis.keycloak.common.LogSafe;
import com.claromentis.keycloak.sync.ExclusiveSync;
import com.claromentis.keycloak.sync.SyncMetrics;
import org.jboss.logging.Logger;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.storage.CacheableStorageProviderModel;
import org.keycloak.storage.UserStorageProviderFactory;
import org.keycloak.storage.UserStorageProviderModel;
import org.keycloak.storage.user.ImportSynchronization;
import org.keycloak.storage.user.SynchronizationResult;

import java.time.Clock;
import java.util.Date;
import java.util.List;

/** Registers the {@value #PROVIDER_ID} user storage provider and runs its synchronisation. */
public final class PeopleApiStorageProviderFactory
        implements UserStorageProviderFactory<PeopleApiStorageProvider>, ImportSynchronization {

    public static final String PROVIDER_ID = PeopleApiClients.PEOPLE_API_PROVIDER_ID;

    private static final Logger LOG = Logger.getLogger(PeopleApiStorageProviderFactory.class);

    private final Freshness freshness = new Freshness(Clock.systemUTC());
    private final RecentlyApplied recentlyApplied = new RecentlyApplied();

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getHelpText() {
        return "Claromentis users created through the People API v2 (for example by an HR system), imported into Keycloak.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return PeopleApiStorageConfig.PROPERTIES;
    }

    @Override
    public PeopleApiStorageProvider create(KeycloakSession session, ComponentModel model) {
        return new PeopleApiStorageProvider(session, new UserStorageProviderModel(model), this);
    }

    @Override
    public void validateConfiguration(KeycloakSession session, RealmModel realm, ComponentModel model)
            throws ComponentValidationException {
        UserStorageProviderModel storage = new UserStorageProviderModel(model);
        if (!storage.isImportEnabled()) {
            throw PeopleApiStorageConfig.invalid("'Import users' must stay on: People API users are always imported");
        }
        PeopleApiStorageConfig config = new PeopleApiStorageConfig(model);
        config.validate();
        alignCachePolicy(model, storage, config);
        if (!storage.isEnabled() || com.claromentis.keycloak.connection.ComponentSettings.onlySyncTimeChanged(realm, model)) {
            return;
        }
        // An administrator learns at once that the URL or credentials are wrong, not at the next sign-in.
        try (PeopleApiClient probe = clients(session).unshared(model, PeopleApiClients.Use.STORAGE)) {
            probe.listUsers(UserQuery.all().withLimit(1));
        } catch (PeopleApiException e) {
            // The message quotes only a People API error in its documented shape; of other answers it gives the kind.
            throw PeopleApiStorageConfig.invalid("Claromentis People API at " + LogSafe.of(config.baseUrl())
                    + " cannot be used: " + LogSafe.of(e.getMessage()));
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw PeopleApiStorageConfig.invalid("Claromentis People API settings cannot be used: " + LogSafe.of(e.getMessage()));
        }
    }

    @Override
    public void onCreate(KeycloakSession session, RealmModel realm, ComponentModel model) {
        ClaromentisProfile.declare(session);
        // On creation Keycloak stores the component before validateConfiguration's changes reach it; store them now.
        String before = model.get(CacheableStorageProviderModel.CACHE_POLICY) + "/" + model.get(CacheableStorageProviderModel.MAX_LIFESPAN);
        alignCachePolicy(model, new UserStorageProviderModel(model), new PeopleApiStorageConfig(model));
        String after = model.get(CacheableStorageProviderModel.CACHE_POLICY) + "/" + model.get(CacheableStorageProviderModel.MAX_LIFESPAN);
        if (!before.equals(after)) {
            realm.updateComponent(model);
        }
    }

    @Override
    public void onUpdate(KeycloakSession session, RealmModel realm, ComponentModel oldModel, ComponentModel newModel) {
        if (com.claromentis.keycloak.connection.ComponentSettings.onlySyncTimeChanged(oldModel, newModel)) {
            // Keycloak saving the time of a sync: the client and the user profile stay as they are.
            return;
        }
        ClaromentisProfile.declare(session);
        clients(session).release(oldModel.getId());
        // New settings may import the same answer differently: the next changed sync compares everyone it reads.
        recentlyApplied.forget(oldModel.getId());
    }

    @Override
    public void preRemove(KeycloakSession session, RealmModel realm, ComponentModel model) {
        clients(session).release(model.getId());
        freshness.forgetComponent(model.getId());
        recentlyApplied.forget(model.getId());
    }

    @Override
    public SynchronizationResult sync(KeycloakSessionFactory sessionFactory, String realmId, UserStorageProviderModel model) {
        return runSync(sessionFactory, realmId, model, null);
    }

    @Override
    public SynchronizationResult syncSince(Date lastSync, KeycloakSessionFactory sessionFactory, String realmId,
                                           UserStorageProviderModel model) {
        return runSync(sessionFactory, realmId, model, lastSync);
    }

    @Override
    public void close() {
        // The People API clients belong to the server-wide registry, which closes them.
    }

    Freshness freshness() {
        return freshness;
    }

    /** The shared client for a component, rebuilt by the registry when its settings change. */
    PeopleApiClient client(KeycloakSession session, ComponentModel model) {
        return clients(session).client(model, PeopleApiClients.Use.STORAGE);
    }

    private static PeopleApiClients clients(KeycloakSession session) {
        return session.getProvider(PeopleApiClients.class);
    }

    private SynchronizationResult runSync(KeycloakSessionFactory sessionFactory, String realmId,
                                          UserStorageProviderModel model, Date since) {
        if (!model.isEnabled()) {
            LOG.debugf("Provider '%s' is disabled; sync skipped", LogSafe.of(model.getName()));
            return SynchronizationResult.ignored();
        }
        PeopleApiClient client = org.keycloak.models.utils.KeycloakModelUtils.runJobInTransactionWithResult(
                sessionFactory, session -> {
                    // A sync runs outside any request: Keycloak's vault resolves ${vault.key} per realm, so the
                    // realm must be in the context before the secrets are read.
                    session.getContext().setRealm(session.realms().getRealm(realmId));
                    return client(session, model);
                });
        PeopleApiSync sync = new PeopleApiSync(sessionFactory, realmId, model, client, freshness, recentlyApplied);
        SyncMetrics.Kind kind = since == null ? SyncMetrics.Kind.FULL : SyncMetrics.Kind.CHANGED;
        try {
            return ExclusiveSync.run(sessionFactory, PROVIDER_ID, model, kind,
                    startedAt -> since == null ? sync.full()
                            : sync.changedSince(since.toInstant(), startedAt), FailedSync.class::isInstance);
        } catch (PeopleApiException e) {
            LOG.errorf("Provider '%s': sync stopped, Claromentis could not be read: %s", LogSafe.of(model.getName()),
                    LogSafe.of(e.getMessage()));
            return new FailedSync("Claromentis could not be read (" + LogSafe.of(e.getMessage()) + "); no user was removed. "
                    + "See the server log for more details");
        }
    }

    /**
     * Keycloak's user cache returns a cached imported user without asking the provider to validate it, which would
     * make the freshness setting (and "refuse when unreachable") meaningless. So cached copies live exactly as long
     * as the freshness, unless the administrator chose not to cache at all.
     */
    private static void alignCachePolicy(ComponentModel model, UserStorageProviderModel storage, PeopleApiStorageConfig config) {
        if (storage.getCachePolicy() == CacheableStorageProviderModel.CachePolicy.NO_CACHE) {
            return;
        }
        long lifespan = config.freshness().toMillis();
        if (lifespan == 0) {
            model.getConfig().putSingle(CacheableStorageProviderModel.CACHE_POLICY,
                    CacheableStorageProviderModel.CachePolicy.NO_CACHE.name());
        } else {
            model.getConfig().putSingle(CacheableStorageProviderModel.CACHE_POLICY,
                    CacheableStorageProviderModel.CachePolicy.MAX_LIFESPAN.name());
            model.getConfig().putSingle(CacheableStorageProviderModel.MAX_LIFESPAN, Long.toString(lifespan));
        }
    }
}
