package com.claromentis.keycloak.directory.edirectory;

import org.keycloak.component.ComponentModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.storage.UserStorageProvider;
import org.keycloak.storage.ldap.LDAPStorageProvider;
import org.keycloak.storage.ldap.idm.model.LDAPObject;
import org.keycloak.storage.ldap.idm.query.internal.LDAPQuery;
import org.keycloak.storage.ldap.mappers.AbstractLDAPStorageMapper;
import org.keycloak.storage.ldap.mappers.TxAwareLDAPUserModelDelegate;

/**
 * eDirectory's {@code loginDisabled} (TRUE = disabled) as Keycloak's enabled state; Keycloak's attribute mapper can
 * only copy a boolean, not invert it.
 */
public final class LoginDisabledLDAPStorageMapper extends AbstractLDAPStorageMapper {

    public static final String ATTRIBUTE = "loginDisabled";

    LoginDisabledLDAPStorageMapper(ComponentModel mapperModel, LDAPStorageProvider ldapProvider) {
        super(mapperModel, ldapProvider);
    }

    /** Whether an eDirectory {@code loginDisabled} value lets the user in. */
    public static boolean enabled(String loginDisabled) {
        return !"TRUE".equalsIgnoreCase(loginDisabled == null ? null : loginDisabled.trim());
    }

    @Override
    public void onImportUserFromLDAP(LDAPObject ldapUser, UserModel user, RealmModel realm, boolean isCreate) {
        boolean enabled = enabled(ldapUser.getAttributeAsString(ATTRIBUTE));
        if (user.isEnabled() != enabled) {
            user.setEnabled(enabled);
        }
    }

    @Override
    public void onRegisterUserToLDAP(LDAPObject ldapUser, UserModel localUser, RealmModel realm) {
        ldapUser.setSingleAttribute(ATTRIBUTE, localUser.isEnabled() ? "FALSE" : "TRUE");
    }

    @Override
    public UserModel proxy(LDAPObject ldapUser, UserModel delegate, RealmModel realm) {
        if (ldapProvider.getEditMode() != UserStorageProvider.EditMode.WRITABLE) {
            return delegate;
        }
        return new TxAwareLDAPUserModelDelegate(delegate, ldapProvider, ldapUser) {
            @Override
            public void setEnabled(boolean enabled) {
                markUpdatedAttributeInTransaction(UserModel.ENABLED);
                ldapUser.setSingleAttribute(ATTRIBUTE, enabled ? "FALSE" : "TRUE");
                super.setEnabled(enabled);
            }
        };
    }

    @Override
    public void beforeLDAPQuery(LDAPQuery query) {
        query.addReturningLdapAttribute(ATTRIBUTE);
        if (ldapProvider.getEditMode() != UserStorageProvider.EditMode.WRITABLE) {
            query.addReturningReadOnlyLdapAttribute(ATTRIBUTE);
        }
    }
}
