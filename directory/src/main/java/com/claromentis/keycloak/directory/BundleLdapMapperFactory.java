package com.claromentis.keycloak.directory;

import com.claromentis.keycloak.connection.ComponentSettings;
import com.claromentis.keycloak.profile.ClaromentisProfile;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.storage.ldap.mappers.AbstractLDAPStorageMapperFactory;

import java.util.List;

/**
 * What every LDAP mapper type of the bundle shares: its id, help text and settings declared once, every setting
 * bounded at save (Keycloak stores whatever the admin API is sent), and the Claromentis attributes declared in the
 * realm's user profile when the mapper is added (Keycloak drops attributes the profile does not declare).
 */
public abstract class BundleLdapMapperFactory extends AbstractLDAPStorageMapperFactory {

    private final String id;
    private final String helpText;
    private final List<ProviderConfigProperty> properties;

    protected BundleLdapMapperFactory(String id, String helpText, List<ProviderConfigProperty> properties) {
        this.id = id;
        this.helpText = helpText;
        this.properties = List.copyOf(properties);
    }

    @Override
    public final String getId() {
        return id;
    }

    @Override
    public final String getHelpText() {
        return helpText;
    }

    @Override
    public final List<ProviderConfigProperty> getConfigProperties() {
        return properties;
    }

    @Override
    public final void validateConfiguration(KeycloakSession session, RealmModel realm, ComponentModel config)
            throws ComponentValidationException {
        ComponentSettings.requireBoundedValues(config, key -> key, ComponentSettings.MAX_VALUE_LENGTH);
        validate(session, realm, config);
    }

    /** The mapper's own checks of its settings, after the bounds; none by default. */
    protected void validate(KeycloakSession session, RealmModel realm, ComponentModel config) {
    }

    @Override
    public void onCreate(KeycloakSession session, RealmModel realm, ComponentModel model) {
        ClaromentisProfile.declare(session);
    }
}
