package com.claromentis.keycloak.it.directory;

import com.claromentis.keycloak.it.outbox.OutboxFixture;
import com.claromentis.keycloak.testing.EmbeddedLdap;
import com.claromentis.keycloak.testing.LdapFederation;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The edirectory preset and directory sync against a <b>stand-in</b> for NetIQ eDirectory: no eDirectory server can
 * run here, so an UnboundID in-memory directory is given eDirectory's shape (a binary {@code guid}, the user's
 * {@code groupMembership} next to the group's {@code member}, {@code loginDisabled}). It proves our handling of those
 * attributes, not eDirectory itself.
 */
@RealKeycloak
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("Given an eDirectory-shaped stand-in (UnboundID in memory) synced with the edirectory preset into a realm that provisions into Claromentis")
class EDirectoryStandInSyncIT {

    private static final Duration DELIVERY = Duration.ofSeconds(90);
    private static final String BASE = "o=corp";
    private static final String PEOPLE = "ou=people," + BASE;
    private static final String GROUPS = "ou=groups," + BASE;
    private static final String ANNA = "uid=anna," + PEOPLE;
    private static final String BEN = "uid=ben," + PEOPLE;
    private static final String CLAIRE = "uid=claire," + PEOPLE;
    private static final String SALES = "cn=sales," + GROUPS;

    private static EmbeddedLdap edirectory;
    private static OutboxFixture outbox;
    private static LdapFederation ldap;
    private static JsonNode firstSync;

    @BeforeAll
    static void syncTheStandIn(TestRealm realm) throws LDAPException {
        edirectory = EmbeddedLdap.builder(BASE).withoutSchema().start();
        var server = edirectory.directory();
        server.add(new Entry(BASE, new Attribute("objectClass", "top", "organization"), new Attribute("o", "corp")));
        server.add(new Entry(PEOPLE, new Attribute("objectClass", "top", "organizationalUnit"), new Attribute("ou", "people")));
        server.add(new Entry(GROUPS, new Attribute("objectClass", "top", "organizationalUnit"), new Attribute("ou", "groups")));
        server.add(person(ANNA, "anna", "Anna", "Andersson", "Head of Sales", null, false, SALES));
        server.add(person(BEN, "ben", "Ben", "Berg", "Account Manager", ANNA, false, SALES));
        server.add(person(CLAIRE, "claire", "Claire", "Carlsson", "Contractor", null, true));
        server.add(new Entry(SALES, new Attribute("objectClass", "top", "groupOfNames"), new Attribute("cn", "sales"),
                new Attribute("member", ANNA, BEN)));

        outbox = OutboxFixture.provisioning(realm);
        outbox.sandbox.addGroup("sales");
        ldap = LdapFederation.addInetOrgPerson(realm.admin(), realm.name(), edirectory.url(), edirectory.bindDn(),
                edirectory.bindPassword(), PEOPLE);
        realm.admin().exchangeJson("POST", realm.adminPath() + "/claromentis-directory/" + ldap.id()
                + "/preset/edirectory?groupsDn=" + URLEncoder.encode(GROUPS, StandardCharsets.UTF_8));
        firstSync = ldap.syncAllUsers();
        outbox.awaitDrained(DELIVERY);
    }

    @AfterAll
    static void stopTheStandIn() {
        if (edirectory != null) {
            edirectory.close();
        }
    }

    private static Entry person(String dn, String uid, String given, String surname, String title, String manager,
                                boolean loginDisabled, String... groups) {
        Entry entry = new Entry(dn, new Attribute("objectClass", "top", "person", "organizationalPerson", "inetOrgPerson"),
                new Attribute("uid", uid), new Attribute("cn", given + " " + surname), new Attribute("givenName", given),
                new Attribute("sn", surname), new Attribute("mail", uid + "@corp.example"), new Attribute("title", title),
                new Attribute("ou", "Sales"), new Attribute("loginDisabled", loginDisabled ? "TRUE" : "FALSE"));
        // eDirectory's guid: 16 bytes, read as binary.
        UUID guid = UUID.nameUUIDFromBytes(dn.getBytes(StandardCharsets.UTF_8));
        entry.addAttribute(new Attribute("guid", ByteBuffer.allocate(16).putLong(guid.getMostSignificantBits())
                .putLong(guid.getLeastSignificantBits()).array()));
        if (manager != null) {
            entry.addAttribute("manager", manager);
        }
        if (groups.length > 0) {
            entry.addAttribute("groupMembership", groups);
        }
        return entry;
    }

    @Test
    @Order(1)
    @DisplayName("when the first full sync runs, then the enabled people reach Claromentis keyed by guid, with job title, department and manager")
    void fullSync(TestRealm realm) {
        assertThat(firstSync.path("added").asInt()).as(firstSync.toString()).isEqualTo(3);
        assertThat(realm.findUser("anna").orElseThrow().getAttributes().get("LDAP_ID")).singleElement()
                .satisfies(id -> assertThat(id).isNotBlank());

        assertThat(outbox.requireInClaromentis("anna").jobTitle()).isEqualTo("Head of Sales");
        assertThat(outbox.requireInClaromentis("anna").department()).isEqualTo("Sales");
        assertThat(outbox.requireInClaromentis("ben").managerId()).isEqualTo(outbox.requireInClaromentis("anna").id());
    }

    @Test
    @Order(2)
    @DisplayName("then a person with loginDisabled=TRUE is disabled in Keycloak and never created in Claromentis")
    void loginDisabledIsNotCreated(TestRealm realm) {
        assertThat(realm.findUser("claire").orElseThrow().isEnabled()).isFalse();
        assertThat(outbox.inClaromentis("claire")).isEmpty();
    }

    @Test
    @Order(3)
    @DisplayName("then groupMembership brings the members into the Claromentis group of that name")
    void groupMembership() {
        await().atMost(DELIVERY).untilAsserted(() -> assertThat(outbox.groupMembers("sales"))
                .containsExactlyInAnyOrder(outbox.requireInClaromentis("anna").id(), outbox.requireInClaromentis("ben").id()));
    }

    @Test
    @Order(4)
    @DisplayName("when loginDisabled is set on an active person, then a changed-users sync deactivates them in Claromentis")
    void loginDisabledLater(TestRealm realm) throws Exception {
        Thread.sleep(1_100);
        edirectory.directory().modify(BEN, new Modification(ModificationType.REPLACE, "loginDisabled", "TRUE"));

        ldap.syncChangedUsers();

        assertThat(realm.findUser("ben").orElseThrow().isEnabled()).isFalse();
        await().atMost(DELIVERY).until(() -> !outbox.requireInClaromentis("ben").active());
        assertThat(outbox.requireInClaromentis("anna").active()).isTrue();
    }

}
