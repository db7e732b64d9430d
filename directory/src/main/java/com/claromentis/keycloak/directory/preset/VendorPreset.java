package com.claromentis.keycloak.directory.preset;

import com.claromentis.keycloak.connection.ComponentSettings;
import com.claromentis.keycloak.directory.manager.ManagerReference;
import com.claromentis.keycloak.directory.sync.DirectorySyncLDAPStorageMapperFactory;
import org.keycloak.storage.ldap.idm.query.EscapeStrategy;
import com.claromentis.keycloak.directory.edirectory.LoginDisabledLDAPStorageMapperFactory;
import com.claromentis.keycloak.directory.manager.ManagerLDAPStorageMapperFactory;
import com.claromentis.keycloak.profile.ClaromentisProfile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a vendor preset sets on an LDAP provider: the provider's username / RDN / UUID attributes and user object
 * classes, and the mappers with the vendor's attribute names. The one table of vendor attributes.
 */
public record VendorPreset(Vendor vendor, Map<String, String> providerConfig, List<MapperSpec> mappers) {

    static final String USER_ATTRIBUTE_MAPPER = "user-attribute-ldap-mapper";
    static final String GROUP_MAPPER = "group-ldap-mapper";
    static final String MSAD_MAPPER = "msad-user-account-control-mapper";
    static final String MODEL_ATTRIBUTE = "user.model.attribute";
    static final String LDAP_ATTRIBUTE = "ldap.attribute";
    public static final String GROUPS_MAPPER_NAME = "claromentis groups";

    /** The vendor's attribute names. */
    record Attributes(String vendorConfig, String username, String rdn, String uuid, String objectClasses,
                      String department, String groupObjectClass, String groupStrategy, String memberOf) {
    }

    static Attributes attributes(Vendor vendor) {
        return switch (vendor) {
            case AD -> new Attributes("ad", "sAMAccountName", "cn", "objectGUID", "person, organizationalPerson, user",
                    "department", "group", "LOAD_GROUPS_BY_MEMBER_ATTRIBUTE_RECURSIVELY", "memberOf");
            case OPENLDAP -> new Attributes("other", "uid", "uid", "entryUUID", "inetOrgPerson, organizationalPerson",
                    "departmentNumber", "groupOfNames", "LOAD_GROUPS_BY_MEMBER_ATTRIBUTE", "memberOf");
            case EDIRECTORY -> new Attributes("edirectory", "uid", "cn", "guid", "inetOrgPerson, organizationalPerson",
                    "ou", "groupOfNames", "LOAD_GROUPS_BY_MEMBER_ATTRIBUTE", "groupMembership");
        };
    }

    /**
     * @param writable    whether the provider writes to the directory (attribute mappers are then not read-only)
     * @param groupsDn    where the directory's groups are
     * @param groupsPath  the Keycloak parent group the directory's groups land under
     */
    public static VendorPreset of(Vendor vendor, boolean writable, String groupsDn, String groupsPath) {
        return of(vendor, writable, groupsDn, groupsPath, null);
    }

    /**
     * @param rolesDn where the directory's role groups are (their members hold the realm role of the group's name),
     *                or null to leave the sync mapper's roles DN as it is
     * @throws IllegalArgumentException when {@code rolesDn} is not a DN
     */
    public static VendorPreset of(Vendor vendor, boolean writable, String groupsDn, String groupsPath, String rolesDn) {
        Attributes a = attributes(vendor);
        Map<String, String> provider = new LinkedHashMap<>();
        provider.put("vendor", a.vendorConfig());
        provider.put("usernameLDAPAttribute", a.username());
        provider.put("rdnLDAPAttribute", a.rdn());
        provider.put("uuidLDAPAttribute", a.uuid());
        provider.put("userObjectClasses", a.objectClasses());
        // Keycloak would otherwise delete an imported user whose lookup misses them, before Claromentis hears of it;
        // the directory sync mapper removes (and confirms) instead, and Keycloak shows such a user as disabled.
        provider.put("removeInvalidUsersEnabled", "false");
        if (vendor == Vendor.AD) {
            // Where Keycloak finds the user of a Kerberos ticket: its default for AD, set here because a provider
            // created with another vendor keeps that vendor's (krb5PrincipalName, which AD does not have).
            provider.put("krbPrincipalAttribute", "userPrincipalName");
        }

        List<MapperSpec> mappers = new ArrayList<>();
        mappers.add(attribute("username", "username", a.username(), writable));
        mappers.add(attribute("first name", "firstName", "givenName", writable));
        mappers.add(attribute("last name", "lastName", "sn", writable));
        mappers.add(attribute("email", "email", "mail", writable));
        mappers.add(attribute("phone", ClaromentisProfile.PHONE, "telephoneNumber", writable));
        mappers.add(attribute("job title", ClaromentisProfile.JOB_TITLE, "title", writable));
        mappers.add(attribute("office", ClaromentisProfile.OFFICE, "physicalDeliveryOfficeName", writable));
        mappers.add(attribute("department", ClaromentisProfile.DEPARTMENT, a.department(), writable));
        mappers.add(attribute("employee number", ClaromentisProfile.EXTERNAL_ID, "employeeNumber", writable));
        mappers.add(new MapperSpec("manager", ManagerLDAPStorageMapperFactory.PROVIDER_ID, null,
                Map.of(ManagerLDAPStorageMapperFactory.LDAP_ATTRIBUTE, "manager"), Map.of()));
        switch (vendor) {
            case AD -> mappers.add(new MapperSpec("MSAD account controls", MSAD_MAPPER, null, Map.of(),
                    Map.of("ldap.password.policy.hints.enabled", "false")));
            case EDIRECTORY -> mappers.add(new MapperSpec("login disabled",
                    LoginDisabledLDAPStorageMapperFactory.PROVIDER_ID, null, Map.of(), Map.of()));
            case OPENLDAP -> {
                // OpenLDAP has no standard disabled flag: people leave by leaving the users DN or the sync filter.
            }
        }
        mappers.add(groups(a, groupsDn, groupsPath));
        Map<String, String> sync = new LinkedHashMap<>();
        sync.put(DirectorySyncLDAPStorageMapperFactory.MEMBERSHIP_ATTRIBUTE, a.memberOf());
        String roles = rolesDn(rolesDn);
        if (roles != null) {
            sync.put(DirectorySyncLDAPStorageMapperFactory.ROLES_DN, roles);
        }
        mappers.add(new MapperSpec("claromentis directory sync", DirectorySyncLDAPStorageMapperFactory.PROVIDER_ID, null,
                sync, Map.of(DirectorySyncLDAPStorageMapperFactory.REMOVAL, "disable")));
        return new VendorPreset(vendor, provider, List.copyOf(mappers));
    }

    /**
     * The provider filter that syncs only members of {@code groupDns}: Active Directory follows nested groups
     * ({@code LDAP_MATCHING_RULE_IN_CHAIN}); OpenLDAP reads the memberof overlay's {@code memberOf}; eDirectory its
     * {@code groupMembership}. Values are escaped as RFC 4515 says, so a DN holding filter characters stays one value.
     *
     * @throws IllegalArgumentException when a value is not a DN
     */
    public static String syncGroupsFilter(Vendor vendor, List<String> groupDns) {
        Attributes a = attributes(vendor);
        String attribute = vendor == Vendor.AD ? a.memberOf() + ":1.2.840.113556.1.4.1941:" : a.memberOf();
        List<String> terms = new ArrayList<>();
        for (String dn : groupDns) {
            String value = dn == null ? "" : dn.trim();
            if (ManagerReference.parse(value).isEmpty()) {
                throw new IllegalArgumentException("A sync group must be the DN of a group, not '"
                        + ComponentSettings.abbreviate(value) + "'");
            }
            terms.add("(" + attribute + "=" + EscapeStrategy.DEFAULT.escape(value) + ")");
        }
        if (terms.isEmpty()) {
            throw new IllegalArgumentException("Name at least one sync group");
        }
        return terms.size() == 1 ? terms.get(0) : "(|" + String.join("", terms) + ")";
    }

    /**
     * The roles DN as the preset writes it, or null when none is given.
     *
     * @throws IllegalArgumentException when the value is not a DN
     */
    static String rolesDn(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String value = raw.trim();
        if (ManagerReference.parse(value).isEmpty()) {
            throw new IllegalArgumentException("The roles DN must be a DN, not '" + ComponentSettings.abbreviate(value) + "'");
        }
        return value;
    }

    private static MapperSpec attribute(String name, String modelAttribute, String ldapAttribute, boolean writable) {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("read.only", Boolean.toString(!writable));
        defaults.put("always.read.value.from.ldap", "false");
        defaults.put("is.mandatory.in.ldap", "false");
        return new MapperSpec(name, USER_ATTRIBUTE_MAPPER, MODEL_ATTRIBUTE,
                Map.of(MODEL_ATTRIBUTE, modelAttribute, LDAP_ATTRIBUTE, ldapAttribute), defaults);
    }

    private static MapperSpec groups(Attributes a, String groupsDn, String groupsPath) {
        Map<String, String> owned = new LinkedHashMap<>();
        owned.put("groups.dn", groupsDn);
        owned.put("groups.path", groupsPath);
        owned.put("group.name.ldap.attribute", "cn");
        owned.put("group.object.classes", a.groupObjectClass());
        owned.put("membership.ldap.attribute", "member");
        owned.put("membership.attribute.type", "DN");
        owned.put("membership.user.ldap.attribute", a.username());
        owned.put("user.roles.retrieve.strategy", a.groupStrategy());
        owned.put("memberof.ldap.attribute", a.memberOf());
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("mode", "READ_ONLY");
        defaults.put("preserve.group.inheritance", "false");
        defaults.put("ignore.missing.groups", "true");
        defaults.put("drop.non.existing.groups.during.sync", "false");
        return new MapperSpec(GROUPS_MAPPER_NAME, GROUP_MAPPER, null, owned, defaults);
    }
}
