package com.claromentis.keycloak.outbox;

import com.claromentis.keycloak.connection.KeycloakHttpSettings;
import com.claromentis.keycloak.peopleapi.PeopleApiClient;
import com.claromentis.keycloak.peopleapi.PeopleApiConfig;
import com.claromentis.keycloak.peopleapi.RetryPolicy;
import com.claromentis.keycloak.storage.PeopleApiStorageConfig;
import com.claromentis.keycloak.storage.PeopleApiStorageProviderFactory;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.storage.UserStorageProvider;
import org.keycloak.storage.UserStorageProviderModel;

import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the outbox delivers to: the realm's {@code claromentis-people-api} component, whose URL, credentials
 * (vault references included), timeouts and field mapping it reuses, with Keycloak's truststore and proxy. A
 * disabled component still serves: an administrator who wants provisioning without importing HR users adds the
 * component and leaves it disabled.
 */
final class OutboxConnections implements AutoCloseable {

    private static final Comparator<ComponentModel> PREFERRED = Comparator
            .comparing((ComponentModel c) -> !new UserStorageProviderModel(c).isEnabled())
            .thenComparingInt(c -> new UserStorageProviderModel(c).getPriority())
            .thenComparing(ComponentModel::getId);

    /** One client (connection pool, token cache) per component, rebuilt when the component's settings change. */
    private final Map<String, Held> clients = new ConcurrentHashMap<>();

    /** The component the realm's changes are delivered with: enabled before disabled, then by priority. */
    static Optional<ComponentModel> component(RealmModel realm) {
        return realm.getComponentsStream(realm.getId(), UserStorageProvider.class.getName())
                .filter(c -> PeopleApiStorageProviderFactory.PROVIDER_ID.equals(c.getProviderId()))
                .min(PREFERRED);
    }

    PeopleApiClient client(KeycloakSession session, ComponentModel model) {
        Held held = clients.get(model.getId());
        if (held != null && held.config.equals(model.getConfig())) {
            return held.client;
        }
        Held fresh = new Held(new MultivaluedHashMap<>(model.getConfig()), newClient(session, model));
        Held previous = clients.put(model.getId(), fresh);
        if (previous != null) {
            previous.client.close();
        }
        return fresh.client;
    }

    @Override
    public void close() {
        clients.values().forEach(held -> held.client.close());
        clients.clear();
    }

    private static PeopleApiClient newClient(KeycloakSession session, ComponentModel model) {
        PeopleApiConfig.Builder builder = new PeopleApiStorageConfig(model)
                .clientConfig(value -> KeycloakHttpSettings.resolveSecret(session, value));
        KeycloakHttpSettings.apply(session, builder)
                // The outbox retries on its own schedule (minutes, across restarts); retrying inside a call as well
                // would only hold the worker thread while Claromentis is down.
                .retryPolicy(RetryPolicy.none())
                .userAgent("claromentis-keycloak-outbox");
        return PeopleApiClient.create(builder.build());
    }

    private record Held(MultivaluedHashMap<String, String> config, PeopleApiClient client) {
    }
}
