package com.claromentis.keycloak.directory.edirectory;

import com.claromentis.keycloak.connection.ComponentSettings;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.storage.ldap.LDAPStorageProvider;
import org.keycloak.storage.ldap.mappers.AbstractLDAPStorageMapper;
import org.keycloak.storage.ldap.mappers.AbstractLDAPStorageMapperFactory;

import java.util.List;

/** Registers {@value #PROVIDER_ID}: eDirectory's {@code loginDisabled} as the enabled state. */
public final class LoginDisabledLDAPStorageMapperFactory extends AbstractLDAPStorageMapperFactory {

    public static final String PROVIDER_ID = "claromentis-login-disabled-mapper";

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getHelpText() {
        return "eDirectory: a user whose loginDisabled is TRUE is disabled in Keycloak (written back on a writable provider).";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return List.of();
    }

    @Override
    public void validateConfiguration(KeycloakSession session, RealmModel realm, ComponentModel config)
            throws ComponentValidationException {
        // No settings of its own, but Keycloak stores whatever the admin API is sent.
        ComponentSettings.requireBoundedValues(config, key -> key, ComponentSettings.MAX_VALUE_LENGTH);
    }

    @Override
    protected AbstractLDAPStorageMapper createMapper(ComponentModel mapperModel, LDAPStorageProvider federationProvider) {
        return new LoginDisabledLDAPStorageMapper(mapperModel, federationProvider);
    }
}
