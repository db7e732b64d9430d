package com.claromentis.keycloak.directory;

import org.keycloak.storage.ldap.LDAPConfig;
import org.keycloak.storage.ldap.LDAPStorageProvider;
import org.keycloak.storage.ldap.idm.query.internal.LDAPQuery;
import org.keycloak.storage.ldap.idm.query.internal.LDAPQueryConditionsBuilder;

/**
 * Searches of the provider's users that read only what the caller names: the provider's users DN, scope, user object
 * classes and filter, as Keycloak's own user search has them, but none of the attributes the mappers add, so a sync
 * that looks up a thousand managers or lists every UUID does not read every entry whole.
 */
public final class DirectoryQueries {

    private DirectoryQueries() {
    }

    /** The provider's users, returning only {@code attributes} (and each entry's DN); close it after use. */
    public static LDAPQuery users(LDAPStorageProvider provider, String... attributes) {
        LDAPConfig config = provider.getLdapIdentityStore().getConfig();
        LDAPQuery query = new LDAPQuery(provider);
        query.setSearchDn(config.getUsersDn());
        query.setSearchScope(config.getSearchScope());
        query.addObjectClasses(config.getUserObjectClasses());
        String filter = config.getCustomUserSearchFilter();
        if (filter != null && !filter.isBlank()) {
            query.addWhereCondition(new LDAPQueryConditionsBuilder().addCustomLDAPFilter(filter));
        }
        for (String attribute : attributes) {
            query.addReturningLdapAttribute(attribute);
        }
        return query;
    }
}
