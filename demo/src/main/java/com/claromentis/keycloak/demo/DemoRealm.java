package com.claromentis.keycloak.demo;

import com.claromentis.keycloak.testing.KeycloakAdminClient;
import com.claromentis.keycloak.testing.LdapFederation;
import com.claromentis.keycloak.testing.PeopleApiFederation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.keycloak.representations.idm.RealmRepresentation;


/** The {@code claromentis} demo realm: our theme, and the demo organisation's directory federated with its attributes. */
public final class DemoRealm {

    public static final String NAME = "claromentis";
    public static final String BASE_DN = "dc=claromentis,dc=demo";
    public static final String PEOPLE_DN = "ou=people," + BASE_DN;
    public static final String GROUPS_DN = "ou=groups," + BASE_DN;
    public static final String ROLES_DN = "ou=roles," + BASE_DN;
    public static final String DEMO_USER = "jane.doe";
    public static final String DEMO_PASSWORD = "Demo-Pass-2026!";

    private DemoRealm() {
    }

    public static final String PEOPLE_API_USER = "keycloak";
    public static final String PEOPLE_API_PASSWORD = "demo-people-api-secret";
    /** The mobile app's public client (PKCE S256), importable as it is. */
    public static final String MOBILE_APP_CLIENT = "clients/claromentis-mobile-app.json";

    /**
     * Creates the realm (replacing one left from an earlier run), adds the People API provider for the sandbox at
     * {@code peopleApiUrl}, federates the directory and imports everyone.
     *
     * @return the directory sync result, and the People API sync result under {@code peopleApi}
     */
    public static JsonNode create(KeycloakAdminClient admin, String ldapUrl, String bindDn, String bindPassword,
                                  String peopleApiUrl) {
        admin.deleteRealm(NAME);
        RealmRepresentation realm = new RealmRepresentation();
        realm.setRealm(NAME);
        realm.setDisplayName("Claromentis");
        realm.setEnabled(true);
        realm.setLoginTheme("claromentis");
        realm.setAccountTheme("claromentis");
        realm.setAdminTheme("claromentis");
        // The theme's languages, with the switcher on the sign-in page; the browser's language picks the first one.
        realm.setInternationalizationEnabled(true);
        realm.setSupportedLocales(java.util.Set.of("en", "de", "fr"));
        realm.setDefaultLocale("en");
        realm.setEventsEnabled(true);
        // Staff who sign in through the directory are created in Claromentis (the sandbox) on their first sign-in.
        realm.setEventsListeners(java.util.List.of("jboss-logging", "claromentis-provisioning"));
        admin.createRealm(realm);
        // The demo's administrator signs in to the master realm's console: it gets the Claromentis page too.
        RealmRepresentation master = admin.get("/admin/realms/master", RealmRepresentation.class);
        master.setAdminTheme("claromentis");
        admin.put("/admin/realms/master", master);
        // The mobile app's client, from the template administrators import (clients/claromentis-mobile-app.json).
        admin.post("/admin/realms/" + NAME + "/partialImport", mobileAppClient());
        // Added first: saving it declares the Claromentis attributes in the realm's user profile, which the
        // directory's attribute mappers then fill.
        String id = PeopleApiFederation.basic(peopleApiUrl, PEOPLE_API_USER, PEOPLE_API_PASSWORD)
                .named("Claromentis People API")
                // LDAP owns the directory staff; this provider brings in the people HR created in Claromentis.
                .with("priority", "10")
                .add(admin, NAME);
        JsonNode peopleApi = PeopleApiFederation.sync(admin, NAME, id, true);

        LdapFederation federation = LdapFederation.addInetOrgPerson(admin, NAME, ldapUrl, bindDn, bindPassword, PEOPLE_DN);
        // The openldap vendor preset, as an administrator applies it: the Claromentis fields, the manager, the
        // groups (under a parent group named after the provider), the role groups as realm roles and the directory
        // sync into Claromentis.
        admin.exchangeJson("POST", "/admin/realms/" + NAME + "/claromentis-directory/" + federation.id()
                + "/preset/openldap?groupsDn=" + java.net.URLEncoder.encode(GROUPS_DN, java.nio.charset.StandardCharsets.UTF_8)
                + "&rolesDn=" + java.net.URLEncoder.encode(ROLES_DN, java.nio.charset.StandardCharsets.UTF_8));
        ObjectNode result = (ObjectNode) federation.syncAllUsers();
        result.set("peopleApi", peopleApi);
        return result;
    }

    /** The mobile app client template, as an administrator imports it (Realm settings → Action → Partial import). */
    public static com.fasterxml.jackson.databind.JsonNode mobileAppClient() {
        try (java.io.InputStream in = DemoRealm.class.getClassLoader().getResourceAsStream(MOBILE_APP_CLIENT)) {
            if (in == null) {
                throw new IllegalStateException(MOBILE_APP_CLIENT + " is missing from the demo module");
            }
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot read " + MOBILE_APP_CLIENT, e);
        }
    }
}
