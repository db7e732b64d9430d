package com.claromentis.keycloak.testing.directory;

import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * A real OpenLDAP {@code slapd} (Debian's, 2.5) for {@value #BASE_DN} from a private {@code slapd.conf} in a fresh
 * folder under {@code target/directories/slapd/}: mdb backend, schemas core, cosine, inetorgperson and nis, the
 * {@code memberof} overlay (on {@code groupOfNames}/{@code member}) and {@code refint} (on {@code member} and
 * {@code manager}), no size limits. LDAP and LDAPS listen on free high ports of 127.0.0.1; it never touches a system
 * slapd. The tree starts with {@link #peopleDn()} and {@link #groupsDn()}.
 */
public final class Slapd extends LdapDirectory {

    public static final String BASE_DN = "dc=example,dc=test";
    public static final String ADMIN_DN = "cn=admin," + BASE_DN;
    public static final String ADMIN_PASSWORD = "admin-secret";
    public static final String INSTALL = "apt-get install -y slapd ldap-utils";

    private static final Logger LOG = Logger.getLogger(Slapd.class.getName());
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final String FOLDER_PREFIX = "slapd-";
    private static final Path MODULES = Path.of("/usr/lib/ldap");
    private static final Path SCHEMAS = Path.of("/etc/ldap/schema");

    private static boolean leftOversChecked;

    private final Path home;
    private ProcessHandle slapd;
    private Duration startTime = Duration.ZERO;

    private Slapd(Path home, int ldapPort, int ldapsPort) {
        super(ldapPort, ldapsPort, BASE_DN, ADMIN_DN, ADMIN_PASSWORD);
        this.home = home;
    }

    /** Starts a fresh, empty server; stopped by {@link #close()} or, failing that, at JVM exit. */
    public static Slapd start() {
        Path binary = Commands.require("slapd", INSTALL);
        if (!Files.isRegularFile(MODULES.resolve("back_mdb.la")) || !Files.isRegularFile(SCHEMAS.resolve("nis.schema"))) {
            throw new IllegalStateException("slapd's modules or schemas are missing under " + MODULES + " / " + SCHEMAS
                    + ". Install them (as root) with: " + INSTALL);
        }
        stopLeftOverFromEarlierRun();
        DirectoryTls tls = DirectoryTls.shared();
        int ldapPort = ServerProcess.freePort();
        Path home = Workspace.fresh(FOLDER_PREFIX + ldapPort);
        Instant begin = Instant.now();
        Slapd server = new Slapd(home, ldapPort, ServerProcess.freePort());
        try {
            Files.createDirectories(home.resolve("data"));
            DirectoryTls.ServerCertificate certificate = tls.issue(home.resolve("tls"), "localhost");
            Path conf = Files.writeString(home.resolve("slapd.conf"), server.configuration(certificate),
                    StandardCharsets.UTF_8);
            server.stopAtExit();
            // slapd forks into the background once its configuration is good, so this returns at once.
            Commands.run(home, home.resolve("commands.log"), Duration.ofSeconds(30), Map.of(), List.of(binary.toString(),
                    "-f", conf.toString(), "-h", server.ldapUrl() + "/ " + server.ldapsUrl() + "/"));
            server.awaitReady(begin);
            server.startTime = Duration.between(begin, Instant.now());
            server.connected(new LDAPConnectionPool(
                    new LDAPConnection("127.0.0.1", server.ldapPort(), ADMIN_DN, ADMIN_PASSWORD), 1, 4));
            server.add(new Entry(BASE_DN, new Attribute("objectClass", "top", "dcObject", "organization"),
                    new Attribute("dc", "example"), new Attribute("o", "Example")));
            server.addOrganizationalUnit("people");
            server.addOrganizationalUnit("groups");
            recordTiming(home, "start to first answer " + server.startTime.toMillis() + " ms");
            LOG.info(() -> "slapd ready on " + server.ldapUrl() + " and " + server.ldapsUrl() + " in "
                    + server.startTime.toMillis() + " ms (" + home + ")");
            return server;
        } catch (IOException e) {
            server.close();
            throw new UncheckedIOException("Cannot prepare slapd under " + home, e);
        } catch (LDAPException e) {
            server.close();
            throw new IllegalStateException("Cannot bind to slapd as " + ADMIN_DN + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }






    @Override
    public Path caCertificate() {
        return home.resolve("tls/ca.pem");
    }


    /** {@code ou=people,dc=example,dc=test}. */
    public String peopleDn() {
        return "ou=people," + BASE_DN;
    }

    /** {@code ou=groups,dc=example,dc=test}. */
    public String groupsDn() {
        return "ou=groups," + BASE_DN;
    }

    @Override
    public Path home() {
        return home;
    }

    /** From writing the configuration to the first answered request. */
    public Duration startTime() {
        return startTime;
    }

    @Override
    public String uuidOf(String dn) {
        String uuid = read(dn).getAttributeValue("entryUUID");
        if (uuid == null) {
            throw new IllegalStateException("No entryUUID on " + dn);
        }
        return uuid;
    }

    @Override
    Entry userEntry(String dn, DirectoryUser user) {
        if (user.disabled() || user.userAccountControl().isPresent()) {
            throw new IllegalArgumentException("OpenLDAP has no standard disabled flag or userAccountControl: set the "
                    + "attribute the test chooses with DirectoryUser.Builder.attribute(...)");
        }
        List<Attribute> attributes = new ArrayList<>();
        attributes.add(new Attribute("objectClass", "top", "person", "organizationalPerson", "inetOrgPerson"));
        attributes.add(new Attribute("uid", user.username()));
        attributes.add(new Attribute("cn", user.commonName()));
        attributes.add(new Attribute("sn", user.surname().orElse(user.username())));
        user.givenName().ifPresent(v -> attributes.add(new Attribute("givenName", v)));
        if (user.givenName().isPresent() || user.surname().isPresent()) {
            attributes.add(new Attribute("displayName", user.commonName()));
        }
        user.mail().ifPresent(v -> attributes.add(new Attribute("mail", v)));
        user.title().ifPresent(v -> attributes.add(new Attribute("title", v)));
        user.office().ifPresent(v -> attributes.add(new Attribute("physicalDeliveryOfficeName", v)));
        user.department().ifPresent(v -> attributes.add(new Attribute("departmentNumber", v)));
        user.telephoneNumber().ifPresent(v -> attributes.add(new Attribute("telephoneNumber", v)));
        user.employeeNumber().ifPresent(v -> attributes.add(new Attribute("employeeNumber", v)));
        user.managerDn().ifPresent(v -> attributes.add(new Attribute("manager", v)));
        user.password().ifPresent(v -> attributes.add(new Attribute("userPassword", v)));
        user.extraAttributes().forEach((name, values) -> attributes.add(new Attribute(name, values)));
        return new Entry(dn, attributes);
    }

    /** {@code groupOfNames}, which needs at least one member. */
    @Override
    Entry groupEntry(String dn, String name, List<String> memberDns) {
        if (memberDns.isEmpty()) {
            throw new IllegalArgumentException("An OpenLDAP groupOfNames needs at least one member: " + dn);
        }
        return new Entry(dn, new Attribute("objectClass", "top", "groupOfNames"), new Attribute("cn", name),
                new Attribute("member", memberDns));
    }

    @Override
    String organizationalUnitRdnAttribute() {
        return "ou";
    }

    @Override
    String groupRdnAttribute() {
        return "cn";
    }

    @Override
    String userRdnAttribute() {
        return "uid";
    }

    @Override
    String userRdnValue(DirectoryUser user) {
        return user.username();
    }

    @Override
    synchronized boolean running() {
        return slapd != null;
    }

    @Override
    synchronized void stopServer() {
        if (slapd == null) {
            slapd = ServerProcess.fromPidFile(home.resolve("slapd.pid"), home).orElse(null);
        }
        if (slapd != null) {
            ServerProcess.stop(slapd, Duration.ofSeconds(20));
            slapd = null;
            LOG.info(() -> "slapd stopped (" + home + ")");
        }
    }

    private void awaitReady(Instant begin) {
        LDAPConnectionOptions options = new LDAPConnectionOptions();
        options.setConnectTimeoutMillis(500);
        String lastProblem = "no pid file yet";
        while (Duration.between(begin, Instant.now()).compareTo(READY_TIMEOUT) < 0) {
            if (slapd == null) {
                slapd = ServerProcess.fromPidFile(home.resolve("slapd.pid"), home).orElse(null);
            } else if (!slapd.isAlive()) {
                throw new IllegalStateException("slapd exited while starting; see " + home.resolve("commands.log"));
            }
            if (slapd != null) {
                try (LDAPConnection probe = new LDAPConnection(options, "127.0.0.1", ldapPort())) {
                    if (probe.getRootDSE() != null && ServerProcess.listening(ldapsPort())) {
                        return;
                    }
                } catch (LDAPException e) {
                    lastProblem = e.getResultCode() + " " + e.getDiagnosticMessage();
                }
            }
            ServerProcess.sleep(10);
        }
        throw new IllegalStateException("slapd did not answer within " + READY_TIMEOUT + " (" + lastProblem + ")");
    }

    private String configuration(DirectoryTls.ServerCertificate certificate) {
        return """
                # Written by claromentis-testing's Slapd fixture; regenerated on every start.
                include %1$s/core.schema
                include %1$s/cosine.schema
                include %1$s/inetorgperson.schema
                include %1$s/nis.schema
                pidfile %2$s/slapd.pid
                argsfile %2$s/slapd.args
                modulepath %3$s
                moduleload back_mdb
                moduleload memberof
                moduleload refint
                TLSCACertificateFile %4$s
                TLSCertificateFile %5$s
                TLSCertificateKeyFile %6$s

                database mdb
                maxsize 1073741824
                suffix "%7$s"
                rootdn "%8$s"
                rootpw %9$s
                directory %2$s/data
                index objectClass,entryUUID eq
                index uid,cn,mail,member,memberOf eq
                limits * size=unlimited size.prtotal=unlimited
                overlay memberof
                memberof-group-oc groupOfNames
                memberof-member-ad member
                memberof-memberof-ad memberOf
                memberof-refint TRUE
                overlay refint
                refint_attributes member manager
                """.formatted(SCHEMAS, home, MODULES, certificate.caCertificate(), certificate.certificate(),
                certificate.privateKey(), BASE_DN, ADMIN_DN, ADMIN_PASSWORD);
    }

    /** Servers an earlier, killed run left behind (no shutdown hook ran), and their folders. */
    private static synchronized void stopLeftOverFromEarlierRun() {
        if (leftOversChecked) {
            return;
        }
        leftOversChecked = true;
        try (java.util.stream.Stream<Path> folders = Files.list(Workspace.root())) {
            for (Path home : folders.filter(p -> p.getFileName().toString().startsWith(FOLDER_PREFIX)).toList()) {
                ServerProcess.fromPidFile(home.resolve("slapd.pid"), home).ifPresent(process -> {
                    LOG.warning(() -> "Stopping the slapd " + process.pid() + " an earlier run left in " + home);
                    ServerProcess.stop(process, Duration.ofSeconds(20));
                });
                com.claromentis.keycloak.testing.KeycloakServer.deleteTree(home);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot clear earlier slapd folders under " + Workspace.root(), e);
        }
    }
}
