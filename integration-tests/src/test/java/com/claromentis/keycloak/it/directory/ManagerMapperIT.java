package com.claromentis.keycloak.it.directory;

import com.claromentis.keycloak.testing.LdapFederation;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.TestRealm;
import com.claromentis.keycloak.testing.directory.DirectoryUser;
import com.claromentis.keycloak.testing.directory.RealDirectory;
import com.claromentis.keycloak.testing.directory.Slapd;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.representations.idm.ComponentRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code claromentis-manager-mapper} on a real OpenLDAP slapd. */
@RealDirectory
@RealKeycloak
@DisplayName("Given an OpenLDAP directory with managers, federated with the Claromentis manager mapper")
class ManagerMapperIT {

    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
    private static final String MAPPER_TYPE = "org.keycloak.storage.ldap.mappers.LDAPStorageMapper";

    private static String people;
    private static String bobDn;
    private static String frankDn;
    private static String henryDn;
    private static String ivyDn;
    private static LdapFederation writable;
    private static JsonNode fullSync;

    @BeforeAll
    static void shapeTheDirectory(TestRealm realm, Slapd slapd) {
        people = slapd.addOrganizationalUnit("managers-" + SUFFIX);
        String alice = slapd.addUser(DirectoryUser.builder("alice").in(people).givenName("Alice").surname("Archer").build());
        bobDn = slapd.addUser(DirectoryUser.builder("bob").in(people).givenName("Bob").surname("Baker").managerDn(alice).build());
        slapd.addUser(DirectoryUser.builder("carol").in(people).managerDn("uid=ghost," + people).build());
        slapd.addUser(DirectoryUser.builder("dave").in(people).managerDn("UID=Dave," + people.toUpperCase()).build());
        slapd.addUser(DirectoryUser.builder("erin").in(people).managerDn(slapd.bindDn()).build());
        frankDn = slapd.addUser(DirectoryUser.builder("frank").in(people).managerDn("uid=gina," + people).build());
        slapd.addUser(DirectoryUser.builder("gina").in(people).managerDn(frankDn).build());

        LdapFederation ldap = LdapFederation.addInetOrgPerson(realm.admin(), realm.name(), slapd.ldapUrl(),
                slapd.bindDn(), slapd.bindPassword(), people);
        addManagerMapper(realm, ldap.id());
        fullSync = ldap.syncAllUsers();

        String writableOu = slapd.addOrganizationalUnit("managers-rw-" + SUFFIX);
        ivyDn = slapd.addUser(DirectoryUser.builder("ivy").in(writableOu).givenName("Ivy").surname("Irwin")
                .mail("ivy@example.test").build());
        henryDn = slapd.addUser(DirectoryUser.builder("henry").in(writableOu).givenName("Henry").surname("Hill")
                .mail("henry@example.test").build());
        writable = LdapFederation.addInetOrgPerson(realm.admin(), realm.name(), slapd.ldapUrl(),
                slapd.bindDn(), slapd.bindPassword(), writableOu);
        ComponentRepresentation provider = realm.admin().get(realm.adminPath() + "/components/" + writable.id(),
                ComponentRepresentation.class);
        provider.getConfig().putSingle("editMode", "WRITABLE");
        realm.admin().put(realm.adminPath() + "/components/" + writable.id(), provider);
        addManagerMapper(realm, writable.id());
        writable.syncAllUsers();
    }

    private static void addManagerMapper(TestRealm realm, String providerId) {
        ComponentRepresentation mapper = new ComponentRepresentation();
        mapper.setName("manager");
        mapper.setProviderId("claromentis-manager-mapper");
        mapper.setProviderType(MAPPER_TYPE);
        mapper.setParentId(providerId);
        MultivaluedHashMap<String, String> config = new MultivaluedHashMap<>();
        config.putSingle("manager.ldap.attribute", "manager");
        mapper.setConfig(config);
        realm.addComponent(mapper);
    }

    private static String managerOf(TestRealm realm, String username) {
        Map<String, List<String>> attributes = realm.findUser(username).orElseThrow().getAttributes();
        List<String> manager = attributes == null ? null : attributes.get("manager");
        return manager == null || manager.isEmpty() ? null : manager.get(0);
    }

    @Nested
    @DisplayName("when the administrator runs a full sync")
    class FullSync {

        @Test
        @DisplayName("then every user is imported and the sync reports no failure")
        void noFailures() {
            assertThat(fullSync.path("added").asInt()).as(fullSync.toString()).isEqualTo(7);
            assertThat(fullSync.path("failed").asInt()).as(fullSync.toString()).isZero();
        }

        @Test
        @DisplayName("then a user's manager attribute is the manager's username")
        void managerUsername(TestRealm realm) {
            assertThat(managerOf(realm, "bob")).isEqualTo("alice");
            assertThat(managerOf(realm, "alice")).isNull();
        }

        @Test
        @DisplayName("then a cycle (frank and gina manage each other) clears both, and the sync still finishes")
        void cycle(TestRealm realm) {
            assertThat(managerOf(realm, "frank")).isNull();
            assertThat(managerOf(realm, "gina")).isNull();
        }

        @Test
        @DisplayName("then a dangling DN, a self-reference and a DN outside the users DN leave the manager cleared")
        void badReferencesCleared(TestRealm realm) {
            assertThat(managerOf(realm, "carol")).isNull();
            assertThat(managerOf(realm, "dave")).isNull();
            assertThat(managerOf(realm, "erin")).isNull();
        }
    }

    @Nested
    @DisplayName("when a manager changes in the directory and the administrator syncs again")
    class Resync {

        @Test
        @DisplayName("then the new manager replaces the old one, and a removed one is cleared")
        void followsTheDirectory(TestRealm realm, Slapd slapd) {
            String resyncOu = slapd.addOrganizationalUnit("managers-resync-" + SUFFIX);
            String kim = slapd.addUser(DirectoryUser.builder("kim").in(resyncOu).build());
            String lee = slapd.addUser(DirectoryUser.builder("lee").in(resyncOu).build());
            String max = slapd.addUser(DirectoryUser.builder("max").in(resyncOu).managerDn(kim).build());
            String ned = slapd.addUser(DirectoryUser.builder("ned").in(resyncOu).managerDn(kim).build());
            LdapFederation ldap = LdapFederation.addInetOrgPerson(realm.admin(), realm.name(), slapd.ldapUrl(),
                    slapd.bindDn(), slapd.bindPassword(), resyncOu);
            addManagerMapper(realm, ldap.id());
            ldap.syncAllUsers();
            assertThat(managerOf(realm, "max")).isEqualTo("kim");

            slapd.replace(max, "manager", lee);
            slapd.replace(ned, "manager");
            JsonNode again = ldap.syncAllUsers();

            assertThat(again.path("failed").asInt()).as(again.toString()).isZero();
            assertThat(managerOf(realm, "max")).isEqualTo("lee");
            assertThat(managerOf(realm, "ned")).isNull();
        }
    }

    @Nested
    @DisplayName("when the provider is writable and an administrator sets a user's manager in Keycloak")
    class WriteBack {

        @Test
        @DisplayName("then the manager's DN is written to the directory")
        void writesTheDn(TestRealm realm, Slapd slapd) {
            UserRepresentation henry = realm.findUser("henry").orElseThrow();
            henry.setAttributes(new java.util.HashMap<>(henry.getAttributes() == null ? Map.of() : henry.getAttributes()));
            henry.getAttributes().put("manager", List.of("ivy"));

            realm.admin().put(realm.adminPath() + "/users/" + henry.getId(), henry);

            assertThat(slapd.read(henryDn).getAttributeValue("manager")).isEqualToIgnoringCase(ivyDn);
            assertThat(managerOf(realm, "henry")).isEqualTo("ivy");
        }
    }
}
