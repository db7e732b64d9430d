package com.claromentis.keycloak.demo;

import com.claromentis.keycloak.testing.KeycloakAdminClient;
import com.claromentis.keycloak.testing.LdapFederation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.util.JsonSerialization;

import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code claromentis} demo realm: our theme, and the demo organisation's directory federated with its attributes. */
public final class DemoRealm {

    public static final String NAME = "claromentis";
    public static final String BASE_DN = "dc=claromentis,dc=demo";
    public static final String PEOPLE_DN = "ou=people," + BASE_DN;
    public static final String GROUPS_DN = "ou=groups," + BASE_DN;
    public static final String DEMO_USER = "jane.doe";
    public static final String DEMO_PASSWORD = "Demo-Pass-2026!";

    /** Directory attribute to Keycloak user attribute, for the Claromentis profile fields. */
    static final Map<String, String> DIRECTORY_ATTRIBUTES = new LinkedHashMap<>();

    static {
        DIRECTORY_ATTRIBUTES.put("title", "jobTitle");
        DIRECTORY_ATTRIBUTES.put("physicalDeliveryOfficeName", "office");
        DIRECTORY_ATTRIBUTES.put("departmentNumber", "department");
        DIRECTORY_ATTRIBUTES.put("telephoneNumber", "phone");
        DIRECTORY_ATTRIBUTES.put("manager", "manager");
    }

    private DemoRealm() {
    }

    /** Creates the realm (replacing one left from an earlier run), federates the directory and imports everyone. */
    public static JsonNode create(KeycloakAdminClient admin, String ldapUrl, String bindDn, String bindPassword) {
        admin.deleteRealm(NAME);
        RealmRepresentation realm = new RealmRepresentation();
        realm.setRealm(NAME);
        realm.setDisplayName("Claromentis");
        realm.setEnabled(true);
        realm.setLoginTheme("claromentis");
        realm.setEventsEnabled(true);
        admin.createRealm(realm);
        declareProfileAttributes(admin);

        LdapFederation federation = LdapFederation.addInetOrgPerson(admin, NAME, ldapUrl, bindDn, bindPassword, PEOPLE_DN);
        DIRECTORY_ATTRIBUTES.forEach(federation::mapAttribute);
        federation.mapGroups(GROUPS_DN);
        return federation.syncAllUsers();
    }

    /**
     * Keycloak 26 keeps only attributes its user profile declares; declare the Claromentis fields so they are
     * stored and shown, read-only for users because the directory owns them.
     */
    private static void declareProfileAttributes(KeycloakAdminClient admin) {
        ObjectNode profile = (ObjectNode) admin.get("/admin/realms/" + NAME + "/users/profile");
        ArrayNode attributes = (ArrayNode) profile.withArray("attributes");
        for (String name : DIRECTORY_ATTRIBUTES.values()) {
            ObjectNode attribute = attributes.addObject();
            attribute.put("name", name);
            attribute.put("displayName", "${claromentis.attribute." + name + "}");
            ObjectNode permissions = attribute.putObject("permissions");
            permissions.putArray("view").add("admin").add("user");
            permissions.putArray("edit").add("admin");
            attribute.putObject("validations");
            attribute.put("multivalued", false);
        }
        admin.put("/admin/realms/" + NAME + "/users/profile", JsonSerialization.mapper.valueToTree(profile));
    }
}
