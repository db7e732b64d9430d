package com.claromentis.keycloak.benchmarks;

import com.claromentis.keycloak.sandbox.SandboxGroup;
import com.claromentis.keycloak.sandbox.SandboxServer;
import com.claromentis.keycloak.sandbox.SandboxUser;
import com.claromentis.keycloak.testing.directory.DirectoryUser;
import com.claromentis.keycloak.testing.directory.Slapd;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The company directory of the directory-sync benchmark: a real OpenLDAP {@code slapd} (the testing module's
 * {@link Slapd}, as the directory integration tests run it: mdb, memberof and refint overlays) with generated
 * inetOrgPerson staff who have every attribute the openldap preset maps (name, email, phone, title, office,
 * department, employee number, manager in a 10-wide org chart) and groupOfNames groups, so the preset's mappers all
 * have work to do. A separate, smaller OU holds the warm-up staff.
 */
final class OpenLdapCompany implements AutoCloseable {

    static final String PREFIX = "user";
    static final String WARM_UP_PREFIX = "warm";
    /** People under one manager: 1,000 distinct managers for 10,000 people, each looked up once per sync. */
    private static final int SPAN_OF_CONTROL = 10;
    /** Slapd's pool holds four administrator connections; more threads would only queue for them. */
    private static final int WRITERS = 4;
    private static final Duration FILL_TIMEOUT = Duration.ofMinutes(30);
    /** Slapd's fixture puts its servers under {@code target/directories} of the working directory unless told. */
    private static final String WORK_DIR_PROPERTY = "it.directory.work.dir";

    private static final String[] GIVEN = {"Alice", "Bob", "Carol", "Dan", "Erin", "Frank", "Grace", "Heidi",
            "Ivan", "Judy", "Mallory", "Niaj", "Olivia", "Peggy", "Rupert", "Sybil", "Trent", "Uma", "Victor", "Wendy"};
    private static final String[] TITLES = {"Engineer", "Analyst", "Designer", "Accountant", "Consultant",
            "Team Lead", "Administrator"};
    private static final String[] OFFICES = {"London", "Manchester", "Leeds", "Glasgow", "Cardiff"};
    private static final String[] DEPARTMENTS = {"IT", "Finance", "HR", "Sales", "Marketing", "Legal", "Operations",
            "Support", "Research", "Facilities", "Procurement", "Training"};

    private final Slapd slapd;
    private final String peopleDn;
    private final String warmUpDn;
    private final List<String> groupNames;
    private final String rolesDn;
    private final double fillSeconds;

    private OpenLdapCompany(Slapd slapd, String peopleDn, String warmUpDn, List<String> groupNames, String rolesDn,
                            double fillSeconds) {
        this.slapd = slapd;
        this.peopleDn = peopleDn;
        this.warmUpDn = warmUpDn;
        this.groupNames = List.copyOf(groupNames);
        this.rolesDn = rolesDn;
        this.fillSeconds = fillSeconds;
    }

    /**
     * Starts slapd with its files under {@code workDir}/directories (never the integration tests' folder: the fixture
     * stops any slapd it finds left in its folder) and fills it as {@code settings} says.
     */
    static OpenLdapCompany start(Path workDir, DirectorySyncSettings settings) {
        Slapd slapd = startSlapd(workDir);
        try {
            long start = System.nanoTime();
            String people = slapd.peopleDn();
            String warmUp = slapd.addOrganizationalUnit("warm-up");
            addStaff(slapd, people, PREFIX, settings.users());
            addStaff(slapd, warmUp, WARM_UP_PREFIX, settings.warmUpUsers());
            List<String> groups = new ArrayList<>();
            for (int g = 0; g < settings.groups(); g++) {
                String name = "Team " + (g + 1);
                List<String> members = new ArrayList<>(settings.groupSize());
                // Member k of group g is user g + k * groups: distinct groups, spread over the org chart.
                for (int k = 0; k < settings.groupSize(); k++) {
                    members.add(dn(people, PREFIX, g + k * settings.groups()));
                }
                slapd.addGroup(name, slapd.groupsDn(), members);
                groups.add(name);
            }
            return new OpenLdapCompany(slapd, people, warmUp, groups, null, (System.nanoTime() - start) / 1e9);
        } catch (RuntimeException e) {
            slapd.close();
            throw e;
        }
    }

    /**
     * The same company as a People API sandbox, in slapd: every person of {@code company} in {@code ou=people} with
     * the same username, names, email, phone, title, office, department, employee number (the external id) and
     * manager (as the manager's DN), every group as a groupOfNames of the same members in {@code ou=groups} and
     * every role as one in {@code ou=roles}; the people of {@code warmUp} in {@code ou=warm-up}. So Keycloak's stock
     * LDAP import and the People API sync have the same people, fields and memberships to write.
     */
    static OpenLdapCompany copyOf(Path workDir, SandboxServer company, SandboxServer warmUp) {
        Slapd slapd = startSlapd(workDir);
        try {
            long start = System.nanoTime();
            String people = slapd.peopleDn();
            String warmUpDn = slapd.addOrganizationalUnit("warm-up");
            String roles = slapd.addOrganizationalUnit("roles");
            Map<Long, String> peopleDns = copyPeople(slapd, people, company.users());
            copyPeople(slapd, warmUpDn, warmUp.users());
            List<String> groups = new ArrayList<>();
            for (SandboxGroup group : company.groups()) {
                slapd.addGroup(group.name(), slapd.groupsDn(), group.members().stream().map(peopleDns::get).toList());
                groups.add(group.name());
            }
            for (SandboxGroup role : company.roles()) {
                slapd.addGroup(role.name(), roles, role.members().stream().map(peopleDns::get).toList());
            }
            return new OpenLdapCompany(slapd, people, warmUpDn, groups, roles, (System.nanoTime() - start) / 1e9);
        } catch (RuntimeException e) {
            slapd.close();
            throw e;
        }
    }

    private static Map<Long, String> copyPeople(Slapd slapd, String ou, List<SandboxUser> users) {
        Map<Long, String> dns = new HashMap<>();
        users.forEach(user -> dns.put(user.id(), "uid=" + user.username() + "," + ou));
        Parallel.forEach(users.size(), WRITERS, FILL_TIMEOUT, "Copying " + users.size() + " people to slapd", i -> {
            SandboxUser user = users.get(i);
            DirectoryUser.Builder entry = DirectoryUser.builder(user.username()).in(ou)
                    .givenName(user.firstname())
                    .surname(user.surname())
                    .mail(user.email())
                    .telephoneNumber(user.phone())
                    .title(user.jobTitle())
                    .office(user.office())
                    .department(user.department())
                    .employeeNumber(user.externalId());
            if (user.managerId() != null) {
                entry.managerDn(dns.get(user.managerId()));
            }
            slapd.addUser(entry.build());
        });
        return dns;
    }

    private static Slapd startSlapd(Path workDir) {
        if (System.getProperty(WORK_DIR_PROPERTY) == null) {
            System.setProperty(WORK_DIR_PROPERTY, workDir.resolve("directories").toString());
        }
        return Slapd.start();
    }

    /** Where {@link #copyOf} put the roles; null for a generated company. */
    String rolesDn() {
        return rolesDn;
    }

    String ldapUrl() {
        return slapd.ldapUrl();
    }

    String bindDn() {
        return slapd.bindDn();
    }

    String bindPassword() {
        return slapd.bindPassword();
    }

    String peopleDn() {
        return peopleDn;
    }

    String warmUpDn() {
        return warmUpDn;
    }

    String groupsDn() {
        return slapd.groupsDn();
    }

    /** The groups' names, which the People API sandbox needs too: Claromentis owns its group list. */
    List<String> groupNames() {
        return groupNames;
    }

    /** slapd's process id, from its pid file (it forks into the background, so it is no child of ours); 0 if unknown. */
    long pid() {
        try {
            return Long.parseLong(java.nio.file.Files.readString(slapd.home().resolve("slapd.pid")).trim());
        } catch (java.io.IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** Wall time of adding every entry, for the record (not a figure of the sync). */
    double fillSeconds() {
        return fillSeconds;
    }

    /**
     * Gives {@code count} people, spread over the org chart, a new job title: one modify each, so exactly they have
     * a newer {@code modifyTimestamp} than the last sync.
     *
     * @param round part of the new title, so each round's changed sync has a real change to bring
     */
    void changeTitles(int count, int users, int round) {
        int stride = Math.max(users / count, 1);
        for (int k = 0; k < count; k++) {
            int i = k * stride;
            slapd.replace(dn(peopleDn, PREFIX, i), "title", "Senior " + TITLES[i % TITLES.length] + " " + round);
        }
    }

    @Override
    public void close() {
        slapd.close();
    }

    private static void addStaff(Slapd slapd, String ou, String prefix, int count) {
        Parallel.forEach(count, WRITERS, FILL_TIMEOUT, "Adding " + count + " " + prefix + " entries to slapd",
                i -> slapd.addUser(person(ou, prefix, i)));
    }

    private static DirectoryUser person(String ou, String prefix, int i) {
        String uid = prefix + "." + i;
        DirectoryUser.Builder user = DirectoryUser.builder(uid).in(ou)
                .givenName(GIVEN[i % GIVEN.length])
                .surname("Staff" + i)
                .mail(uid + "@example.test")
                .telephoneNumber(String.format(Locale.ROOT, "+44 20 7946 %04d", i % 10_000))
                .title(TITLES[i % TITLES.length])
                .office(OFFICES[i % OFFICES.length])
                .department(DEPARTMENTS[i % DEPARTMENTS.length])
                .employeeNumber(String.format(Locale.ROOT, "E-%06d", i));
        if (i > 0) {
            // The manager's entry may not exist yet (four writers): slapd does not check a DN value, and the sync
            // runs once everyone is there.
            user.managerDn(dn(ou, prefix, (i - 1) / SPAN_OF_CONTROL));
        }
        return user.build();
    }

    /** The DN {@link Slapd#addUser} gives {@code prefix.i} under {@code ou}. */
    private static String dn(String ou, String prefix, int i) {
        return "uid=" + prefix + "." + i + "," + ou;
    }
}
