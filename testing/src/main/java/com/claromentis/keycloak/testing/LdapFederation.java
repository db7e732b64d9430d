package com.claromentis.keycloak.testing;

import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.representations.idm.ComponentRepresentation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.Objects;

/**
 * Keycloak's stock LDAP federation, configured through the admin REST API the way an administrator fills in
 * the admin console for an inetOrgPerson directory (OpenLDAP, or the embedded directory).
 */
public final class LdapFederation {

    private static final String MAPPER_TYPE = "org.keycloak.storage.ldap.mappers.LDAPStorageMapper";

    private final KeycloakAdminClient admin;
    private final String realm;
    private final String id;

    private LdapFederation(KeycloakAdminClient admin, String realm, String id) {
        this.admin = admin;
        this.realm = realm;
        this.id = id;
    }

    /** Adds the federation for users one level below {@code usersDn} and returns it. */
    public static LdapFederation addInetOrgPerson(KeycloakAdminClient admin, String realm, String connectionUrl,
                                                  String bindDn, String bindPassword, String usersDn) {
        String realmId = admin.get("/admin/realms/" + realm).path("id").asText();
        ComponentRepresentation component = new ComponentRepresentation();
        component.setName("ldap");
        component.setProviderId("ldap");
        component.setProviderType("org.keycloak.storage.UserStorageProvider");
        component.setParentId(realmId);
        MultivaluedHashMap<String, String> config = new MultivaluedHashMap<>();
        Map<String, String> values = new LinkedHashMap<>();
        values.put("enabled", "true");
        values.put("priority", "0");
        values.put("vendor", "other");
        values.put("editMode", "READ_ONLY");
        values.put("connectionUrl", Objects.requireNonNull(connectionUrl));
        values.put("usersDn", usersDn);
        values.put("authType", "simple");
        values.put("bindDn", bindDn);
        values.put("bindCredential", bindPassword);
        values.put("usernameLDAPAttribute", "uid");
        values.put("rdnLDAPAttribute", "uid");
        values.put("uuidLDAPAttribute", "entryUUID");
        values.put("userObjectClasses", "inetOrgPerson, organizationalPerson, person");
        values.put("searchScope", "1");
        values.put("pagination", "true");
        values.put("importEnabled", "true");
        values.put("syncRegistrations", "false");
        values.put("trustEmail", "true");
        values.put("connectionTimeout", "5000");
        values.forEach(config::putSingle);
        component.setConfig(config);
        LdapFederation federation = new LdapFederation(admin, realm, admin.post("/admin/realms/" + realm + "/components", component));
        // Keycloak's default "first name" mapper reads cn (the full name) for non-AD vendors; administrators of an
        // inetOrgPerson directory point it at givenName.
        federation.updateMapper("first name", "ldap.attribute", "givenName");
        return federation;
    }

    public String id() {
        return id;
    }

    /** Maps one directory attribute to a Keycloak user attribute, read-only from the directory. */
    public LdapFederation mapAttribute(String ldapAttribute, String userAttribute) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("ldap.attribute", ldapAttribute);
        config.put("user.model.attribute", userAttribute);
        config.put("read.only", "true");
        config.put("always.read.value.from.ldap", "false");
        config.put("is.mandatory.in.ldap", "false");
        return addMapper(userAttribute, "user-attribute-ldap-mapper", config);
    }

    /** Imports groupOfNames groups below {@code groupsDn} as Keycloak groups with their memberships. */
    public LdapFederation mapGroups(String groupsDn) {
        return mapGroups(groupsDn, "READ_ONLY");
    }

    /**
     * As {@link #mapGroups(String)} in the given mode of Keycloak's group mapper: {@code READ_ONLY} reads
     * memberships from the directory whenever a user is loaded, {@code IMPORT} copies them into Keycloak's database
     * when the user is imported.
     */
    public LdapFederation mapGroups(String groupsDn, String mode) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("groups.dn", groupsDn);
        config.put("group.name.ldap.attribute", "cn");
        config.put("group.object.classes", "groupOfNames");
        config.put("preserve.group.inheritance", "false");
        config.put("membership.ldap.attribute", "member");
        config.put("membership.attribute.type", "DN");
        config.put("membership.user.ldap.attribute", "uid");
        config.put("mode", mode);
        config.put("user.roles.retrieve.strategy", "LOAD_GROUPS_BY_MEMBER_ATTRIBUTE");
        config.put("drop.non.existing.groups.during.sync", "false");
        config.put("ignore.missing.groups", "true");
        return addMapper("groups", "group-ldap-mapper", config);
    }

    /** Keycloak's role mapper: groupOfNames entries below {@code rolesDn} as realm roles, in the given mode. */
    public LdapFederation mapRealmRoles(String rolesDn, String mode) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("roles.dn", rolesDn);
        config.put("role.name.ldap.attribute", "cn");
        config.put("role.object.classes", "groupOfNames");
        config.put("membership.ldap.attribute", "member");
        config.put("membership.attribute.type", "DN");
        config.put("membership.user.ldap.attribute", "uid");
        config.put("mode", mode);
        config.put("user.roles.retrieve.strategy", "LOAD_ROLES_BY_MEMBER_ATTRIBUTE");
        config.put("use.realm.roles.mapping", "true");
        return addMapper("roles", "role-ldap-mapper", config);
    }

    /** Runs "Synchronize all users" and returns Keycloak's summary, e.g. {@code {"added": 66, ...}}. */
    public com.fasterxml.jackson.databind.JsonNode syncAllUsers() {
        return admin.exchangeJson("POST", "/admin/realms/" + realm + "/user-storage/" + id + "/sync?action=triggerFullSync");
    }

    /** Runs "Sync changed users" and returns Keycloak's summary. */
    public com.fasterxml.jackson.databind.JsonNode syncChangedUsers() {
        return admin.exchangeJson("POST", "/admin/realms/" + realm + "/user-storage/" + id + "/sync?action=triggerChangedUsersSync");
    }

    /** Changes one setting of the provider, as an administrator saving its settings page does. */
    public void updateSetting(String key, String value) {
        ComponentRepresentation component = admin.get("/admin/realms/" + realm + "/components/" + id, ComponentRepresentation.class);
        component.getConfig().putSingle(key, value);
        admin.put("/admin/realms/" + realm + "/components/" + id, component);
    }

    /** One setting of the provider as the admin API shows it. */
    public String setting(String key) {
        ComponentRepresentation component = admin.get("/admin/realms/" + realm + "/components/" + id, ComponentRepresentation.class);
        return component.getConfig().getFirst(key);
    }

    private LdapFederation addMapper(String name, String providerId, Map<String, String> values) {
        ComponentRepresentation mapper = new ComponentRepresentation();
        mapper.setName(name);
        mapper.setProviderId(providerId);
        mapper.setProviderType(MAPPER_TYPE);
        mapper.setParentId(id);
        MultivaluedHashMap<String, String> config = new MultivaluedHashMap<>();
        values.forEach(config::putSingle);
        mapper.setConfig(config);
        admin.post("/admin/realms/" + realm + "/components", mapper);
        return this;
    }

    /** The provider's mappers as the admin API lists them. */
    public List<ComponentRepresentation> mappers() {
        return List.of(admin.get("/admin/realms/" + realm + "/components?parent=" + id + "&type=" + MAPPER_TYPE,
                ComponentRepresentation[].class));
    }

    /** Each mapper's configuration by "providerId:name", to compare the mappers before and after a change. */
    public Map<String, Map<String, List<String>>> mapperConfigs() {
        return mappers().stream().collect(Collectors.toMap(m -> m.getProviderId() + ":" + m.getName(),
                m -> Map.copyOf(m.getConfig())));
    }

    /** Changes one setting of the provider's mapper {@code name}, as an administrator saving the mapper does. */
    public void updateMapper(String name, String key, String value) {
        for (ComponentRepresentation mapper : mappers()) {
            if (name.equals(mapper.getName())) {
                mapper.getConfig().putSingle(key, value);
                admin.put("/admin/realms/" + realm + "/components/" + mapper.getId(), mapper);
            }
        }
    }
}
