package com.claromentis.keycloak.directory.sync;

import com.claromentis.keycloak.sync.ExclusiveSync;
import com.claromentis.keycloak.sync.SyncMetrics;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.storage.UserStorageProviderModel;
import org.keycloak.storage.ldap.LDAPStorageProviderFactory;
import org.keycloak.storage.user.SynchronizationResult;

import java.util.Date;

/**
 * Keycloak's own LDAP federation under its own id ({@value LDAPStorageProviderFactory#PROVIDER_NAME}, so the admin
 * console keeps drawing its LDAP settings page and every existing LDAP provider uses it), with its full and
 * changed-users syncs run under the bundle's sync lease ({@link ExclusiveSync}): Keycloak's per-component sync lock
 * runs out after the sync period and is not renewed, so a long full sync would otherwise start on a second node.
 * Keycloak uses the factory with the higher {@link #order()} when two register the same id; connection, sync engine,
 * mappers and their own sync action stay Keycloak's.
 */
public final class LeasedLdapStorageProviderFactory extends LDAPStorageProviderFactory {

    /** The metrics' provider tag and the lease's prefix. */
    static final String PROVIDER_TYPE = LDAPStorageProviderFactory.PROVIDER_NAME;

    @Override
    public SynchronizationResult sync(KeycloakSessionFactory sessionFactory, String realmId, UserStorageProviderModel model) {
        return ExclusiveSync.run(sessionFactory, PROVIDER_TYPE, model, SyncMetrics.Kind.FULL,
                () -> super.sync(sessionFactory, realmId, model), ExclusiveSync::nothingButFailures);
    }

    @Override
    public SynchronizationResult syncSince(Date lastSync, KeycloakSessionFactory sessionFactory, String realmId,
                                           UserStorageProviderModel model) {
        return ExclusiveSync.run(sessionFactory, PROVIDER_TYPE, model, SyncMetrics.Kind.CHANGED,
                () -> super.syncSince(lastSync, sessionFactory, realmId, model), ExclusiveSync::nothingButFailures);
    }

    @Override
    public int order() {
        return 1;
    }
}
