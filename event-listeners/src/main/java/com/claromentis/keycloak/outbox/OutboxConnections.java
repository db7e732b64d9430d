package com.claromentis.keycloak.outbox;

import com.claromentis.keycloak.connection.PeopleApiClients;
import com.claromentis.keycloak.peopleapi.PeopleApiClient;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.Optional;

/**
 * Where the outbox delivers to: the realm's {@code claromentis-people-api} component, whose URL, credentials
 * (vault references included), timeouts and field mapping it reuses, with Keycloak's truststore and proxy. A
 * disabled component still serves: an administrator who wants provisioning without importing HR users adds the
 * component and leaves it disabled. The clients themselves live in the server's one {@link PeopleApiClients}.
 */
final class OutboxConnections {

    /** The component the realm's changes are delivered with: enabled before disabled, then by priority. */
    static Optional<ComponentModel> component(RealmModel realm) {
        return PeopleApiClients.connectionOf(realm);
    }

    PeopleApiClient client(KeycloakSession session, ComponentModel model) {
        return session.getProvider(PeopleApiClients.class).client(model, PeopleApiClients.Use.OUTBOX);
    }
}
