package com.claromentis.keycloak.tenant;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The authority (login host) a tenant signs in at, and the tenant-specific endpoints derived from it.
 * Only Microsoft's own authority hosts are accepted over https, plus loopback so tests can point the provider
 * at a local OIDC server.
 */
public final class EntraAuthority {

    public static final String DEFAULT_HOST = "login.microsoftonline.com";

    private static final Pattern IPV4 = Pattern.compile("(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
            + "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

    private final String base;

    private EntraAuthority(String base) {
        this.base = base;
    }

    /**
     * @param input a bare host ({@code login.microsoftonline.us}) or an origin ({@code http://127.0.0.1:8089/});
     *              blank means the global cloud
     * @throws IllegalArgumentException with a message fit for the admin console
     */
    public static EntraAuthority parse(String input) {
        String value = input == null ? "" : input.trim();
        if (value.isEmpty()) {
            return new EntraAuthority("https://" + DEFAULT_HOST);
        }
        String candidate = value.contains("://") ? value : "https://" + value;
        URI uri;
        try {
            uri = new URI(candidate);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Authority host is not a valid host name: " + e.getReason(), e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost();
        if (host == null || uri.getRawAuthority() == null) {
            throw new IllegalArgumentException("Authority host must be a host name such as " + DEFAULT_HOST);
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("Authority host must not contain user credentials");
        }
        String path = uri.getRawPath();
        if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("Authority host must be a host only, without path, query or fragment; "
                    + "the tenant path is added automatically");
        }
        host = host.toLowerCase(Locale.ROOT);
        boolean loopback = isLoopback(host);
        if (scheme.equals("http")) {
            if (!loopback) {
                throw new IllegalArgumentException("Authority host must use https; plain http is only allowed for a loopback test authority");
            }
        } else if (!scheme.equals("https")) {
            throw new IllegalArgumentException("Authority host must use https");
        }
        if (!loopback && !EntraTenants.AUTHORITY_HOSTS.contains(host)) {
            throw new IllegalArgumentException("Authority host '" + host + "' is not a Microsoft Entra authority; use one of "
                    + String.join(", ", EntraTenants.AUTHORITY_HOSTS.stream().sorted().toList()));
        }
        int port = uri.getPort();
        // URI.getHost() keeps the brackets of an IPv6 literal, so the host can be reused as is.
        return new EntraAuthority(scheme + "://" + host + (port == -1 ? "" : ":" + port));
    }

    /** Whether {@code host} (lower case, as {@link URI#getHost()} gives it) is localhost or a loopback IP literal. */
    public static boolean isLoopback(String host) {
        if (host.equals("localhost")) {
            return true;
        }
        // Only IP literals, told apart by their syntax: resolving a name here would let DNS decide whether http is
        // allowed. An IPv6 literal is always bracketed in a URI (URI.getHost() keeps the brackets), so a name made
        // of hex letters such as "cafe" or "dead" is a name; IPv4 must be a full dotted quad, because
        // InetAddress.getByName looks up anything it cannot parse as a literal.
        String literal;
        if (host.startsWith("[") && host.endsWith("]") && host.indexOf(':') > 0) {
            literal = host.substring(1, host.length() - 1);
        } else if (IPV4.matcher(host).matches()) {
            literal = host;
        } else {
            return false;
        }
        try {
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("Authority host is not a valid address", e);
        }
    }

    /** e.g. {@code https://login.microsoftonline.com}, never with a trailing slash. */
    public String base() {
        return base;
    }

    public String issuer(String tenantId) {
        return base + "/" + tenantId + "/v2.0";
    }

    public String authorizationEndpoint(String tenantId) {
        return base + "/" + tenantId + "/oauth2/v2.0/authorize";
    }

    public String tokenEndpoint(String tenantId) {
        return base + "/" + tenantId + "/oauth2/v2.0/token";
    }

    public String jwksEndpoint(String tenantId) {
        return base + "/" + tenantId + "/discovery/v2.0/keys";
    }

    public String discoveryDocument(String tenantOrDomain) {
        return base + "/" + tenantOrDomain + "/v2.0/.well-known/openid-configuration";
    }

    @Override
    public String toString() {
        return base;
    }
}
