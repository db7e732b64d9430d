package com.claromentis.keycloak.directory.sync;

import com.claromentis.keycloak.directory.BundleLdapMapperFactory;
import com.claromentis.keycloak.directory.SyncScopes;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.storage.ldap.LDAPStorageProvider;
import org.keycloak.storage.ldap.mappers.AbstractLDAPStorageMapper;

import java.util.List;

/** Registers {@value #PROVIDER_ID} among the LDAP provider's mapper types. */
public final class DirectorySyncLDAPStorageMapperFactory extends BundleLdapMapperFactory {

    public static final String PROVIDER_ID = "claromentis-directory-sync";
    public static final String REMOVAL = DirectorySyncSettings.REMOVAL;
    public static final String MEMBERSHIP_ATTRIBUTE = DirectorySyncSettings.MEMBERSHIP_ATTRIBUTE;
    public static final String MAX_REMOVAL_PERCENT = DirectorySyncSettings.MAX_REMOVAL_PERCENT;
    public static final String ROLES_DN = DirectorySyncSettings.ROLES_DN;

    private static final List<ProviderConfigProperty> PROPERTIES = ProviderConfigurationBuilder.create()
            .property().name(DirectorySyncSettings.REMOVAL).label("Users who leave the directory")
            .helpText("What a full sync does with a user whose entry is gone from the users DN or no longer matches "
                    + "the provider's filter (e.g. left the sync groups): 'disable' disables them here and "
                    + "deactivates them in Claromentis; 'delete' does the same, then deletes them here at the next "
                    + "full sync once Claromentis has been told; 'keep' leaves them. A listing that fails or comes "
                    + "back empty never removes anyone.")
            .type(ProviderConfigProperty.LIST_TYPE).options("disable", "delete", "keep")
            .defaultValue(DirectorySyncSettings.DEFAULT_REMOVAL).add()
            .property().name(DirectorySyncSettings.MAX_REMOVAL_PERCENT).label("Largest share removed in one sync (%)")
            .helpText("When more of the provider's users than this share are missing from the directory's answer, "
                    + "nobody is removed and the server log says so: a directory that answers badly must not disable "
                    + "the company. 1 to 100.")
            .type(ProviderConfigProperty.STRING_TYPE)
            .defaultValue(Integer.toString(DirectorySyncSettings.DEFAULT_MAX_REMOVAL_PERCENT)).add()
            .property().name(DirectorySyncSettings.MEMBERSHIP_ATTRIBUTE).label("Membership LDAP attribute")
            .helpText("The user attribute naming the groups the user is in (memberOf; groupMembership on "
                    + "eDirectory). A change of it alone sends the user's groups to Claromentis.")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue(DirectorySyncSettings.DEFAULT_MEMBERSHIP_ATTRIBUTE)
            .add()
            .property().name(DirectorySyncSettings.ROLES_DN).label("Roles DN")
            .helpText("Optional. Members of a group directly under this DN hold the realm role of the group's name, "
                    + "granted and revoked on every sync and sent to Claromentis's role of the same name. The "
                    + "provider creates these roles; a group named like a realm role it did not create (an "
                    + "administrator's, Keycloak's default roles) grants nothing, and none of its roles can "
                    + "administer Keycloak. Empty: the directory grants no roles.")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .build();

    public DirectorySyncLDAPStorageMapperFactory() {
        super(PROVIDER_ID, "Claromentis directory sync: every user a sync imports or changes reaches Claromentis "
                + "through the provisioning outbox; group membership changes are followed by the changed-users sync; "
                + "users who leave the directory are disabled by the full sync.", PROPERTIES);
    }

    @Override
    protected void validate(KeycloakSession session, RealmModel realm, ComponentModel config) {
        DirectorySyncSettings.validate(config);
    }

    private final SyncReports reports = new SyncReports();
    private final SyncScopes<Boolean> syncs = new SyncScopes<>(() -> Boolean.TRUE);

    /** What the mapper did at the start of each provider's last sync on this node. */
    public SyncReports reports() {
        return reports;
    }

    @Override
    public void preRemove(KeycloakSession session, RealmModel realm, ComponentModel model) {
        reports.forget(model.getParentId());
        syncs.end(model.getParentId());
    }

    @Override
    protected AbstractLDAPStorageMapper createMapper(ComponentModel mapperModel, LDAPStorageProvider federationProvider) {
        return new DirectorySyncLDAPStorageMapper(mapperModel, federationProvider, reports, syncs);
    }
}
