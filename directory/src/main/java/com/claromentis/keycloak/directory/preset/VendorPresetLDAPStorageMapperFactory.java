package com.claromentis.keycloak.directory.preset;

import com.claromentis.keycloak.directory.BundleLdapMapperFactory;
import com.claromentis.keycloak.connection.ComponentSettings;
import org.jboss.logging.Logger;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.storage.ldap.LDAPStorageProvider;
import org.keycloak.storage.ldap.idm.model.LDAPObject;
import org.keycloak.storage.ldap.idm.query.internal.LDAPQuery;
import org.keycloak.storage.ldap.mappers.AbstractLDAPStorageMapper;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The vendor presets from the admin console: adding this mapper to an LDAP provider (its *Mappers* tab, *Add
 * mapper*, type {@value #PROVIDER_ID}) applies the chosen vendor's preset, as the admin REST call does, and saving it
 * again applies it again, which changes nothing unless its settings changed. The mapper itself does nothing at sync
 * time; it records which preset the provider was given.
 */
public final class VendorPresetLDAPStorageMapperFactory extends BundleLdapMapperFactory {

    public static final String PROVIDER_ID = "claromentis-vendor-preset";
    static final String VENDOR = "vendor";
    static final String GROUPS_DN = "groups.dn";
    static final String SYNC_GROUPS = "sync.groups";
    static final String ROLES_DN = "roles.dn";
    static final String KERBEROS_PRINCIPAL = "kerberos.principal";
    static final String KEYTAB = "kerberos.keytab";
    static final String KERBEROS_REALM = "kerberos.realm";

    private static final Logger LOG = Logger.getLogger(VendorPresetLDAPStorageMapperFactory.class);

    private static final List<ProviderConfigProperty> PROPERTIES = ProviderConfigurationBuilder.create()
            .property().name(VENDOR).label("Directory vendor")
            .helpText("The preset to apply: ad (Active Directory), edirectory (NetIQ eDirectory) or openldap. Saving "
                    + "sets the provider's username, RDN and UUID attributes and adds or updates the Claromentis "
                    + "mappers; every mapping stays editable. Apply it before the first sync.")
            .type(ProviderConfigProperty.LIST_TYPE).options("ad", "edirectory", "openldap").defaultValue("ad").add()
            .property().name(GROUPS_DN).label("Groups DN")
            .helpText("Where the directory's groups are; empty for the provider's users DN (or the value an earlier "
                    + "preset set).")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .property().name(SYNC_GROUPS).label("Sync groups")
            .helpText("DNs of groups whose members alone become users (nested groups included on Active "
                    + "Directory); sets the provider's user LDAP filter. Empty leaves the filter as it is.")
            .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).add()
            .property().name(ROLES_DN).label("Roles DN")
            .helpText("Optional: the DN holding the directory's role groups. A member of a group directly under it "
                    + "holds the realm role of the group's name (never one that administers Keycloak, never one the "
                    + "provider did not create). Empty leaves the directory sync mapper's setting as it is.")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .property().name(KERBEROS_PRINCIPAL).label("Kerberos service principal")
            .helpText("Active Directory only, optional: desktop sign-in with the Windows logon's Kerberos ticket. The "
                    + "service principal HTTP/<host browsers use for Keycloak>@<REALM>, registered as an SPN on a "
                    + "service account. Browsers without a ticket get the password form.")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .property().name(KEYTAB).label("Kerberos keytab")
            .helpText("Absolute path of the keytab with that principal's AES keys, readable by Keycloak on every node.")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .property().name(KERBEROS_REALM).label("Kerberos realm")
            .helpText("The users' Kerberos realm (the AD domain in capitals); empty for the principal's realm.")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .build();

    public VendorPresetLDAPStorageMapperFactory() {
        super(PROVIDER_ID, "Claromentis vendor preset: applies the Active Directory, eDirectory or OpenLDAP preset to "
                + "this provider when saved.", PROPERTIES);
    }

    @Override
    protected void validate(KeycloakSession session, RealmModel realm, ComponentModel config) {
        Vendor vendor = vendor(config);
        PresetApplier applier = PresetApplier.forProvider(session, realm, config.getParentId()).orElseThrow(() ->
                ComponentSettings.invalid("A vendor preset belongs under one of Keycloak's own LDAP providers"));
        try {
            request(config);
        } catch (IllegalArgumentException e) {
            throw ComponentSettings.invalid(e.getMessage());
        }
        applier.refusal().ifPresent(refusal -> {
            throw ComponentSettings.invalid(refusal);
        });
    }

    @Override
    public void onCreate(KeycloakSession session, RealmModel realm, ComponentModel model) {
        super.onCreate(session, realm, model);
        apply(session, realm, model);
    }

    @Override
    public void onUpdate(KeycloakSession session, RealmModel realm, ComponentModel oldModel, ComponentModel newModel) {
        apply(session, realm, newModel);
    }

    @Override
    protected AbstractLDAPStorageMapper createMapper(ComponentModel mapperModel, LDAPStorageProvider federationProvider) {
        return new Inert(mapperModel, federationProvider);
    }

    private static void apply(KeycloakSession session, RealmModel realm, ComponentModel model) {
        PresetApplier.forProvider(session, realm, model.getParentId()).ifPresent(applier -> {
            applier.run(request(model), true);
            LOG.debugf("Vendor preset mapper '%s' applied its preset", model.getName());
        });
    }

    private static PresetRequest request(ComponentModel model) {
        return PresetRequest.of(vendor(model), model.get(GROUPS_DN), syncGroups(model), model.get(ROLES_DN),
                model.get(KERBEROS_PRINCIPAL), model.get(KEYTAB), model.get(KERBEROS_REALM));
    }

    private static Vendor vendor(ComponentModel model) {
        String value = model.get(VENDOR);
        return Vendor.fromPath(value == null ? "ad" : value.trim()).orElseThrow(() ->
                ComponentSettings.invalid("Directory vendor must be ad, edirectory or openldap"));
    }

    /** The admin console keeps a multivalued string as several values, or as one joined with "##"; both are read. */
    private static List<String> syncGroups(ComponentModel model) {
        List<String> values = model.getConfig() == null ? null : model.getConfig().get(SYNC_GROUPS);
        List<String> out = new ArrayList<>();
        if (values != null) {
            for (String value : values) {
                if (value != null) {
                    Arrays.stream(value.split("##")).map(String::trim).filter(v -> !v.isEmpty()).forEach(out::add);
                }
            }
        }
        return out;
    }

    /** Does nothing at sync or sign-in: the preset's work is done when the mapper is saved. */
    private static final class Inert extends AbstractLDAPStorageMapper {
        Inert(ComponentModel mapperModel, LDAPStorageProvider ldapProvider) {
            super(mapperModel, ldapProvider);
        }

        @Override
        public void onImportUserFromLDAP(LDAPObject ldapUser,
                                         UserModel user, RealmModel realm, boolean isCreate) {
            // Nothing: see the class comment.
        }

        @Override
        public void onRegisterUserToLDAP(LDAPObject ldapUser,
                                         UserModel localUser, RealmModel realm) {
            // Nothing: see the class comment.
        }

        @Override
        public UserModel proxy(LDAPObject ldapUser,
                                                   UserModel delegate, RealmModel realm) {
            return delegate;
        }

        @Override
        public void beforeLDAPQuery(LDAPQuery query) {
            // Nothing: see the class comment.
        }
    }
}
