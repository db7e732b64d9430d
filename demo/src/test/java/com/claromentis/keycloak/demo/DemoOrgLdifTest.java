package com.claromentis.keycloak.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.stream.StreamSupport;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.schema.Schema;
import com.unboundid.ldif.LDIFReader;

/** Loads demo-org.ldif into a schema-checking in-memory directory and checks the organisation is coherent. */
class DemoOrgLdifTest {

    private static final String BASE = "dc=claromentis,dc=demo";
    private static final String PEOPLE = "ou=people," + BASE;
    private static final String GROUPS = "ou=groups," + BASE;
    private static final String ROLES = "ou=roles," + BASE;
    private static final Set<String> DEPARTMENTS =
            Set.of("Engineering", "Sales", "HR", "Finance", "Marketing", "IT", "Operations");

    private static InMemoryDirectoryServer server;
    private static List<SearchResultEntry> people;

    @BeforeAll
    static void loadLdif() throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(BASE);
        config.setSchema(com.claromentis.keycloak.testing.EmbeddedLdap.schema()); // schema checking on, as the demo's
        config.setEnforceAttributeSyntaxCompliance(true);
        config.setEnforceSingleStructuralObjectClass(true);
        server = new InMemoryDirectoryServer(config);
        try (InputStream in = DemoOrgLdifTest.class.getResourceAsStream("/demo-org.ldif")) {
            assertThat(in).as("demo-org.ldif on the classpath").isNotNull();
            server.importFromLDIF(true, new LDIFReader(in));
        }
        server.startListening();
        people = server.search(PEOPLE, SearchScope.ONE, "(objectClass=inetOrgPerson)").getSearchEntries();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.shutDown(true);
        }
    }

    @Test
    void holdsTheBaseEntriesAndAtLeastSixtyPeople() throws Exception {
        assertThat(server.getEntry(BASE).getAttributeValue("dc")).isEqualTo("claromentis");
        assertThat(server.getEntry(PEOPLE)).isNotNull();
        assertThat(server.getEntry(GROUPS)).isNotNull();
        assertThat(people).hasSizeGreaterThanOrEqualTo(60);
    }

    @Test
    void everyPersonHasTheProfileAttributes() {
        Set<String> mails = new HashSet<>();
        Set<String> employeeNumbers = new HashSet<>();
        for (SearchResultEntry person : people) {
            String uid = person.getAttributeValue("uid");
            assertThat(person.getObjectClassValues()).as(uid)
                    .contains("top", "person", "organizationalPerson", "inetOrgPerson");
            for (String attribute : List.of("cn", "sn", "givenName", "title", "physicalDeliveryOfficeName",
                    "telephoneNumber", "employeeNumber", "userPassword")) {
                assertThat(person.getAttributeValue(attribute)).as(uid + " " + attribute).isNotBlank();
            }
            assertThat(person.getAttributeValue("mail")).as(uid).isEqualTo(uid + "@claromentis.demo");
            assertThat(person.getAttributeValue("departmentNumber")).as(uid).isIn(DEPARTMENTS);
            assertThat(mails.add(person.getAttributeValue("mail"))).as("unique mail " + uid).isTrue();
            assertThat(employeeNumbers.add(person.getAttributeValue("employeeNumber"))).as("unique number " + uid).isTrue();
        }
    }

    @Test
    void everyManagerResolvesAndTheChainHasOneRootAndNoCycle() throws Exception {
        Map<DN, DN> managerOf = new HashMap<>();
        for (SearchResultEntry person : people) {
            String manager = person.getAttributeValue("manager");
            if (manager != null) {
                assertThat(server.getEntry(manager)).as("manager of " + person.getDN()).isNotNull();
                assertThat(server.getEntry(manager).hasObjectClass("inetOrgPerson")).isTrue();
                managerOf.put(person.getParsedDN(), new DN(manager));
            }
        }
        assertThat(people.size() - managerOf.size()).as("people without a manager (the CEO)").isEqualTo(1);

        for (SearchResultEntry person : people) {
            Set<DN> seen = new HashSet<>();
            for (DN current = person.getParsedDN(); current != null; current = managerOf.get(current)) {
                assertThat(seen.add(current)).as("manager cycle through " + current).isTrue();
            }
        }
    }

    @Test
    void everyGroupMemberExists() throws Exception {
        List<SearchResultEntry> groups =
                server.search(GROUPS, SearchScope.ONE, "(objectClass=groupOfNames)").getSearchEntries();
        Set<String> names = groups.stream().map(g -> g.getAttributeValue("cn")).collect(Collectors.toSet());
        assertThat(names).contains("Engineering", "Sales", "HR", "Finance", "Marketing", "IT", "Operations",
                "All Staff", "Managers", "London Office");
        for (SearchResultEntry group : groups) {
            for (String member : group.getAttributeValues("member")) {
                assertThat(server.getEntry(member)).as(group.getAttributeValue("cn") + " member " + member).isNotNull();
                assertThat(new DN(member).getParent()).isEqualTo(new DN(PEOPLE)); // flat: people only
            }
        }
        assertThat(server.getEntry("cn=All Staff," + GROUPS).getAttributeValues("member")).hasSize(people.size());
    }

    @Test
    void everyPersonShowsExactlyTheGroupsAndRoleGroupsListingThem() throws Exception {
        Map<String, Set<String>> listed = new HashMap<>();
        List<SearchResultEntry> groups = new java.util.ArrayList<>();
        groups.addAll(server.search(GROUPS, SearchScope.ONE, "(objectClass=groupOfNames)").getSearchEntries());
        groups.addAll(server.search(ROLES, SearchScope.ONE, "(objectClass=groupOfNames)").getSearchEntries());
        for (SearchResultEntry group : groups) {
            for (String member : group.getAttributeValues("member")) {
                listed.computeIfAbsent(new DN(member).toNormalizedString(), k -> new HashSet<>())
                        .add(group.getParsedDN().toNormalizedString());
            }
        }
        for (SearchResultEntry person : people) {
            String[] memberOf = person.getAttributeValues("memberOf");
            Set<String> shown = memberOf == null ? Set.of() : java.util.Arrays.stream(memberOf)
                    .map(dn -> { try { return new DN(dn).toNormalizedString(); } catch (LDAPException e) { throw new AssertionError(e); } })
                    .collect(Collectors.toSet());
            assertThat(shown).as("memberOf of " + person.getDN())
                    .isEqualTo(listed.getOrDefault(person.getParsedDN().toNormalizedString(), Set.of()));
        }
        assertThat(server.search(ROLES, SearchScope.ONE, "(objectClass=groupOfNames)").getSearchEntries()
                .stream().map(g -> g.getAttributeValue("cn"))).contains("Intranet Editors", "Line Managers");
    }

    @Test
    void theSandboxHasAClaromentisGroupOrRoleForEveryDirectoryGroupAndRoleGroup() throws Exception {
        JsonNode seed;
        try (InputStream in = DemoOrgLdifTest.class.getResourceAsStream("/demo-people-api.json")) {
            seed = new ObjectMapper().readTree(in);
        }
        Set<String> groups = StreamSupport.stream(seed.path("groups").spliterator(), false)
                .map(g -> g.path("name").asText()).collect(Collectors.toSet());
        Set<String> roles = StreamSupport.stream(seed.path("roles").spliterator(), false)
                .map(g -> g.path("name").asText()).collect(Collectors.toSet());
        assertThat(groups).containsAll(server.search(GROUPS, SearchScope.ONE, "(objectClass=groupOfNames)")
                .getSearchEntries().stream().map(g -> g.getAttributeValue("cn")).toList());
        assertThat(roles).containsAll(server.search(ROLES, SearchScope.ONE, "(objectClass=groupOfNames)")
                .getSearchEntries().stream().map(g -> g.getAttributeValue("cn")).toList());
    }

    @Test
    void janeDoeIsALondonEngineeringManagerAndBindsWithHerPassword() throws Exception {
        String jane = "uid=jane.doe," + PEOPLE;
        SearchResultEntry entry = server.getEntry(jane);
        assertThat(entry.getAttributeValue("title")).isEqualTo("Engineering Manager");
        assertThat(entry.getAttributeValue("physicalDeliveryOfficeName")).isEqualTo("London");
        assertThat(entry.getAttributeValue("departmentNumber")).isEqualTo("Engineering");

        try (LDAPConnection connection = server.getConnection()) {
            assertThat(connection.bind(jane, "Demo-Pass-2026!").getResultCode()).isEqualTo(ResultCode.SUCCESS);
            assertThatThrownBy(() -> connection.bind(jane, "Password1!"))
                    .isInstanceOfSatisfying(LDAPException.class,
                            e -> assertThat(e.getResultCode()).isEqualTo(ResultCode.INVALID_CREDENTIALS));
            assertThat(connection.bind("uid=tom.hughes," + PEOPLE, "Password1!").getResultCode())
                    .isEqualTo(ResultCode.SUCCESS);
        }
    }

    @Test
    void peopleApiSeedHoldsEightHrPeopleOutsideTheDirectory() throws Exception {
        JsonNode seed;
        try (InputStream in = DemoOrgLdifTest.class.getResourceAsStream("/demo-people-api.json")) {
            assertThat(in).as("demo-people-api.json on the classpath").isNotNull();
            seed = new ObjectMapper().readTree(in).path("users");
        }
        assertThat(seed.isArray()).isTrue();
        assertThat(seed).hasSize(8);
        int inactive = 0;
        for (JsonNode person : seed) {
            String username = person.path("username").asText();
            for (String field : List.of("username", "firstname", "surname", "email", "phone", "job_title", "office",
                    "department", "external_id")) {
                assertThat(person.path(field).asText()).as(username + " " + field).isNotBlank();
            }
            assertThat(person.path("active").isBoolean()).as(username + " active").isTrue();
            inactive += person.path("active").asBoolean() ? 0 : 1;
            assertThat(person.path("department").asText()).isIn(DEPARTMENTS);
            assertThat(server.getEntry("uid=" + username + "," + PEOPLE)).as(username + " not in LDAP").isNull();
            String manager = person.path("manager").asText(null);
            if (manager != null) {
                // The sandbox links managers by username within its own people, as Claromentis would.
                assertThat(StreamSupport.stream(seed.spliterator(), false).map(p -> p.path("username").asText()))
                        .as(username + "'s manager among the HR people").contains(manager);
            }
        }
        assertThat(inactive).isEqualTo(2);
    }
}
