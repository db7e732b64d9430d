package com.claromentis.keycloak.console;

import com.claromentis.keycloak.common.LogSafe;
import com.claromentis.keycloak.connection.PeopleApiClients;
import com.claromentis.keycloak.connection.PeopleApiConnectionSettings;
import com.claromentis.keycloak.peopleapi.PeopleApiClient;
import com.claromentis.keycloak.peopleapi.UserQuery;
import com.claromentis.keycloak.peopleapi.error.PeopleApiException;
import com.claromentis.keycloak.sync.SyncHistory;
import com.claromentis.keycloak.sync.SyncMetrics;
import com.claromentis.keycloak.tenant.EntraRealmTenant;
import com.claromentis.keycloak.tenant.EntraTenants;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.logging.Logger;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;
import org.keycloak.storage.UserStorageProvider;
import org.keycloak.storage.UserStorageProviderModel;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static com.claromentis.keycloak.common.BundleAdminResourceFactory.actor;

/**
 * The realm's Claromentis state for the admin console page. Reading needs the realm-management {@code view-realm}
 * role; the connection test, which makes Keycloak call out with the stored credentials, needs {@code manage-realm},
 * as Keycloak's own LDAP connection test does.
 */
public final class ConsoleStateResource {

    private static final Logger LOG = Logger.getLogger(ConsoleStateResource.class);

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;

    ConsoleStateResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> state() {
        auth.realm().requireViewRealm();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("realm", realm.getName());
        out.put("entra", entra());
        out.put("peopleApi", PeopleApiClients.connectionOf(realm).map(ConsoleStateResource::connection).orElse(null));
        out.put("providers", realm.getComponentsStream(realm.getId(), UserStorageProvider.class.getName())
                .map(UserStorageProviderModel::new)
                .sorted(Comparator.comparingInt(UserStorageProviderModel::getPriority)
                        .thenComparing(UserStorageProviderModel::getName, Comparator.nullsLast(Comparator.naturalOrder())))
                .map(this::provider)
                .toList());
        // What the page may offer: it hides what the caller's roles would refuse anyway.
        Map<String, Object> may = new LinkedHashMap<>();
        may.put("testConnection", auth.realm().canManageRealm());
        may.put("viewOutbox", auth.users().canView());
        may.put("manageOutbox", auth.users().canManage());
        may.put("viewIdentityProviders", auth.realm().canViewIdentityProviders());
        out.put("may", may);
        return out;
    }

    /**
     * One People API request ({@code GET /users?limit=1}) with the stored settings of the realm's People API
     * connection, through a client of its own so that no cached token hides a credential that stopped working.
     */
    @POST
    @Path("people-api/test")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> testConnection() {
        auth.realm().requireManageRealm();
        Map<String, Object> out = new LinkedHashMap<>();
        Optional<ComponentModel> component = PeopleApiClients.connectionOf(realm);
        if (component.isEmpty()) {
            out.put("ok", false);
            out.put("message", "This realm has no Claromentis People API provider: add one under User federation");
            return out;
        }
        out.putAll(connection(component.get()));
        long started = System.nanoTime();
        try (PeopleApiClient client = session.getProvider(PeopleApiClients.class)
                .unshared(component.get(), PeopleApiClients.Use.STORAGE)) {
            client.listUsers(UserQuery.all().withLimit(1));
            out.put("ok", true);
            out.put("message", "Claromentis answered");
        } catch (PeopleApiException e) {
            out.put("ok", false);
            out.put("httpStatus", e.status() == 0 ? null : e.status());
            // The client's messages name the endpoint and status, never credentials or tokens.
            out.put("message", LogSafe.of(e.getMessage()));
        } catch (IllegalStateException | IllegalArgumentException e) {
            // Settings that cannot make a client, e.g. a vault reference that does not resolve.
            out.put("ok", false);
            out.put("message", "The settings cannot be used: " + LogSafe.of(e.getMessage()));
        }
        out.put("millis", (System.nanoTime() - started) / 1_000_000);
        LOG.infof("People API connection test of realm %s by administrator '%s': %s", LogSafe.of(realm.getName()),
                actor(auth), Boolean.TRUE.equals(out.get("ok")) ? "answered" : "failed, " + out.get("message"));
        return out;
    }

    private Map<String, Object> entra() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tenant", EntraRealmTenant.resolve(session, realm).orElse(null));
        out.put("signInProviders", EntraRealmTenant.signInProviders(session)
                .filter(p -> EntraRealmTenant.ENTRA_ID_PROVIDER.equals(p.getProviderId()))
                .map(p -> p.getAlias())
                .sorted()
                .toList());
        out.put("directories", EntraRealmTenant.directories(realm).map(ComponentModel::getName).sorted().toList());
        out.put("realmAttribute", realm.getAttribute(EntraTenants.REALM_TENANT_ATTRIBUTE));
        out.put("guestsAllowed", EntraRealmTenant.guestsAllowed(session));
        return out;
    }

    private static Map<String, Object> connection(ComponentModel component) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("component", component.getName());
        out.put("componentId", component.getId());
        out.put("baseUrl", new PeopleApiConnectionSettings(component).baseUrl());
        out.put("enabled", new UserStorageProviderModel(component).isEnabled());
        return out;
    }

    private Map<String, Object> provider(UserStorageProviderModel model) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", model.getId());
        out.put("name", model.getName());
        out.put("type", model.getProviderId());
        out.put("enabled", model.isEnabled());
        out.put("fullSyncPeriod", model.getFullSyncPeriod());
        out.put("changedSyncPeriod", model.getChangedSyncPeriod());
        out.put("lastFull", SyncHistory.last(session, model.getId(), SyncMetrics.Kind.FULL).orElse(null));
        out.put("lastChanged", SyncHistory.last(session, model.getId(), SyncMetrics.Kind.CHANGED).orElse(null));
        return out;
    }

}
