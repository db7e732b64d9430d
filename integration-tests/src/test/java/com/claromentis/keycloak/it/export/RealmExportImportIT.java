package com.claromentis.keycloak.it.export;

import com.claromentis.keycloak.it.entra.EntraFixtures;
import com.claromentis.keycloak.testing.entra.EntraSimulator;
import com.claromentis.keycloak.sandbox.SandboxConfig;
import com.claromentis.keycloak.sandbox.SandboxServer;
import com.claromentis.keycloak.testing.EmbeddedLdap;
import com.claromentis.keycloak.testing.KeycloakExtension;
import com.claromentis.keycloak.testing.KeycloakServer;
import com.claromentis.keycloak.testing.KeycloakServerOptions;
import com.claromentis.keycloak.testing.LdapFederation;
import com.claromentis.keycloak.testing.PeopleApiFederation;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A realm holding every kind of Claromentis setting, exported twice as an administrator would (the admin console's
 * partial export, and {@code kc.sh export} of the real distribution) and imported into a fresh server (one extra
 * server for the class, started once).
 */
@RealKeycloak
@DisplayName("Given a realm with every kind of Claromentis setting")
class RealmExportImportIT {

    private static final String MASK = "**********";
    private static final String VAULT_KEY = "claromentis_export";
    private static final String VAULT_REF = "${vault." + VAULT_KEY + "}";
    private static final String API_USER = "keycloak";
    private static final String API_PASSWORD = "export-api-password";
    private static final String ENTRA_ALIAS = "contoso";
    private static final String FIRST_LOGIN = "claromentis first broker login";
    private static final String THEME = "claromentis";
    /** The People API connection whose password is typed in, not a vault reference. */
    private static final String TYPED = "claromentis-typed";
    /** Settings Keycloak itself writes or that differ by design between servers: not what the round trip is about. */
    private static final Set<String> VOLATILE = Set.of("lastSync");

    private static SandboxServer sandbox;
    private static EmbeddedLdap ldap;
    private static EntraSimulator entra;
    private static KeycloakServer fresh;
    private static KeycloakServerOptions freshOptions;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode partialExport;
    private static Map<String, Object> sourceSettings;
    private static Map<String, Object> afterPartialImport;
    private static int ldapBindAfterPartialImport;
    private static int ldapBindAfterReentry;
    private static JsonNode kcExport;
    private static Map<String, Object> afterKcImport;
    private static int ldapBindAfterKcImport;
    private static JsonNode kcImportedPeopleApi;

    @BeforeAll
    static void exportAndImport(TestRealm realm) throws IOException {
        configure(realm);
        partialExport = partialExport(realm.server(), realm.name());
        sourceSettings = claromentisSettings(partialExport);

        // The admin console's way: "Create realm" from the partial export's file, on a server that never saw it.
        freshOptions = KeycloakServerOptions.builder().suiteOptions().build();
        fresh = KeycloakServer.start(Path.of(System.getProperty(KeycloakExtension.DIST_ZIP_PROPERTY)),
                Path.of(System.getProperty(KeycloakExtension.BUNDLE_JAR_PROPERTY)),
                Path.of("target/keycloak-export"), 0, freshOptions);
        fresh.admin().createRealm(JSON.treeToValue(partialExport, RealmRepresentation.class));
        afterPartialImport = claromentisSettings(partialExport(fresh, realm.name()));
        String ldapId = componentId(fresh, realm.name(), "ldap");
        ldapBindAfterPartialImport = testLdapBind(fresh, realm.name(), ldapId);
        // What an administrator re-enters after a partial import: the secrets it masked.
        reenterSecrets(fresh, realm.name(), ldapId);
        ldapBindAfterReentry = testLdapBind(fresh, realm.name(), ldapId);

        // The command-line way: kc.sh export with the server stopped, kc.sh import into an empty database.
        Path dir = Files.createDirectories(Path.of("target/realm-export").toAbsolutePath());
        KeycloakServer.deleteTree(dir);
        fresh.close();
        fresh.runCommand(freshOptions, "export", "--optimized", "--dir", dir.toString(), "--realm", realm.name(),
                "--users", "skip");
        kcExport = JSON.readTree(dir.resolve(realm.name() + "-realm.json").toFile());
        KeycloakServer.deleteTree(fresh.home().resolve("data"));
        fresh.runCommand(freshOptions, "import", "--optimized", "--dir", dir.toString());
        fresh.restart(freshOptions);
        afterKcImport = claromentisSettings(partialExport(fresh, realm.name()));
        ldapBindAfterKcImport = testLdapBind(fresh, realm.name(), componentId(fresh, realm.name(), "ldap"));
        kcImportedPeopleApi = fresh.admin().get("/admin/realms/" + realm.name() + "/components/"
                + componentId(fresh, realm.name(), "claromentis"));
    }

    @AfterAll
    static void stop() {
        if (fresh != null) {
            fresh.close();
        }
        for (AutoCloseable resource : new AutoCloseable[] {sandbox, ldap, entra}) {
            try {
                if (resource != null) {
                    resource.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException("cannot stop a test fixture", e);
            }
        }
    }

    @Nested
    @DisplayName("when an administrator exports it from the admin console (partial export with groups, roles and clients)")
    class PartialExport {

        @Test
        @DisplayName("then the file holds the People API provider, the LDAP provider with its preset's mappers, the entra-id"
                + " provider bound to the realm's tenant, the first-login flow and the themes")
        void carriesEverySetting() {
            assertThat(sourceSettings).containsEntry("attribute " + EntraFixtures.REALM_TENANT_ATTRIBUTE, EntraFixtures.CONTOSO)
                    .containsEntry("loginTheme", THEME).containsEntry("accountTheme", THEME)
                    .containsEntry("firstBrokerLoginFlow", FIRST_LOGIN)
                    .containsKey("flow " + FIRST_LOGIN)
                    .containsKey("component claromentis-people-api claromentis")
                    .containsKey("component ldap ldap")
                    .containsKey("mapper ldap/manager")
                    .containsKey("mapper ldap/claromentis directory sync")
                    .containsKey("identity provider " + ENTRA_ALIAS);
            assertThat(config(sourceSettings, "component claromentis-people-api claromentis"))
                    .containsEntry("baseUrl", "[" + sandbox.baseUrl() + "]")
                    .containsEntry("fieldMapping", "[firstName=firstname, surname=surname]");
            assertThat(config(sourceSettings, "identity provider " + ENTRA_ALIAS)).containsEntry("tenant", EntraFixtures.CONTOSO)
                    .containsEntry("providerId", "entra-id").containsEntry("firstBrokerLoginFlowAlias", FIRST_LOGIN);
        }

        @Test
        @DisplayName("then the LDAP bind password, the Entra client secret and a typed People API password are masked, and"
                + " the vault reference is kept")
        void secretsMasked() {
            assertThat(component(partialExport, TYPED).path("config").path("apiPassword").get(0).asText()).isEqualTo(MASK);
            JsonNode ldapConfig = component(partialExport, "ldap").path("config");
            assertThat(ldapConfig.path("bindCredential").get(0).asText()).isEqualTo(MASK);
            assertThat(identityProvider(partialExport).path("config").path("clientSecret").asText()).isEqualTo(MASK);
            assertThat(component(partialExport, "claromentis").path("config").path("apiPassword").get(0).asText())
                    .isEqualTo(VAULT_REF);
            assertThat(partialExport.toString()).doesNotContain(ldap.bindPassword())
                    .doesNotContain(EntraFixtures.CLIENT_SECRET).doesNotContain(API_PASSWORD);
        }
    }

    @Nested
    @DisplayName("when the partial export is imported into a fresh server (Create realm from the file)")
    class PartialImport {

        @Test
        @DisplayName("then every Claromentis setting arrives as it was")
        void settingsArrive() {
            assertThat(afterPartialImport).isEqualTo(sourceSettings);
        }

        @Test
        @DisplayName("then the masked LDAP bind password does not bind until the administrator enters it again")
        void maskedSecretsMustBeReentered() {
            assertThat(ldapBindAfterPartialImport).as("bind with the masked password").isNotEqualTo(204);
            assertThat(ldapBindAfterReentry).as("bind after re-entering it").isEqualTo(204);
        }
    }

    @Nested
    @DisplayName("when it is exported with kc.sh export and imported with kc.sh import into an empty database")
    class CommandLine {

        @Test
        @DisplayName("then the export holds the secrets as entered and the vault reference as a reference")
        void exportHoldsSecrets() {
            assertThat(component(kcExport, "ldap").path("config").path("bindCredential").get(0).asText())
                    .isEqualTo(ldap.bindPassword());
            assertThat(identityProvider(kcExport).path("config").path("clientSecret").asText())
                    .isEqualTo(EntraFixtures.CLIENT_SECRET);
            assertThat(component(kcExport, "claromentis").path("config").path("apiPassword").get(0).asText())
                    .isEqualTo(VAULT_REF);
            assertThat(component(kcExport, TYPED).path("config").path("apiPassword").get(0).asText()).isEqualTo(API_PASSWORD);
        }

        @Test
        @DisplayName("then every Claromentis setting arrives, the LDAP provider binds, and the API password is still the"
                + " vault reference")
        void settingsArrive() {
            assertThat(afterKcImport).isEqualTo(sourceSettings);
            assertThat(ldapBindAfterKcImport).isEqualTo(204);
            assertThat(kcImportedPeopleApi.path("config").path("apiPassword").get(0).asText()).isEqualTo(VAULT_REF);
        }
    }

    // ---- the realm's settings, made as an administrator makes them ---------------------------------------------

    private static void configure(TestRealm realm) throws IOException {
        sandbox = SandboxServer.start(SandboxConfig.builder().basicCredentials(API_USER, API_PASSWORD).build());
        ldap = EmbeddedLdap.builder("dc=example,dc=test").ldif("ldap/small-org.ldif").start();
        entra = EntraFixtures.startSimulator();
        writeVault(realm.name(), VAULT_KEY, API_PASSWORD);

        RealmRepresentation representation = realm.representation();
        Map<String, String> attributes = representation.getAttributes() == null ? new HashMap<>()
                : new HashMap<>(representation.getAttributes());
        attributes.put(EntraFixtures.REALM_TENANT_ATTRIBUTE, EntraFixtures.CONTOSO);
        representation.setAttributes(attributes);
        representation.setLoginTheme(THEME);
        representation.setAccountTheme(THEME);
        representation.setFirstBrokerLoginFlow(FIRST_LOGIN);
        realm.update(representation);

        PeopleApiFederation.basic(sandbox.baseUrl(), API_USER, VAULT_REF).named("claromentis").add(realm.admin(), realm.name());
        // A second connection whose password was typed in clear (disabled: connection settings only).
        PeopleApiFederation.basic(sandbox.baseUrl(), API_USER, API_PASSWORD).named(TYPED).with("enabled", "false")
                .add(realm.admin(), realm.name());
        // A multivalued setting, as the admin console's field mapping list stores it.
        String peopleApi = componentId(realm.server(), realm.name(), "claromentis");
        JsonNode component = realm.admin().get(realm.adminPath() + "/components/" + peopleApi);
        ((ObjectNode) component.path("config")).set("fieldMapping", JSON.createArrayNode().add("firstName=firstname")
                .add("surname=surname"));
        realm.admin().put(realm.adminPath() + "/components/" + peopleApi, component);

        LdapFederation federation = LdapFederation.addInetOrgPerson(realm.admin(), realm.name(), ldap.url(), ldap.bindDn(),
                ldap.bindPassword(), "ou=people,dc=example,dc=test");
        JsonNode applied = realm.admin().exchangeJson("POST", realm.adminPath() + "/claromentis-directory/"
                + federation.id() + "/preset/openldap?groupsDn="
                + URLEncoder.encode("ou=groups,dc=example,dc=test", StandardCharsets.UTF_8));
        assertThat(applied.path("applied").asBoolean()).as(applied.toString()).isTrue();

        IdentityProviderRepresentation provider = EntraFixtures.entraProvider(ENTRA_ALIAS, EntraFixtures.CONTOSO, entra);
        provider.setFirstBrokerLoginFlowAlias(FIRST_LOGIN);
        HttpResponse<String> created = realm.admin().exchange("POST", realm.adminPath() + "/identity-provider/instances",
                provider);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    private static void writeVault(String realm, String key, String secret) throws IOException {
        Path vault = null;
        for (String pair : System.getProperty("it.keycloak.options", "").split("[;\\n]")) {
            String[] parts = pair.trim().split("=", 2);
            if (parts.length == 2 && parts[0].equals("vault-dir")) {
                vault = Path.of(parts[1].trim());
            }
        }
        assertThat(vault).as("a file vault in the suite's Keycloak options (vault=file;vault-dir=...)").isNotNull();
        // Keycloak's file vault reads <realm>_<key>, each with '_' doubled.
        Files.writeString(vault.resolve(realm.replace("_", "__") + "_" + key.replace("_", "__")), secret);
    }

    private static void reenterSecrets(KeycloakServer server, String realm, String ldapId) {
        reenter(server, realm, ldapId, "bindCredential", ldap.bindPassword());
        reenter(server, realm, componentId(server, realm, TYPED), "apiPassword", API_PASSWORD);
        String idp = "/admin/realms/" + realm + "/identity-provider/instances/" + ENTRA_ALIAS;
        JsonNode provider = server.admin().get(idp);
        ((ObjectNode) provider.path("config")).put("clientSecret", EntraFixtures.CLIENT_SECRET);
        server.admin().put(idp, provider);
    }

    private static void reenter(KeycloakServer server, String realm, String componentId, String key, String secret) {
        String path = "/admin/realms/" + realm + "/components/" + componentId;
        JsonNode component = server.admin().get(path);
        ((ObjectNode) component.path("config")).set(key, JSON.createArrayNode().add(secret));
        server.admin().put(path, component);
    }

    // ---- reading it back ------------------------------------------------------------------------------------------

    private static JsonNode partialExport(KeycloakServer server, String realm) {
        HttpResponse<String> response = server.admin().exchange("POST", "/admin/realms/" + realm
                + "/partial-export?exportClients=true&exportGroupsAndRoles=true", null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("partial export is not JSON", e);
        }
    }

    /** "Test authentication" of the LDAP provider with its stored bind password, as the admin console sends it. */
    private static int testLdapBind(KeycloakServer server, String realm, String ldapId) {
        JsonNode component = server.admin().get("/admin/realms/" + realm + "/components/" + ldapId).path("config");
        Map<String, String> test = new HashMap<>();
        test.put("action", "testAuthentication");
        test.put("componentId", ldapId);
        test.put("connectionUrl", component.path("connectionUrl").get(0).asText());
        test.put("authType", "simple");
        test.put("bindDn", component.path("bindDn").get(0).asText());
        test.put("bindCredential", MASK);
        return server.admin().exchange("POST", "/admin/realms/" + realm + "/testLDAPConnection", test).statusCode();
    }

    private static String componentId(KeycloakServer server, String realm, String name) {
        for (JsonNode component : server.admin().get("/admin/realms/" + realm
                + "/components?type=org.keycloak.storage.UserStorageProvider")) {
            if (name.equals(component.path("name").asText())) {
                return component.path("id").asText();
            }
        }
        throw new AssertionError("no user storage component " + name + " in realm " + realm);
    }

    private static JsonNode component(JsonNode realm, String name) {
        for (JsonNode component : realm.path("components").path("org.keycloak.storage.UserStorageProvider")) {
            if (name.equals(component.path("name").asText())) {
                return component;
            }
        }
        throw new AssertionError("no user storage component " + name + " in the export");
    }

    private static JsonNode identityProvider(JsonNode realm) {
        for (JsonNode provider : realm.path("identityProviders")) {
            if (ENTRA_ALIAS.equals(provider.path("alias").asText())) {
                return provider;
            }
        }
        throw new AssertionError("no identity provider " + ENTRA_ALIAS + " in the export");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> config(Map<String, Object> settings, String key) {
        return (Map<String, String>) settings.get(key);
    }

    /**
     * The Claromentis settings of an exported realm, without ids (a fresh server gives new ones) and secrets (checked
     * on their own): realm attribute, themes, flows, the user storage components and their mappers, identity
     * providers and their mappers.
     */
    private static Map<String, Object> claromentisSettings(JsonNode realm) {
        Map<String, Object> settings = new TreeMap<>();
        realm.path("attributes").fields().forEachRemaining(entry -> {
            if (entry.getKey().startsWith("claromentis")) {
                settings.put("attribute " + entry.getKey(), entry.getValue().asText());
            }
        });
        for (String field : new String[] {"loginTheme", "accountTheme", "emailTheme", "firstBrokerLoginFlow"}) {
            settings.put(field, realm.path(field).asText(null));
        }
        for (JsonNode flow : realm.path("authenticationFlows")) {
            if (flow.path("alias").asText().startsWith("claromentis")) {
                settings.put("flow " + flow.path("alias").asText(), flow.path("authenticationExecutions").toString());
            }
        }
        for (JsonNode component : realm.path("components").path("org.keycloak.storage.UserStorageProvider")) {
            String name = component.path("name").asText();
            settings.put("component " + component.path("providerId").asText() + " " + name, configOf(component.path("config")));
            component.path("subComponents").fields().forEachRemaining(type -> type.getValue().forEach(mapper -> {
                Map<String, String> config = configOf(mapper.path("config"));
                config.put("providerId", mapper.path("providerId").asText());
                settings.put("mapper " + name + "/" + mapper.path("name").asText(), config);
            }));
        }
        for (JsonNode provider : realm.path("identityProviders")) {
            Map<String, String> config = new TreeMap<>();
            provider.path("config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
            config.remove("clientSecret");
            config.put("providerId", provider.path("providerId").asText());
            config.put("firstBrokerLoginFlowAlias", provider.path("firstBrokerLoginFlowAlias").asText());
            config.put("enabled", provider.path("enabled").asText());
            settings.put("identity provider " + provider.path("alias").asText(), config);
        }
        for (JsonNode mapper : realm.path("identityProviderMappers")) {
            settings.put("identity provider mapper " + mapper.path("identityProviderAlias").asText() + "/"
                    + mapper.path("name").asText(), mapper.path("config").toString());
        }
        return settings;
    }

    private static Map<String, String> configOf(JsonNode config) {
        Map<String, String> values = new TreeMap<>();
        config.fields().forEachRemaining(entry -> {
            if (!VOLATILE.contains(entry.getKey()) && !Set.of("bindCredential", "apiPassword", "clientSecret")
                    .contains(entry.getKey())) {
                // Keycloak keeps a multivalued setting's values as a set: their order is not part of the setting.
                List<String> sorted = new ArrayList<>();
                entry.getValue().forEach(value -> sorted.add(value.asText()));
                Collections.sort(sorted);
                values.put(entry.getKey(), sorted.toString());
            }
        });
        return values;
    }
}
