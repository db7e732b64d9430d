package com.claromentis.keycloak.tenant;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.jboss.logging.Logger;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.IdentityProviderQuery;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The one Entra tenant a realm accepts, and the rule that keeps it one: every {@code entra-id} sign-in provider and
 * every {@code entra-id-directory} sync provider of a realm names the same tenant. Sign-in, the tenant guards and the
 * directory sync all read the tenant here, so they cannot disagree about it.
 *
 * <p>The tenant is that of the realm's {@code entra-id} providers; when the realm has none, the
 * {@value EntraTenants#REALM_TENANT_ATTRIBUTE} realm attribute, which both kinds of provider write when saved (so a
 * realm that only syncs, or uses only Keycloak's microsoft provider, is still pinned to one tenant).
 */
public final class EntraRealmTenant {

    /** Provider id of the sign-in provider. */
    public static final String ENTRA_ID_PROVIDER = "entra-id";
    /** Provider id of the Microsoft Graph directory sync. */
    public static final String DIRECTORY_PROVIDER = "entra-id-directory";
    /** Config key of the tenant, the same on both kinds of provider. */
    public static final String TENANT = "tenant";
    /** Config key of the sign-in provider's guest rule, which the directory sync follows too. */
    public static final String ALLOW_GUEST_USERS = "allowGuestUsers";

    private static final Logger log = Logger.getLogger(EntraRealmTenant.class);

    private static final String SESSION_KEY = "claromentis.entra.realmTenant.";
    private static final String STORAGE_SPI = "org.keycloak.storage.UserStorageProvider";

    private EntraRealmTenant() {
    }

    /**
     * The realm's tenant, looked up once per request: the guard mapper, the guard step and token exchange may each
     * ask within one sign-in, and each lookup lists the realm's identity providers.
     */
    public static Optional<String> resolve(KeycloakSession session, RealmModel realm) {
        String key = SESSION_KEY + realm.getId();
        Object known = session.getAttribute(key);
        if (known instanceof Resolved resolved) {
            return resolved.tenant();
        }
        Optional<String> tenant = lookUp(session, realm);
        session.setAttribute(key, new Resolved(tenant));
        return tenant;
    }

    /**
     * Refuses {@code tenant} when another provider of the realm is bound to a different one.
     *
     * @param signInProviders the realm's identity providers, without the one being saved
     * @param directories     the realm's user storage components, without the one being saved
     * @throws IllegalArgumentException naming the provider that holds the other tenant
     */
    public static void requireOnly(String tenant, Stream<IdentityProviderModel> signInProviders,
                                   Stream<ComponentModel> directories) {
        signInProviders
                .filter(p -> ENTRA_ID_PROVIDER.equals(p.getProviderId()))
                .forEach(p -> {
                    Map<String, String> config = p.getConfig();
                    refuseOther(tenant, config == null ? null : config.get(TENANT), "provider '" + p.getAlias() + "'");
                });
        directories
                .filter(c -> DIRECTORY_PROVIDER.equals(c.getProviderId()))
                .forEach(c -> refuseOther(tenant, c.get(TENANT), "directory sync '" + c.getName() + "'"));
    }

    /** The realm's Microsoft Graph directory sync components. */
    public static Stream<ComponentModel> directories(RealmModel realm) {
        return realm.getComponentsStream(realm.getId(), STORAGE_SPI)
                .filter(c -> DIRECTORY_PROVIDER.equals(c.getProviderId()));
    }

    /** The realm's identity providers of every kind. */
    public static Stream<IdentityProviderModel> signInProviders(KeycloakSession session) {
        return session.identityProviders().getAllStream(IdentityProviderQuery.any(), null, null);
    }

    /**
     * Whether the tenant's guests may be users of the realm: only when one of its {@code entra-id} providers says so.
     * The directory sync follows the same rule, so a guest it would import could also sign in, and no other.
     */
    public static boolean guestsAllowed(KeycloakSession session) {
        return signInProviders(session)
                .filter(p -> ENTRA_ID_PROVIDER.equals(p.getProviderId()))
                .anyMatch(p -> p.getConfig() != null && Boolean.parseBoolean(p.getConfig().get(ALLOW_GUEST_USERS)));
    }

    private static void refuseOther(String tenant, String other, String holder) {
        if (other != null && !other.isBlank() && !other.trim().toLowerCase(Locale.ROOT).equals(tenant)) {
            throw new IllegalArgumentException("This realm is already bound to Entra tenant " + other.trim()
                    + " through " + holder + "; a realm may use only one Entra tenant");
        }
    }

    private record Resolved(Optional<String> tenant) {
    }

    private static Optional<String> lookUp(KeycloakSession session, RealmModel realm) {
        List<String> tenants = signInProviders(session)
                .filter(p -> ENTRA_ID_PROVIDER.equals(p.getProviderId()))
                .map(IdentityProviderModel::getConfig)
                .map(c -> c == null ? null : c.get(TENANT))
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
