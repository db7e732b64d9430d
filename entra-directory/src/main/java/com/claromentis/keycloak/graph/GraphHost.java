package com.claromentis.keycloak.graph;

import com.claromentis.keycloak.tenant.EntraAuthority;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * The Microsoft Graph origin a directory sync reads, e.g. {@code https://graph.microsoft.com}. Only Microsoft's own
 * Graph hosts over https are accepted (the access token goes there), plus loopback over http for a local test Graph.
 */
final class GraphHost {

    static final String DEFAULT_HOST = "graph.microsoft.com";

    /** Global, US Government L4 and L5 (DoD), and China (21Vianet) clouds. */
    static final Set<String> HOSTS = Set.of("graph.microsoft.com", "graph.microsoft.us", "dod-graph.microsoft.us",
            "microsoftgraph.chinacloudapi.cn");

    private final String origin;

    private GraphHost(String origin) {
        this.origin = origin;
    }

    /**
     * @param input a bare host or an origin; blank means the global cloud
     * @throws IllegalArgumentException with a message fit for the admin console
     */
    static GraphHost parse(String input) {
        String value = input == null ? "" : input.trim();
        if (value.isEmpty()) {
            return new GraphHost("https://" + DEFAULT_HOST);
        }
        URI uri;
        try {
            uri = new URI(value.contains("://") ? value : "https://" + value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Graph host is not a valid host name: " + e.getReason(), e);
        }
        String host = uri.getHost();
        if (host == null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("Graph host must be a host name such as " + DEFAULT_HOST);
        }
        String path = uri.getRawPath();
        if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("Graph host must be a host only, without path, query or fragment");
        }
        host = host.toLowerCase(Locale.ROOT);
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        boolean loopback = EntraAuthority.isLoopback(host);
        if (scheme.equals("http") && !loopback) {
            throw new IllegalArgumentException("Graph host must use https; plain http is only allowed for a loopback test Graph");
        }
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("Graph host must use https");
        }
        if (!loopback && !HOSTS.contains(host)) {
            throw new IllegalArgumentException("Graph host '" + host + "' is not a Microsoft Graph host; use one of "
                    + String.join(", ", HOSTS.stream().sorted().toList()));
        }
        int port = uri.getPort();
        return new GraphHost(scheme + "://" + host + (port == -1 ? "" : ":" + port));
    }

    /** e.g. {@code https://graph.microsoft.com}, without a trailing slash. */
    String origin() {
        return origin;
    }

    /** The scope of an app-only token for this Graph. */
    String defaultScope() {
        return origin + "/.default";
    }

    /** Whether {@code url} (a next or delta link from a page) points at this Graph, so the token may go there. */
    boolean owns(String url) {
        if (url == null) {
            return false;
        }
        try {
            URI uri = new URI(url);
            String mine = uri.getScheme() + "://" + uri.getRawAuthority();
            return uri.getRawUserInfo() == null && mine.toLowerCase(Locale.ROOT).equals(origin)
                    && uri.getRawPath() != null && uri.getRawPath().startsWith("/v1.0/");
        } catch (URISyntaxException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return origin;
    }
}
