package com.claromentis.keycloak.connection;

import com.claromentis.keycloak.peopleapi.PeopleApiClient;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.Provider;
import org.keycloak.storage.UserStorageProvider;
import org.keycloak.storage.UserStorageProviderModel;

import java.util.Comparator;
import java.util.Optional;

/**
 * The one registry of People API clients (connection pool, token cache) of the server, as Keycloak's
 * {@code LDAPIdentityStoreRegistry} is for LDAP: keyed by component id and use, rebuilt when the component's
 * connection settings change, dropped when the component is removed. Every module asks for its client here.
 */
public interface PeopleApiClients extends Provider {

    /** Provider id of the user storage component that holds a realm's People API connection. */
    String PEOPLE_API_PROVIDER_ID = "claromentis-people-api";

    /** Why a client is wanted: each use has its own retry policy and user agent. */
    enum Use {
        /** Sign-ins, admin searches and sync: idempotent calls are retried within the call. */
        STORAGE,
        /** Provisioning delivery: the outbox retries on its own schedule, so calls are not retried within. */
        OUTBOX
    }

    /** The shared client of {@code component} for {@code use}, with secrets resolved in the session's realm. */
    PeopleApiClient client(ComponentModel component, Use use);

    /**
     * A client that nobody else shares, for a one-off call (the probe at save) with settings not stored yet;
     * the caller closes it.
     */
    PeopleApiClient unshared(ComponentModel component, Use use);

    /** Closes and forgets the clients of a removed or changed component. */
    void release(String componentId);

    /** The component a realm's provisioning is delivered with: enabled before disabled, then by priority. */
    static Optional<ComponentModel> connectionOf(RealmModel realm) {
        return realm.getComponentsStream(realm.getId(), UserStorageProvider.class.getName())
                .filter(c -> PEOPLE_API_PROVIDER_ID.equals(c.getProviderId()))
                .min(Comparator
                        .comparing((ComponentModel c) -> !new UserStorageProviderModel(c).isEnabled())
                        .thenComparingInt(c -> new UserStorageProviderModel(c).getPriority())
                        .thenComparing(ComponentModel::getId));
    }
}
