package com.claromentis.keycloak.outbox;

import com.claromentis.keycloak.common.LogSafe;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderEvent;

import java.security.SecureRandom;
import java.util.List;
import java.util.Map;

/**
 * The {@value #PROVIDER_ID} event listener, and the owner of the outbox's server-wide parts: settings, the delivery
 * worker, the People API clients and the counters. An administrator switches provisioning on for a realm by adding
 * the listener under Realm settings, Events, Event listeners.
 */
public final class ProvisioningEventListenerFactory implements EventListenerProviderFactory {

    public static final String PROVIDER_ID = "claromentis-provisioning";

    private static final Logger LOG = Logger.getLogger(ProvisioningEventListenerFactory.class);

    private OutboxSettings settings;
    private OutboxMetrics metrics;
    private OutboxConnections connections;
    private OutboxWorker worker;

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public void init(Config.Scope config) {
        settings = OutboxSettings.from(config);
    }

    @Override
    public void postInit(KeycloakSessionFactory sessionFactory) {
        metrics = OutboxMetrics.create();
        connections = new OutboxConnections();
        SecureRandom random = new SecureRandom();
        worker = new OutboxWorker(sessionFactory, settings, new Delivery(connections, settings),
                new RetrySchedule(settings, random::nextDouble), metrics);
        sessionFactory.register(this::onProviderEvent);
    }

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new ProvisioningEventListener(session);
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return OutboxSettings.PROPERTIES;
    }

    @Override
    public void close() {
        if (worker != null) {
            worker.close();
        }
        if (metrics != null) {
            metrics.close();
        }
    }

    OutboxSettings settings() {
        return settings;
    }

    OutboxMetrics metrics() {
        return metrics;
    }

    /** A transaction that queued {@code count} changes (0 for a replay) committed on this node. */
    /** @param bulkRealm the realm a bulk import queued the changes for, or null: delivery waits for it to be quiet */
    void committed(Map<ChangeType, Integer> queued, String bulkRealm) {
        metrics.queued(queued);
        int count = queued.values().stream().mapToInt(Integer::intValue).sum();
        if (bulkRealm == null) {
            worker.wakeUp();
        } else if (count > 0) {
            worker.importing(bulkRealm);
        }
    }

    private void onProviderEvent(ProviderEvent event) {
        if (event instanceof PostMigrationEvent) {
            // The outbox table exists only once Keycloak has run the changelogs; poll from then on.
            worker.start();
        } else if (event instanceof UserModel.UserPreRemovedEvent removed) {
            userRemoved(removed.getKeycloakSession(), removed.getRealm(), removed.getUser());
        } else if (event instanceof RealmModel.RealmRemovedEvent removed) {
            int dropped = OutboxWorker.store(removed.getKeycloakSession()).deleteRealm(removed.getRealm().getId());
            if (dropped > 0) {
                LOG.infof("Dropped %d undelivered provisioning change(s) of removed realm %s", dropped,
                        LogSafe.of(removed.getRealm().getName()));
            }
        }
    }

    /** Queued here rather than from the admin event, which arrives after the user (and its username) is gone. */
    private static void userRemoved(KeycloakSession session, RealmModel realm, UserModel user) {
        if (!ProvisioningOutbox.enabledFor(realm)) {
            return;
        }
        ProvisioningOutbox.enqueue(session, realm, user, ChangeType.DELETE, Delivery.known(user));
    }
}
