package com.claromentis.keycloak.connection;

import com.claromentis.keycloak.peopleapi.FieldMapping;
import com.claromentis.keycloak.peopleapi.PeopleApiConfig;
import com.claromentis.keycloak.peopleapi.RetryPolicy;
import com.claromentis.keycloak.peopleapi.auth.BasicAuth;
import com.claromentis.keycloak.peopleapi.auth.ClientCredentialsAuth;
import com.claromentis.keycloak.peopleapi.auth.PeopleApiAuth;
import com.claromentis.keycloak.peopleapi.auth.Secret;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Typed view of how a component reaches Claromentis: URL, credentials (vault references included), timeouts,
 * retries and JSON field names. Every component that talks to the People API (the user storage, and through it the
 * provisioning outbox) declares these keys from here, once.
 */
public final class PeopleApiConnectionSettings {

    public static final String BASE_URL = "baseUrl";
    public static final String AUTH_TYPE = "authType";
    public static final String USERNAME = "apiUsername";
    public static final String PASSWORD = "apiPassword";
    public static final String TOKEN_URL = "tokenUrl";
    public static final String CLIENT_ID = "apiClientId";
    public static final String CLIENT_SECRET = "apiClientSecret";
    public static final String SCOPE = "scope";
    public static final String CONNECT_TIMEOUT = "connectTimeoutMs";
    public static final String READ_TIMEOUT = "readTimeoutMs";
    public static final String CALL_TIMEOUT = "callTimeoutMs";
    public static final String MAX_ATTEMPTS = "maxAttempts";
    public static final String FIELD_MAPPING = "fieldMapping";

    public static final String AUTH_BASIC = "basic";
    public static final String AUTH_CLIENT_CREDENTIALS = "client-credentials";

    /** The connection properties, in the order the admin console shows them. */
    public static final List<ProviderConfigProperty> PROPERTIES = ProviderConfigurationBuilder.create()
            .property().name(BASE_URL).label("Claromentis URL").type(ProviderConfigProperty.STRING_TYPE)
            .helpText("Root URL of the Claromentis site, e.g. https://intranet.example.org. The People API v2 is at "
                    + "<URL>/api/people/v2/. https is required except for a loopback address.")
            .required(true).add()
            .property().name(AUTH_TYPE).label("Authentication").type(ProviderConfigProperty.LIST_TYPE)
            .options(AUTH_BASIC, AUTH_CLIENT_CREDENTIALS).defaultValue(AUTH_BASIC)
            .helpText("HTTP Basic with an API user, or an OAuth2 client-credentials bearer token.").add()
            .property().name(USERNAME).label("API username").type(ProviderConfigProperty.STRING_TYPE)
            .helpText("For Basic authentication.").add()
            .property().name(PASSWORD).label("API password").type(ProviderConfigProperty.PASSWORD).secret(true)
            .helpText("For Basic authentication. A vault reference such as ${vault.claromentis_api} is accepted.").add()
            .property().name(TOKEN_URL).label("Token endpoint").type(ProviderConfigProperty.STRING_TYPE)
            .helpText("For client credentials: the OAuth2 token endpoint URL.").add()
            .property().name(CLIENT_ID).label("Client id").type(ProviderConfigProperty.STRING_TYPE)
            .helpText("For client credentials.").add()
            .property().name(CLIENT_SECRET).label("Client secret").type(ProviderConfigProperty.PASSWORD).secret(true)
            .helpText("For client credentials. A vault reference such as ${vault.claromentis_secret} is accepted.").add()
            .property().name(SCOPE).label("Scope").type(ProviderConfigProperty.STRING_TYPE)
            .helpText("For client credentials, optional.").add()
            .property().name(CONNECT_TIMEOUT).label("Connect timeout (ms)").type(ProviderConfigProperty.INTEGER_TYPE)
            .defaultValue("5000").add()
            .property().name(READ_TIMEOUT).label("Read timeout (ms)").type(ProviderConfigProperty.INTEGER_TYPE)
            .defaultValue("10000").add()
            .property().name(CALL_TIMEOUT).label("Whole-call timeout (ms)").type(ProviderConfigProperty.INTEGER_TYPE)
            .defaultValue("30000").add()
            .property().name(MAX_ATTEMPTS).label("Attempts per request").type(ProviderConfigProperty.INTEGER_TYPE)
            .defaultValue("3")
            .helpText("Idempotent requests are retried on 429, 502, 503, 504 and connection failures, with backoff.").add()
            .property().name(FIELD_MAPPING).label("JSON field names").type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE)
            .helpText("Overrides of the People API's JSON field names, as field=json_name (e.g. firstName=first_name).").add()
            .build();

    private final ComponentModel model;

    public PeopleApiConnectionSettings(ComponentModel model) {
        this.model = model;
    }

    public String baseUrl() {
        return trimmed(BASE_URL);
    }

    /**
     * Checks what an administrator typed; messages name the field and never echo a secret.
     *
     * @throws ComponentValidationException on the first problem found
     */
    public void validate() {
        URI base = httpUrl(BASE_URL, "Claromentis URL");
        String authType = trimmed(AUTH_TYPE) == null ? AUTH_BASIC : trimmed(AUTH_TYPE);
        switch (authType) {
            case AUTH_BASIC -> {
                require(USERNAME, "API username");
                require(PASSWORD, "API password");
            }
            case AUTH_CLIENT_CREDENTIALS -> {
                httpUrl(TOKEN_URL, "Token endpoint");
                require(CLIENT_ID, "Client id");
                require(CLIENT_SECRET, "Client secret");
            }
            default -> throw invalid("Authentication must be 'basic' or 'client-credentials', not '"
                    + abbreviate(authType) + "'");
        }
        integer(CONNECT_TIMEOUT, 5000, 100, 120_000);
        integer(READ_TIMEOUT, 10_000, 100, 600_000);
        integer(CALL_TIMEOUT, 30_000, 100, 600_000);
        integer(MAX_ATTEMPTS, 3, 1, 10);
        try {
            fieldMapping();
        } catch (IllegalArgumentException e) {
            throw invalid("JSON field names: " + e.getMessage());
        }
        if (base.getPath() != null && base.getPath().contains("..")) {
            throw invalid("Claromentis URL must not contain '..'");
        }
    }

    /** The client configuration, with secrets already resolved (e.g. from the vault) by {@code resolveSecret}. */
    public PeopleApiConfig.Builder clientConfig(UnaryOperator<String> resolveSecret) {
        PeopleApiAuth auth = AUTH_CLIENT_CREDENTIALS.equals(model.get(AUTH_TYPE))
                ? ClientCredentialsAuth.builder()
                    .tokenEndpoint(trimmed(TOKEN_URL))
                    .clientId(trimmed(CLIENT_ID))
                    .clientSecret(Secret.of(resolveSecret.apply(model.get(CLIENT_SECRET))))
                    .scope(blankToNull(model.get(SCOPE)))
                    .build()
                : BasicAuth.of(trimmed(USERNAME), Secret.of(resolveSecret.apply(model.get(PASSWORD))));
        return PeopleApiConfig.builder()
                .baseUrl(baseUrl())
                .auth(auth)
                .connectTimeout(Duration.ofMillis(integer(CONNECT_TIMEOUT, 5000, 100, 120_000)))
                .readTimeout(Duration.ofMillis(integer(READ_TIMEOUT, 10_000, 100, 600_000)))
                .callTimeout(Duration.ofMillis(integer(CALL_TIMEOUT, 30_000, 100, 600_000)))
                .retryPolicy(RetryPolicy.of(integer(MAX_ATTEMPTS, 3, 1, 10), Duration.ofMillis(200), Duration.ofSeconds(10)))
                .fieldMapping(fieldMapping())
                .userAgent("claromentis-keycloak");
    }

    private FieldMapping fieldMapping() {
        // get, never getList, which writes into a model that may be the realm cache's shared copy.
        List<String> overrides = model.getConfig().get(FIELD_MAPPING);
        return overrides == null || overrides.isEmpty() ? FieldMapping.defaults() : FieldMapping.parse(overrides);
    }

    private URI httpUrl(String key, String label) {
        String value = require(key, label);
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw invalid(label + " is not a valid URL: " + abbreviate(withoutUserInfo(value)));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
            throw invalid(label + " must be an absolute https URL: " + abbreviate(withoutUserInfo(value)));
        }
        if (uri.getUserInfo() != null) {
            throw invalid(label + " must not carry credentials; use the API username and password fields");
        }
        if (uri.getPort() > 65_535) {
            throw invalid(label + " has an invalid port");
        }
        if (uri.getQuery() != null || uri.getFragment() != null) {
            throw invalid(label + " must not have a query or fragment");
        }
        if (scheme.equals("http") && !isLoopback(uri.getHost())) {
            throw invalid(label + " must use https (plain http is allowed only for a loopback address)");
        }
        return uri;
    }

    public static boolean isLoopback(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.equalsIgnoreCase("localhost")) {
            return true;
        }
        // Literal addresses only: resolving a name here would let DNS decide whether http is allowed.
        if (!bare.matches("[0-9.]+") && !bare.contains(":")) {
            return false;
        }
        try {
            return InetAddress.getByName(bare).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private String require(String key, String label) {
        String value = trimmed(key);
        if (value == null) {
            throw invalid(label + " is required");
        }
        return value;
    }

    private int integer(String key, int fallback, int min, int max) {
        return ComponentSettings.integer(model, key, label(key), fallback, min, max);
    }

    private static String label(String key) {
        return PROPERTIES.stream().filter(p -> p.getName().equals(key)).map(ProviderConfigProperty::getLabel)
                .findFirst().orElse(key);
    }

    private String trimmed(String key) {
        return blankToNull(model.get(key));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    static ComponentValidationException invalid(String text) {
        return ComponentSettings.invalid(text);
    }

    /** A URL for a message with any {@code user:password@} part masked: an administrator may have pasted one. */
    private static String withoutUserInfo(String value) {
        return value.replaceAll("(?s)^([^/]*//)[^/?#]*@", "$1***@");
    }

    private static String abbreviate(String value) {
        return ComponentSettings.abbreviate(value);
    }
}
