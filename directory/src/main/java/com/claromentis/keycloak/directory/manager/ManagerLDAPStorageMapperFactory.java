package com.claromentis.keycloak.directory.manager;

import com.claromentis.keycloak.directory.SyncScopes;
import com.claromentis.keycloak.directory.BundleLdapMapperFactory;
import com.claromentis.keycloak.profile.ClaromentisProfile;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.storage.ldap.LDAPStorageProvider;
import org.keycloak.storage.ldap.mappers.AbstractLDAPStorageMapper;

import java.util.List;

/** Registers {@value #PROVIDER_ID} among the LDAP provider's mapper types. */
public final class ManagerLDAPStorageMapperFactory extends BundleLdapMapperFactory {

    public static final String PROVIDER_ID = "claromentis-manager-mapper";
    public static final String LDAP_ATTRIBUTE = ManagerMapperSettings.LDAP_ATTRIBUTE;

    private static final List<ProviderConfigProperty> PROPERTIES = ProviderConfigurationBuilder.create()
            .property().name(ManagerMapperSettings.LDAP_ATTRIBUTE).label("Manager LDAP attribute")
            .helpText("The directory attribute holding the DN of the user's manager. The Keycloak attribute '"
                    + ClaromentisProfile.MANAGER + "' gets the username of the user at that DN; a DN that is no "
                    + "synced user (outside the users DN, missing, or the user's own) clears it with a warning in "
                    + "the server log. On a writable provider, setting '" + ClaromentisProfile.MANAGER
                    + "' to a username writes that user's DN back.")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue(ManagerMapperSettings.DEFAULT_LDAP_ATTRIBUTE)
            .add().build();

    private final SyncScopes<ManagerCache> syncCaches = new SyncScopes<>(ManagerCache::new);

    public ManagerLDAPStorageMapperFactory() {
        super(PROVIDER_ID, "Claromentis manager: maps the directory's manager DN to the manager's username in the user "
                + "attribute '" + ClaromentisProfile.MANAGER + "'.", PROPERTIES);
    }

    @Override
    protected void validate(KeycloakSession session, RealmModel realm, ComponentModel config) {
        ManagerMapperSettings.validate(config);
    }

    @Override
    public void onUpdate(KeycloakSession session, RealmModel realm, ComponentModel oldModel, ComponentModel newModel) {
        syncCaches.end(newModel.getParentId());
    }

    @Override
    public void preRemove(KeycloakSession session, RealmModel realm, ComponentModel model) {
        syncCaches.end(model.getParentId());
    }

    @Override
    protected AbstractLDAPStorageMapper createMapper(ComponentModel mapperModel, LDAPStorageProvider federationProvider) {
        return new ManagerLDAPStorageMapper(mapperModel, federationProvider, syncCaches);
    }
}
