package com.claromentis.keycloak.testing;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.schema.Schema;
import com.unboundid.ldif.LDIFReader;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An UnboundID in-memory directory on a free loopback port, loaded from LDIF fixtures.
 *
 * <p>Used where no real server of the right shape runs here (eDirectory) and for fast, isolated directories;
 * Active Directory and OpenLDAP tests use Samba and slapd instead.
 */
public final class EmbeddedLdap implements AutoCloseable {

    private final InMemoryDirectoryServer server;
    private final String baseDn;
    private final String bindDn;
    private final String bindPassword;

    private EmbeddedLdap(InMemoryDirectoryServer server, String baseDn, String bindDn, String bindPassword) {
        this.server = server;
        this.baseDn = baseDn;
        this.bindDn = bindDn;
        this.bindPassword = bindPassword;
    }

    public static Builder builder(String baseDn) {
        return new Builder(baseDn);
    }

    /** {@code ldap://127.0.0.1:port}. */
    public String url() {
        return "ldap://127.0.0.1:" + server.getListenPort();
    }

    public int port() {
        return server.getListenPort();
    }

    public String baseDn() {
        return baseDn;
    }

    public String bindDn() {
        return bindDn;
    }

    public String bindPassword() {
        return bindPassword;
    }

    /** The running server, for tests that add, modify or delete entries while Keycloak watches. */
    public InMemoryDirectoryServer directory() {
        return server;
    }

    @Override
    public void close() {
        server.shutDown(true);
    }

    /**
     * {@code memberOf}, as Active Directory and OpenLDAP's memberof overlay show it, for entries that carry it
     * themselves (objectClass extensibleObject): the in-memory server keeps no memberships of its own.
     */
    private static final Schema MEMBER_OF;

    static {
        try {
            MEMBER_OF = new Schema(new com.unboundid.ldap.sdk.Entry("cn=schema",
                    new com.unboundid.ldap.sdk.Attribute("objectClass", "top", "ldapSubentry", "subschema"),
                    new com.unboundid.ldap.sdk.Attribute("attributeTypes", "( 1.2.840.113556.1.2.102 NAME 'memberOf' "
                            + "EQUALITY distinguishedNameMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.12 )")));
        } catch (RuntimeException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The standard schema with {@code memberOf}: what a started directory checks entries against. */
    public static Schema schema() throws LDAPException {
        return Schema.mergeSchemas(Schema.getDefaultStandardSchema(), MEMBER_OF);
    }

    public static final class Builder {
        private final String baseDn;
        private final List<String> ldifResources = new ArrayList<>();
        private String bindDn = "cn=admin";
        private String bindPassword = "admin-secret";
        private boolean schemaChecks = true;
        private int port;

        private Builder(String baseDn) {
            this.baseDn = Objects.requireNonNull(baseDn);
        }

        /** An LDIF file on the classpath, loaded in the order given. */
        public Builder ldif(String classpathResource) {
            ldifResources.add(classpathResource);
            return this;
        }

        public Builder bindCredentials(String dn, String password) {
            this.bindDn = dn;
            this.bindPassword = password;
            return this;
        }

        /** Turns schema checking off, for directory shapes with attributes the standard schema lacks (eDirectory). */
        public Builder withoutSchema() {
            this.schemaChecks = false;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public EmbeddedLdap start() {
            try {
                InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(baseDn);
                config.addAdditionalBindCredentials(bindDn, bindPassword);
                config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig(
                        "ldap", InetAddress.getLoopbackAddress(), port, null));
                config.setSchema(schemaChecks ? schema() : null);
                // Keycloak's changed-users sync filters on these; the in-memory server only maintains them when asked.
                config.setGenerateOperationalAttributes(true);
                InMemoryDirectoryServer server = new InMemoryDirectoryServer(config);
                for (String resource : ldifResources) {
                    try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
                        if (in == null) {
                            throw new IllegalArgumentException("No LDIF resource " + resource + " on the classpath");
                        }
                        server.importFromLDIF(false, new LDIFReader(in));
                    }
                }
                server.startListening();
                return new EmbeddedLdap(server, baseDn, bindDn, bindPassword);
            } catch (LDAPException e) {
                throw new IllegalStateException("Cannot start the embedded directory for " + baseDn + ": " + e.getMessage(), e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
