package com.claromentis.keycloak.connection;

import com.claromentis.keycloak.peopleapi.PeopleApiConfig;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.connections.httpclient.ProxyMappings;
import org.keycloak.models.KeycloakSession;
import org.keycloak.truststore.TruststoreProvider;
import org.keycloak.vault.VaultStringSecret;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.List;

/**
 * Applies the TLS trust, HTTP proxy and vault settings an administrator configured for Keycloak itself to a
 * People API client, so TLS and proxies are configured once, for Keycloak.
 */
public final class KeycloakHttpSettings {

    private static final Logger LOG = Logger.getLogger(KeycloakHttpSettings.class);

    private KeycloakHttpSettings() {
    }

    /** Resolves {@code ${vault.key}} through Keycloak's vault; any other value is returned as it is. */
    public static String resolveSecret(KeycloakSession session, String value) {
        if (value == null) {
            return null;
        }
        try (VaultStringSecret secret = session.vault().getStringSecret(value)) {
            // Keep the message free of the reference's value: it may be a secret typed in clear by mistake.
            return secret.get().orElseThrow(() -> new IllegalStateException("A vault reference in the settings does not "
                    + "resolve: check the vault configuration"));
        }
    }

    /** Adds Keycloak's truststore (when one is configured) and proxy mappings to a client configuration. */
    public static PeopleApiConfig.Builder apply(KeycloakSession session, PeopleApiConfig.Builder builder) {
        trustManager(session).ifPresent(trust -> builder.tls(sslContext(trust).getSocketFactory(), trust));
        proxySelector().ifPresent(builder::proxySelector);
        return builder;
    }

    /** The same for any other OkHttp client of the bundle (Microsoft Graph). */
    public static okhttp3.OkHttpClient.Builder apply(KeycloakSession session, okhttp3.OkHttpClient.Builder builder) {
        trustManager(session).ifPresent(trust -> builder.sslSocketFactory(sslContext(trust).getSocketFactory(), trust));
        proxySelector().ifPresent(builder::proxySelector);
        return builder;
    }

    private static java.util.Optional<X509TrustManager> trustManager(KeycloakSession session) {
        TruststoreProvider truststore = session.getProvider(TruststoreProvider.class);
        return truststore == null || truststore.getTruststore() == null ? java.util.Optional.empty()
                : java.util.Optional.of(trustManager(truststore.getTruststore()));
    }

    private static java.util.Optional<ProxySelector> proxySelector() {
        ProxyMappings mappings = proxyMappings();
        return mappings == null || mappings.isEmpty() ? java.util.Optional.empty()
                : java.util.Optional.of(new MappedProxySelector(mappings));
    }

    private static ProxyMappings proxyMappings() {
        Config.Scope scope = Config.scope("connections-http-client", "default");
        String[] mappings = scope.getArray("proxy-mappings");
        return mappings == null ? null : ProxyMappings.valueOf(Arrays.asList(mappings));
    }

    private static X509TrustManager trustManager(KeyStore store) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("Keycloak's truststore yields no X.509 trust manager");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Keycloak's truststore cannot be used: " + e.getMessage(), e);
        }
    }

    private static SSLContext sslContext(X509TrustManager trustManager) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustManager}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** Keycloak's {@code proxy-mappings} (hostname regex to proxy URL or NO_PROXY) as a JDK proxy selector. */
    private static final class MappedProxySelector extends ProxySelector {
        private final ProxyMappings mappings;

        MappedProxySelector(ProxyMappings mappings) {
            this.mappings = mappings;
        }

        @Override
        public List<Proxy> select(URI uri) {
            ProxyMappings.ProxyMapping mapping = mappings.getProxyFor(uri.getHost());
            if (mapping == null || mapping.getProxyHost() == null) {
                return List.of(Proxy.NO_PROXY);
            }
            return List.of(new Proxy(Proxy.Type.HTTP,
                    InetSocketAddress.createUnresolved(mapping.getProxyHost().getHostName(), mapping.getProxyHost().getPort())));
        }

        @Override
        public void connectFailed(URI uri, SocketAddress address, IOException failure) {
            LOG.warnf("Proxy %s failed for %s: %s", address, uri.getHost(), failure.getMessage());
        }
    }
}
