package com.claromentis.keycloak.testing.directory;

import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import com.unboundid.util.ssl.SSLUtil;
import com.unboundid.util.ssl.TrustStoreTrustManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * A real Samba 4 Active Directory domain controller for {@value #REALM}, provisioned in a fresh folder under
 * {@code target/directories/samba-ad/} and serving LDAP 389, LDAPS 636 and Kerberos 88 on 127.0.0.1 only.
 *
 * <p>Those ports are fixed (Samba cannot move them), so this needs root, and one DC per machine: {@link #start()}
 * refuses when another process holds them. Provisioning takes most of the start time (tens of seconds); a test run
 * shares one DC ({@link DirectoryExtension}) and each test class works in its own OU. Writes go over LDAPS, because
 * AD only sets {@code unicodePwd} on an encrypted connection; that costs about 30 ms per user with a password, so
 * keep fixtures to tens of users.
 */
public final class SambaAd extends LdapDirectory {

    public static final String REALM = "EXAMPLE.TEST";
    public static final String DOMAIN = "EXAMPLE";
    public static final String BASE_DN = "DC=example,DC=test";
    public static final String ADMIN_DN = "CN=Administrator,CN=Users," + BASE_DN;
    public static final String ADMIN_PRINCIPAL = "Administrator@" + REALM;
    public static final String ADMIN_PASSWORD = "Passw0rd!Adm";
    public static final String HOST_NAME = "dc1";
    public static final int LDAP_PORT = 389;
    public static final int LDAPS_PORT = 636;
    public static final int KERBEROS_PORT = 88;
    public static final String INSTALL = "apt-get install -y samba samba-ad-provision samba-dsdb-modules samba-vfs-modules krb5-user ldap-utils";

    /** userAccountControl: NORMAL_ACCOUNT. */
    public static final int UAC_NORMAL = 512;
    /** userAccountControl: ACCOUNTDISABLE. */
    public static final int UAC_DISABLED_BIT = 2;
    /** userAccountControl: PASSWD_NOTREQD, which AD wants on an account created without a password. */
    public static final int UAC_PASSWORD_NOT_REQUIRED_BIT = 32;
    /** userAccountControl: DONT_EXPIRE_PASSWORD. */
    public static final int UAC_DONT_EXPIRE_PASSWORD_BIT = 65536;
    /** groupType: global security group. */
    public static final int GLOBAL_SECURITY_GROUP = -2147483646;

    private static final Logger LOG = Logger.getLogger(SambaAd.class.getName());
    private static final Duration PROVISION_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);
    private static final String FOLDER = "samba-ad";

    private final Path home;
    private final Path smbConf;
    private final Path krb5Conf;
    private final Path commandLog;
    private Duration provisionTime = Duration.ZERO;
    private Duration startTime = Duration.ZERO;
    private ProcessHandle samba;
    private Path keycloakKeytab;

    private SambaAd(Path home) {
        super(LDAP_PORT, LDAPS_PORT, BASE_DN, ADMIN_DN, ADMIN_PASSWORD);
        this.home = home;
        this.smbConf = home.resolve("etc/smb.conf");
        this.krb5Conf = kerberosConfiguration();
        this.commandLog = home.resolve("log/commands.log");
    }

    /** Provisions a fresh domain and starts its DC; stopped by {@link #close()} or, failing that, at JVM exit. */
    public static SambaAd start() {
        Path sambaTool = Commands.require("samba-tool", INSTALL);
        Path sambaBinary = Commands.require("samba", INSTALL);
        requireRoot();
        stopLeftOverFromEarlierRun();
        requireFreePorts();
        DirectoryTls tls = DirectoryTls.shared();
        Path home = Workspace.fresh(FOLDER);
        Instant begin = Instant.now();
        try {
            Files.createDirectories(home.resolve("run"));
            Files.createDirectories(home.resolve("log"));
            Path empty = Files.writeString(home.resolve("empty.conf"), "");
            Path log = home.resolve("log/commands.log");
            try {
                Commands.run(home, log, PROVISION_TIMEOUT, Map.of(), provisionCommand(sambaTool, home, empty));
            } catch (IllegalStateException e) {
                if (String.valueOf(e.getMessage()).contains("vfs/acl_xattr.so")) {
                    // samba only recommends its VFS modules, and a provisioning without them fails deep in Python.
                    throw new IllegalStateException("Samba cannot provision a domain controller without its VFS "
                            + "modules (samba-vfs-modules). Install what the directory tests need: " + INSTALL, e);
                }
                throw e;
            }
            Path smbConf = home.resolve("etc/smb.conf");
            // Keycloak binds with a simple bind over plain LDAP too; the DC refuses that by default.
            String conf = Files.readString(smbConf, StandardCharsets.UTF_8)
                    .replaceFirst("(?m)^\\[global\\]$", "[global]\n\tldap server require strong auth = no");
            Files.writeString(smbConf, conf, StandardCharsets.UTF_8);
            // Samba makes its own certificate only when these files are missing; ours names 127.0.0.1.
            tls.issue(home.resolve("private/tls"), HOST_NAME + ".example.test", HOST_NAME + ".example.test");
            SambaAd started = new SambaAd(home);
            started.provisionTime = Duration.between(begin, Instant.now());
            Instant launched = Instant.now();
            Commands.run(home, log, Duration.ofSeconds(60), Map.of(),
                    List.of(sambaBinary.toString(), "-s", smbConf.toString(), "-D"));
            started.stopAtExit();
            started.awaitReady(launched);
            started.startTime = Duration.between(launched, Instant.now());
            started.connected(started.adminPool(tls));
            recordTiming(home, "provision " + started.provisionTime.toMillis() + " ms, start to first bind "
                    + started.startTime.toMillis() + " ms");
            LOG.info(() -> "Samba AD DC for " + REALM + " ready on 127.0.0.1:389/636/88 (provisioned in "
                    + started.provisionTime.toMillis() + " ms, started in " + started.startTime.toMillis() + " ms; "
                    + home + ")");
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the Samba AD DC under " + home, e);
        } catch (RuntimeException e) {
            stopLeftOverFromEarlierRun();
            throw e;
        }
    }






    @Override
    public Path caCertificate() {
        return home.resolve("private/tls/ca.pem");
    }

    /** The DC's LDAPS certificate (issued by {@link #caCertificate()}). */
    public Path serverCertificate() {
        return home.resolve("private/tls/cert.pem");
    }

    /** The DC's folder (smb.conf in {@code etc/}, logs in {@code log/}). */
    @Override
    public Path home() {
        return home;
    }

    public Path smbConf() {
        return smbConf;
    }

    /** A krb5.conf for this realm with the KDC at 127.0.0.1:88 and no DNS lookups; use it as KRB5_CONFIG. */
    public Path krb5Conf() {
        return krb5Conf;
    }

    /** How long {@code samba-tool domain provision} took in this run. */
    public Duration provisionTime() {
        return provisionTime;
    }

    /** From launching {@code samba} to the first successful bind. */
    public Duration startTime() {
        return startTime;
    }

    @Override
    public String uuidOf(String dn) {
        byte[] guid = read(dn).getAttributeValueBytes("objectGUID");
        if (guid == null || guid.length != 16) {
            throw new IllegalStateException("No objectGUID on " + dn);
        }
        return objectGuidText(guid);
    }

    /** AD's textual GUID, as Keycloak stores it: the first three fields little-endian. */
    public static String objectGuidText(byte[] guid) {
        int[] order = {3, 2, 1, 0, -1, 5, 4, -1, 7, 6, -1, 8, 9, -1, 10, 11, 12, 13, 14, 15};
        StringBuilder text = new StringBuilder(36);
        for (int index : order) {
            if (index < 0) {
                text.append('-');
            } else {
                text.append(String.format("%02x", guid[index] & 0xff));
            }
        }
        return text.toString();
    }

    /**
     * Adds a service account with {@code servicePrincipalName} {@code spn} and AES-only keys
     * ({@code msDS-SupportedEncryptionTypes: 24}), e.g. {@code HTTP/localhost} for Keycloak's Kerberos sign-in.
     */
    public String addServiceAccount(String accountName, String password, String spn, String parentDn) {
        return addUser(DirectoryUser.builder(accountName).in(parentDn).password(password)
                .userAccountControl(UAC_NORMAL | UAC_DONT_EXPIRE_PASSWORD_BIT)
                .attribute("servicePrincipalName", spn)
                .attribute("msDS-SupportedEncryptionTypes", "24")
                .build());
    }

    /** Writes the keys of {@code principal} to {@code fileName} in the DC's folder with {@code samba-tool}. */
    public Path exportKeytab(String principal, String fileName) {
        Path keytab = home.resolve(fileName);
        Commands.run(home, commandLog, Duration.ofSeconds(60), Map.of(),
                List.of(Commands.require("samba-tool", INSTALL).toString(), "domain", "exportkeytab", keytab.toString(),
                        "--principal=" + principal, "-s", smbConf.toString()));
        return keytab;
    }

    /**
     * The keytab of {@code HTTP/localhost}, the principal Keycloak's Kerberos provider uses on this machine: adds the
     * service account {@code keycloak-http} under {@code CN=Users} on first call, then {@code keycloak.keytab}.
     */
    public synchronized Path keycloakKeytab() {
        if (keycloakKeytab == null) {
            addServiceAccount("keycloak-http", "Svc-Passw0rd!" + Long.toHexString(System.nanoTime()), "HTTP/localhost",
                    "CN=Users," + BASE_DN);
            keycloakKeytab = exportKeytab("HTTP/localhost", "keycloak.keytab");
        }
        return keycloakKeytab;
    }

    @Override
    Entry userEntry(String dn, DirectoryUser user) {
        List<Attribute> attributes = new ArrayList<>();
        attributes.add(new Attribute("objectClass", "top", "person", "organizationalPerson", "user"));
        attributes.add(new Attribute("cn", user.commonName()));
        attributes.add(new Attribute("sAMAccountName", user.username()));
        attributes.add(new Attribute("userPrincipalName",
                user.userPrincipalName().orElse(user.username() + "@example.test")));
        user.givenName().ifPresent(v -> attributes.add(new Attribute("givenName", v)));
        user.surname().ifPresent(v -> attributes.add(new Attribute("sn", v)));
        if (user.givenName().isPresent() || user.surname().isPresent()) {
            attributes.add(new Attribute("displayName", user.commonName()));
        }
        user.mail().ifPresent(v -> attributes.add(new Attribute("mail", v)));
        user.title().ifPresent(v -> attributes.add(new Attribute("title", v)));
        user.office().ifPresent(v -> attributes.add(new Attribute("physicalDeliveryOfficeName", v)));
        user.department().ifPresent(v -> attributes.add(new Attribute("department", v)));
        user.telephoneNumber().ifPresent(v -> attributes.add(new Attribute("telephoneNumber", v)));
        user.employeeNumber().ifPresent(v -> attributes.add(new Attribute("employeeNumber", v)));
        user.managerDn().ifPresent(v -> attributes.add(new Attribute("manager", v)));
        // AD takes the password in the add itself as the UTF-16LE of the quoted password.
        user.password().ifPresent(v -> attributes.add(new Attribute("unicodePwd",
                ("\"" + v + "\"").getBytes(StandardCharsets.UTF_16LE))));
        attributes.add(new Attribute("userAccountControl", Integer.toString(userAccountControl(user))));
        user.extraAttributes().forEach((name, values) -> attributes.add(new Attribute(name, values)));
        return new Entry(dn, attributes);
    }

    /** What AD needs: 512 with a password, 544 without (a passwordless account is refused otherwise), bit 2 when disabled. */
    static int userAccountControl(DirectoryUser user) {
        if (user.userAccountControl().isPresent()) {
            return user.userAccountControl().get();
        }
        int value = user.password().isPresent() ? UAC_NORMAL : UAC_NORMAL | UAC_PASSWORD_NOT_REQUIRED_BIT;
        return user.disabled() ? value | UAC_DISABLED_BIT : value;
    }

    @Override
    Entry groupEntry(String dn, String name, List<String> memberDns) {
        List<Attribute> attributes = new ArrayList<>();
        attributes.add(new Attribute("objectClass", "top", "group"));
        attributes.add(new Attribute("cn", name));
        attributes.add(new Attribute("sAMAccountName", name));
        attributes.add(new Attribute("groupType", Integer.toString(GLOBAL_SECURITY_GROUP)));
        if (!memberDns.isEmpty()) {
            attributes.add(new Attribute("member", memberDns));
        }
        return new Entry(dn, attributes);
    }

    @Override
    String organizationalUnitRdnAttribute() {
        return "OU";
    }

    @Override
    String groupRdnAttribute() {
        return "CN";
    }

    @Override
    String userRdnAttribute() {
        return "CN";
    }

    @Override
    String userRdnValue(DirectoryUser user) {
        return user.commonName();
    }

    @Override
    synchronized boolean running() {
        return samba != null;
    }

    @Override
    synchronized void stopServer() {
        if (samba != null) {
            ServerProcess.stop(samba, Duration.ofSeconds(30));
            samba = null;
            LOG.info(() -> "Samba AD DC stopped (" + home + ")");
        }
    }

    private void awaitReady(Instant launched) {
        Path pidFile = home.resolve("run/samba.pid");
        SimpleBindRequest bind = new SimpleBindRequest(ADMIN_PRINCIPAL, ADMIN_PASSWORD);
        LDAPConnectionOptions options = new LDAPConnectionOptions();
        options.setConnectTimeoutMillis(1000);
        options.setResponseTimeoutMillis(5000);
        String lastProblem = "no pid file yet";
        while (Duration.between(launched, Instant.now()).compareTo(READY_TIMEOUT) < 0) {
            if (samba == null) {
                samba = ServerProcess.fromPidFile(pidFile, home).orElse(null);
            } else if (!samba.isAlive()) {
                throw new IllegalStateException("samba exited while starting; its log:\n"
                        + Commands.tail(home.resolve("log/log.samba")));
            }
            if (samba != null) {
                // An answered bind plus a root DSE read: the DC accepts the connection before its database is open.
                try (LDAPConnection probe = new LDAPConnection(options, "127.0.0.1", LDAP_PORT)) {
                    probe.bind(bind);
                    if (probe.getRootDSE() != null && ServerProcess.listening(LDAPS_PORT)) {
                        return;
                    }
                } catch (LDAPException e) {
                    lastProblem = e.getResultCode() + " " + e.getDiagnosticMessage();
                }
            }
            ServerProcess.sleep(100);
        }
        String problem = lastProblem;
        stopServer();
        throw new IllegalStateException("The Samba AD DC did not answer within " + READY_TIMEOUT + " (" + problem
                + "); its log:\n" + Commands.tail(home.resolve("log/log.samba")));
    }

    private LDAPConnectionPool adminPool(DirectoryTls tls) {
        try {
            SSLUtil ssl = new SSLUtil(new TrustStoreTrustManager(tls.truststore().toFile(),
                    DirectoryTls.TRUSTSTORE_PASSWORD.toCharArray(), "PKCS12", true));
            LDAPConnection connection = new LDAPConnection(ssl.createSSLSocketFactory(), "127.0.0.1", LDAPS_PORT,
                    ADMIN_DN, ADMIN_PASSWORD);
            return new LDAPConnectionPool(connection, 1, 4);
        } catch (LDAPException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot bind to the Samba AD DC over LDAPS as " + ADMIN_DN + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * The run's krb5.conf for this test domain: the KDC at 127.0.0.1:88, no DNS lookups, {@code localhost} in the
     * domain's realm. One file for every JVM of the run (this one's Java GSS, Keycloak's, and {@code KRB5_CONFIG} of
     * the MIT tools), written at a fixed place before any of them reads it: the JDK reads its Kerberos configuration
     * once, at first use.
     */
    public static synchronized Path kerberosConfiguration() {
        Path file = Workspace.root().resolve("krb5.conf");
        String text = """
                [libdefaults]
                \tdefault_realm = EXAMPLE.TEST
                \tdns_lookup_kdc = false
                \tdns_lookup_realm = false
                \trdns = false
                \tdns_canonicalize_hostname = false

                [realms]
                \tEXAMPLE.TEST = {
                \t\tkdc = 127.0.0.1:88
                \t\tadmin_server = 127.0.0.1:88
                \t}

                [domain_realm]
                \tlocalhost = EXAMPLE.TEST
                \t.example.test = EXAMPLE.TEST
                \texample.test = EXAMPLE.TEST
                """;
        try {
            if (!Files.exists(file) || !Files.readString(file, StandardCharsets.UTF_8).equals(text)) {
                Files.writeString(file, text, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("Cannot write the test domain's krb5.conf " + file, e);
        }
        return file;
    }

    private static List<String> provisionCommand(Path sambaTool, Path home, Path emptyConf) {
        String b = home.toString();
        return List.of(sambaTool.toString(), "domain", "provision", "-s", emptyConf.toString(), "--targetdir=" + b,
                "--realm=" + REALM, "--domain=" + DOMAIN, "--server-role=dc", "--use-rfc2307", "--dns-backend=NONE",
                "--host-name=" + HOST_NAME, "--adminpass=" + ADMIN_PASSWORD,
                "--option=interfaces = lo", "--option=bind interfaces only = yes", "--option=disable netbios = yes",
                "--option=server services = ldap, cldap, kdc",
                "--option=pid directory = " + b + "/run", "--option=ncalrpc dir = " + b + "/run/ncalrpc",
                "--option=winbindd socket directory = " + b + "/run/winbindd",
                "--option=ntp signd socket directory = " + b + "/run/ntp_signd",
                "--option=log file = " + b + "/log/log.%m", "--option=logging = file");
    }

    private static void requireRoot() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            if (!Integer.valueOf(0).equals(uid)) {
                throw new IllegalStateException("The Samba AD fixture needs root: an AD DC serves the fixed ports "
                        + LDAP_PORT + ", " + LDAPS_PORT + " and " + KERBEROS_PORT + " (CI runs as root)");
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalStateException("Cannot tell whether this runs as root (needed for the Samba AD fixture)", e);
        }
    }

    /** A DC left by a killed earlier run (no JVM shutdown hook ran) still holds the ports: stop it, it is ours. */
    private static void stopLeftOverFromEarlierRun() {
        Path home = Workspace.root().resolve(FOLDER);
        Optional<ProcessHandle> old = ServerProcess.fromPidFile(home.resolve("run/samba.pid"), home);
        old.ifPresent(process -> {
            LOG.warning(() -> "Stopping the Samba AD DC " + process.pid() + " an earlier run left in " + home);
            ServerProcess.stop(process, Duration.ofSeconds(30));
        });
    }

    private static void requireFreePorts() {
        for (int port : new int[] {LDAP_PORT, LDAPS_PORT, KERBEROS_PORT}) {
            if (ServerProcess.listening(port)) {
                throw new IllegalStateException("Port " + port + " on 127.0.0.1 is taken by another process (see `ss -ltnp "
                        + "'sport = :" + port + "'`): the Samba AD fixture needs LDAP " + LDAP_PORT + ", LDAPS " + LDAPS_PORT
                        + " and Kerberos " + KERBEROS_PORT + " on loopback. Stop that server (a system slapd or samba: "
                        + "`systemctl stop slapd samba-ad-dc`) and run again.");
            }
        }
    }
}
