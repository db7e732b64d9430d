package com.claromentis.keycloak.connection;

import com.claromentis.keycloak.peopleapi.PeopleApiClient;
import com.claromentis.keycloak.peopleapi.PeopleApiConfig;
import com.claromentis.keycloak.peopleapi.RetryPolicy;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** Holds every People API client of the server, one per component and use. */
public final class DefaultPeopleApiClientsFactory implements PeopleApiClientsFactory {

    private static final Logger LOG = Logger.getLogger(DefaultPeopleApiClientsFactory.class);

    private final Map<Key, Held> clients = new ConcurrentHashMap<>();

    @Override
    public PeopleApiClients create(KeycloakSession session) {
        return new Registry(session);
    }

    @Override
    public void init(Config.Scope config) {
        // Nothing to configure: the clients' settings are the components'.
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        // Clients are built on first use, when a session and its realm (for vault references) are at hand.
    }

    @Override
    public void close() {
        clients.values().forEach(held -> held.client().close());
        clients.clear();
    }

    @Override
    public String getId() {
        return "default";
    }

    private PeopleApiClient shared(KeycloakSession session, ComponentModel component, PeopleApiClients.Use use) {
        Key key = new Key(component.getId(), use);
        Map<String, List<String>> settings = connectionSettings(component);
        Held held = clients.get(key);
        if (held != null && held.settings().equals(settings)) {
            return held.client();
        }
        Held fresh = new Held(settings, build(session, component, use));
        Held previous = clients.put(key, fresh);
        if (previous != null) {
            LOG.debugf("People API connection settings of component %s changed; client rebuilt", component.getId());
            previous.client().close();
        }
        return fresh.client();
    }

    private void release(String componentId) {
        clients.entrySet().removeIf(entry -> {
            if (Objects.equals(entry.getKey().componentId(), componentId)) {
                entry.getValue().client().close();
                return true;
            }
            return false;
        });
    }

    private static PeopleApiClient build(KeycloakSession session, ComponentModel component, PeopleApiClients.Use use) {
        PeopleApiConfig.Builder builder = KeycloakHttpSettings.apply(session, new PeopleApiConnectionSettings(component)
                .clientConfig(value -> KeycloakHttpSettings.resolveSecret(session, value)))
                .requestListener(PeopleApiMetrics.shared());
        if (use == PeopleApiClients.Use.OUTBOX) {
            // The outbox retries on its own schedule (minutes, across restarts); retrying inside a call as well
            // would only hold the worker thread while Claromentis is down.
            builder.retryPolicy(RetryPolicy.none()).userAgent("claromentis-keycloak-outbox");
        }
        return PeopleApiClient.create(builder.build());
    }

    /** The settings a client is built from, compared whole: a hash of them could let two configurations collide. */
    static Map<String, List<String>> connectionSettings(ComponentModel component) {
        Map<String, List<String>> settings = new java.util.HashMap<>();
        for (var property : PeopleApiConnectionSettings.PROPERTIES) {
            // get, never getList: getList adds an empty entry for a missing key, and the model is often the one
            // Keycloak's realm cache shares between threads, whose config map parallel deliveries would then corrupt.
            List<String> values = component.getConfig().get(property.getName());
            settings.put(property.getName(), values == null ? List.of() : List.copyOf(values));
        }
        return Map.copyOf(settings);
    }

    private record Key(String componentId, PeopleApiClients.Use use) {
    }

    private record Held(Map<String, List<String>> settings, PeopleApiClient client) {
    }

    private final class Registry implements PeopleApiClients {
        private final KeycloakSession session;

        Registry(KeycloakSession session) {
            this.session = session;
        }

        @Override
        public PeopleApiClient client(ComponentModel component, Use use) {
            return shared(session, component, use);
        }

        @Override
        public PeopleApiClient unshared(ComponentModel component, Use use) {
            return build(session, component, use);
        }

        @Override
        public void release(String componentId) {
            DefaultPeopleApiClientsFactory.this.release(componentId);
        }

        @Override
        public void close() {
            // The clients outlive the session; the factory closes them.
        }
    }
}
