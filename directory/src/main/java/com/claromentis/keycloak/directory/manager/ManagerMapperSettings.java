package com.claromentis.keycloak.directory.manager;

import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;

/** The manager mapper's settings, read once from its component. */
record ManagerMapperSettings(String ldapAttribute) {

    static final String LDAP_ATTRIBUTE = "manager.ldap.attribute";
    static final String DEFAULT_LDAP_ATTRIBUTE = "manager";
    private static final int MAX_ATTRIBUTE_LENGTH = 256;

    static ManagerMapperSettings of(ComponentModel model) {
        String value = model.getConfig() == null ? null : model.getConfig().getFirst(LDAP_ATTRIBUTE);
        return new ManagerMapperSettings(value == null || value.isBlank() ? DEFAULT_LDAP_ATTRIBUTE : value.trim());
    }

    /** Refuses an attribute name LDAP would not take (RFC 4512 descriptor or OID). */
    static void validate(ComponentModel model) {
        String value = of(model).ldapAttribute();
        if (value.length() > MAX_ATTRIBUTE_LENGTH || !value.matches("[A-Za-z][A-Za-z0-9-]*|[0-9]+(\\.[0-9]+)+")) {
            throw new ComponentValidationException("The manager LDAP attribute must be an LDAP attribute name");
        }
    }
}
