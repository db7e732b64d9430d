package com.claromentis.keycloak.entra;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.jboss.logging.Logger;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.IdentityProviderQuery;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The one Entra tenant a realm accepts: that of its {@code entra-id} providers; when the realm has none, the
 * {@code claromentis.entra.tenant} realm attribute (so a realm using only Keycloak's microsoft provider can still
 * be pinned to a tenant).
 */
final class EntraRealmTenant {

    private static final Logger log = Logger.getLogger(EntraRealmTenant.class);

    private static final String SESSION_KEY = "claromentis.entra.realmTenant.";

    private EntraRealmTenant() {
    }

    /**
     * The realm's tenant, looked up once per request: the guard mapper, the guard step and token exchange may each
     * ask within one sign-in, and each lookup lists the realm's identity providers.
     */
    static Optional<String> resolve(KeycloakSession session, RealmModel realm) {
        String key = SESSION_KEY + realm.getId();
        Object known = session.getAttribute(key);
        if (known instanceof Resolved resolved) {
            return resolved.tenant();
        }
        Optional<String> tenant = lookUp(session, realm);
        session.setAttribute(key, new Resolved(tenant));
        return tenant;
    }

    private record Resolved(Optional<String> tenant) {
    }

    private static Optional<String> lookUp(KeycloakSession session, RealmModel realm) {
        List<String> tenants = session.identityProviders().getAllStream(IdentityProviderQuery.any(), null, null)
                .filter(p -> EntraIdIdentityProviderFactory.PROVIDER_ID.equals(p.getProviderId()))
                .map(IdentityProviderModel::getConfig)
                .map(c -> c == null ? null : c.get(EntraIdConfig.TENANT))
                .filter(t -> t != null && !t.isBlank())
                .map(t -> t.trim().toLowerCase(Locale.ROOT))
                .distinct()
                .toList();
        if (tenants.size() > 1) {
            // Only possible for data stored around the admin API; refusing everyone is safer than picking one.
            log.errorf("Realm '%s' has entra-id providers for %d different tenants; all Microsoft sign-ins are refused",
                    realm.getName(), tenants.size());
            return Optional.empty();
        }
        if (tenants.size() == 1) {
            return EntraTenants.isGuid(tenants.get(0)) ? Optional.of(tenants.get(0)) : Optional.empty();
        }
        String attribute = realm.getAttribute(EntraTenants.REALM_TENANT_ATTRIBUTE);
        if (attribute == null) {
            return Optional.empty();
        }
        String tenant = attribute.trim().toLowerCase(Locale.ROOT);
        return EntraTenants.isGuid(tenant) && EntraTenants.refusalReason(tenant).isEmpty() ? Optional.of(tenant) : Optional.empty();
    }
}
