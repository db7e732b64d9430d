package com.claromentis.keycloak.directory.manager;

import com.claromentis.keycloak.directory.DirectoryQueries;
import com.claromentis.keycloak.directory.SyncScopes;
import com.claromentis.keycloak.common.LogSafe;
import com.claromentis.keycloak.profile.ClaromentisProfile;
import org.jboss.logging.Logger;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.storage.UserStorageProvider;
import org.keycloak.storage.ldap.LDAPConfig;
import org.keycloak.storage.ldap.LDAPStorageProvider;
import org.keycloak.storage.ldap.LDAPUtils;
import org.keycloak.storage.ldap.idm.model.LDAPDn;
import org.keycloak.storage.ldap.idm.model.LDAPObject;
import org.keycloak.storage.ldap.idm.query.internal.LDAPQuery;
import org.keycloak.storage.ldap.idm.query.internal.LDAPQueryConditionsBuilder;
import org.keycloak.storage.ldap.mappers.AbstractLDAPStorageMapper;
import org.keycloak.storage.ldap.mappers.TxAwareLDAPUserModelDelegate;
import org.keycloak.storage.user.SynchronizationResult;

import javax.naming.directory.SearchControls;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The directory's manager DN as the Claromentis manager link: the Keycloak attribute {@code manager} holds the
 * manager's username (the provider's username attribute of the entry at that DN). The chain above the manager is
 * followed (each DN read once per sync) only to find a cycle back to the user, which clears the value.
 */
final class ManagerLDAPStorageMapper extends AbstractLDAPStorageMapper {

    private static final Logger LOG = Logger.getLogger(ManagerLDAPStorageMapper.class);
    private static final String SESSION_CACHE = ManagerLDAPStorageMapper.class.getName() + ".cache.";

    private final ManagerMapperSettings settings;
    private final SyncScopes<ManagerCache> syncCaches;

    ManagerLDAPStorageMapper(ComponentModel mapperModel, LDAPStorageProvider ldapProvider, SyncScopes<ManagerCache> syncCaches) {
        super(mapperModel, ldapProvider);
        this.settings = ManagerMapperSettings.of(mapperModel);
        this.syncCaches = syncCaches;
    }

    @Override
    public SynchronizationResult syncDataFromFederationProviderToKeycloak(RealmModel realm) {
        // Keycloak calls this on the sync's thread just before it imports the users: the sync's cache starts here.
        syncCaches.begin(ldapProvider.getModel().getId());
        return SynchronizationResult.empty();
    }

    @Override
    public void onImportUserFromLDAP(LDAPObject ldapUser, UserModel user, RealmModel realm, boolean isCreate) {
        LDAPConfig config = ldapProvider.getLdapIdentityStore().getConfig();
        String raw = ldapUser.getAttributeAsString(settings.ldapAttribute());
        ManagerResolution resolution;
        try {
            resolution = ManagerResolution.resolve(raw, ldapUser.getDn().getLdapName(),
                    ManagerReference.configured(config.getUsersDn()),
                    config.getSearchScope() == SearchControls.SUBTREE_SCOPE, cache(), dn -> entryAt(realm, dn));
        } catch (ModelException e) {
            // A directory that cannot answer says nothing about the manager: keep what Keycloak has.
            LOG.warnf("LDAP provider '%s': the manager of user '%s' could not be read and is left as it was: %s",
                    LogSafe.of(ldapProvider.getModel().getName()), LogSafe.of(user.getUsername()),
                    LogSafe.of(e.getMessage()));
            return;
        }
        resolution.problem().ifPresent(problem -> LOG.warnf(
                "LDAP provider '%s': the manager of user '%s' is cleared: %s (%s '%s')",
                LogSafe.of(ldapProvider.getModel().getName()), LogSafe.of(user.getUsername()), problem,
                settings.ldapAttribute(), LogSafe.of(raw)));
        String current = user.getFirstAttribute(ClaromentisProfile.MANAGER);
        Optional<String> manager = resolution.username();
        if (manager.isPresent() && !manager.get().equals(current)) {
            user.setSingleAttribute(ClaromentisProfile.MANAGER, manager.get());
        } else if (manager.isEmpty() && current != null) {
            user.removeAttribute(ClaromentisProfile.MANAGER);
        }
    }

    @Override
    public void onRegisterUserToLDAP(LDAPObject ldapUser, UserModel localUser, RealmModel realm) {
        String manager = localUser.getFirstAttribute(ClaromentisProfile.MANAGER);
        if (manager != null && !manager.isBlank()) {
            ldapUser.setSingleAttribute(settings.ldapAttribute(), managerDnOf(realm, manager, ldapUser.getDn()));
        }
    }

    @Override
    public UserModel proxy(LDAPObject ldapUser, UserModel delegate, RealmModel realm) {
        if (ldapProvider.getEditMode() != UserStorageProvider.EditMode.WRITABLE) {
            return delegate;
        }
        return new TxAwareLDAPUserModelDelegate(delegate, ldapProvider, ldapUser) {
            @Override
            public void setSingleAttribute(String name, String value) {
                if (ClaromentisProfile.MANAGER.equals(name)) {
                    writeBack(value);
                }
                super.setSingleAttribute(name, value);
            }

            @Override
            public void setAttribute(String name, List<String> values) {
                if (ClaromentisProfile.MANAGER.equals(name)) {
                    writeBack(values == null || values.isEmpty() ? null : values.get(0));
                }
                super.setAttribute(name, values);
            }

            @Override
            public void removeAttribute(String name) {
                if (ClaromentisProfile.MANAGER.equals(name)) {
                    writeBack(null);
                }
                super.removeAttribute(name);
            }

            private void writeBack(String username) {
                if (Objects.equals(blankToNull(username), getFirstAttribute(ClaromentisProfile.MANAGER))) {
                    return;
                }
                markUpdatedAttributeInTransaction(ClaromentisProfile.MANAGER);
                if (blankToNull(username) == null) {
                    ldapUser.setAttribute(settings.ldapAttribute(), new LinkedHashSet<>());
                } else {
                    ldapUser.setSingleAttribute(settings.ldapAttribute(), managerDnOf(realm, username, ldapUser.getDn()));
                }
            }
        };
    }

    @Override
    public void beforeLDAPQuery(LDAPQuery query) {
        query.addReturningLdapAttribute(settings.ldapAttribute());
        if (ldapProvider.getEditMode() != UserStorageProvider.EditMode.WRITABLE) {
            query.addReturningReadOnlyLdapAttribute(settings.ldapAttribute());
        }
    }

    @Override
    public Set<String> getUserAttributes() {
        return Set.of(ClaromentisProfile.MANAGER);
    }

    private String managerDnOf(RealmModel realm, String username, LDAPDn userDn) {
        LDAPObject manager = ldapProvider.loadLDAPUserByUsername(realm, username);
        if (manager == null) {
            throw new ModelException("No directory user '" + LogSafe.of(username) + "' to be the manager");
        }
        if (manager.getDn().equals(userDn)) {
            throw new ModelException("A user cannot be their own manager");
        }
        return manager.getDn().toString();
    }

    /** One sync's cache on a sync's thread; otherwise the transaction's, for a sign-in or lookup import. */
    private ManagerCache cache() {
        ManagerCache sync = syncCaches.current(ldapProvider.getModel().getId());
        if (sync != null) {
            return sync;
        }
        KeycloakSession session = getSession();
        String key = SESSION_CACHE + mapperModel.getId();
        ManagerCache cache = session.getAttribute(key, ManagerCache.class);
        if (cache == null) {
            cache = new ManagerCache();
            session.setAttribute(key, cache);
        }
        return cache;
    }

    /**
     * Searches the provider's users (its base, scope, object classes and filter) for the DN's first RDN and keeps the
     * entry with exactly that DN. A read of the DN itself would make Keycloak log an error with a stack trace for
     * every dangling manager; this search simply finds nobody.
     */
    private Optional<ManagerDirectory.Entry> entryAt(RealmModel realm, LdapName dn) {
        Rdn first = dn.getRdn(dn.size() - 1);
        if (!(first.getValue() instanceof String value)) {
            return Optional.empty();
        }
        LDAPConfig config = ldapProvider.getLdapIdentityStore().getConfig();
        try (LDAPQuery query = DirectoryQueries.users(ldapProvider, config.getUsernameLdapAttribute(),
                settings.ldapAttribute())) {
            query.addWhereCondition(new LDAPQueryConditionsBuilder().equal(first.getType(), value));
            for (LDAPObject entry : query.getResultList()) {
                if (entry.getDn().getLdapName().equals(dn)) {
                    String username;
                    try {
                        username = LDAPUtils.getUsername(entry, config);
                    } catch (ModelException noUsername) {
                        return Optional.empty();
                    }
                    return username == null ? Optional.empty()
                            : Optional.of(new ManagerDirectory.Entry(username, entry.getAttributeAsString(settings.ldapAttribute())));
                }
            }
            return Optional.empty();
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
