package com.claromentis.keycloak.directory.edirectory;

import com.claromentis.keycloak.directory.BundleLdapMapperFactory;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.storage.ldap.LDAPStorageProvider;
import org.keycloak.storage.ldap.mappers.AbstractLDAPStorageMapper;

import java.util.List;

/** Registers {@value #PROVIDER_ID}: eDirectory's {@code loginDisabled} as the enabled state. */
public final class LoginDisabledLDAPStorageMapperFactory extends BundleLdapMapperFactory {

    public static final String PROVIDER_ID = "claromentis-login-disabled-mapper";

    public LoginDisabledLDAPStorageMapperFactory() {
        super(PROVIDER_ID, "eDirectory: a user whose loginDisabled is TRUE is disabled in Keycloak (written back on a "
                + "writable provider).", List.of());
    }

    @Override
    public void onCreate(KeycloakSession session, RealmModel realm, ComponentModel model) {
        // Fills no Claromentis attribute: nothing to declare in the user profile.
    }

    @Override
    protected AbstractLDAPStorageMapper createMapper(ComponentModel mapperModel, LDAPStorageProvider federationProvider) {
        return new LoginDisabledLDAPStorageMapper(mapperModel, federationProvider);
    }
}
