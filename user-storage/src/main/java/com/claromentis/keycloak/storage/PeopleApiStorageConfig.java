package com.claromentis.keycloak.storage;

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

/** Typed view of a {@code claromentis-people-api} component's configuration; every key is declared here once. */
public final class PeopleApiStorageConfig {

    static final String BASE_URL = "baseUrl";
    static final String AUTH_TYPE = "authType";
    static final String USERNAME = "apiUsername";
    static final String PASSWORD = "apiPassword";
    static final String TOKEN_URL = "tokenUrl";
    static final String CLIENT_ID = "apiClientId";
    static final String CLIENT_SECRET = "apiClientSecret";
    static final String SCOPE = "scope";
    static final String CONNECT_TIMEOUT = "connectTimeoutMs";
    static final String READ_TIMEOUT = "readTimeoutMs";
    static final String CALL_TIMEOUT = "callTimeoutMs";
    static final String MAX_ATTEMPTS = "maxAttempts";
    static final String FRESHNESS = "freshnessSeconds";
    static final String WHEN_UNAVAILABLE = "whenUnavailable";
    static final String DELETED_USERS = "deletedUsers";
    static final String WRITE_BACK = "writeBack";
    static final String SYNC_GROUPS = "syncGroups";
    static final String SYNC_ROLES = "syncRoles";
    static final String FIELD_MAPPING = "fieldMapping";

    static final String AUTH_BASIC = "basic";
    static final String AUTH_CLIENT_CREDENTIALS = "client-credentials";

    /** What a sign-in does when Claromentis cannot be asked whether the user is still valid. */
    public enum WhenUnavailable { USE_CACHED, REFUSE }

    /** What a full sync does with a Keycloak user whose Claromentis user is gone. */
    public enum DeletedUsers { REMOVE, DISABLE }

    static final List<ProviderConfigProperty> PROPERTIES = ProviderConfigurationBuilder.create()
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
            .property().name(FRESHNESS).label("Refresh a user after (s)").type(ProviderConfigProperty.INTEGER_TYPE)
            .defaultValue("300")
            .helpText("Within this time since the last check a sign-in uses the imported copy and asks the People API "
                    + "nothing; after it, the user is refreshed from Claromentis.").add()
            .property().name(WHEN_UNAVAILABLE).label("When Claromentis is unreachable").type(ProviderConfigProperty.LIST_TYPE)
            .options("use-cached", "refuse").defaultValue("use-cached")
            .helpText("use-cached: known users sign in with their imported copy; refuse: sign-ins that need a refresh "
                    + "show 'Claromentis is not reachable'. Users never seen before cannot sign in either way.").add()
            .property().name(DELETED_USERS).label("Users deleted in Claromentis").type(ProviderConfigProperty.LIST_TYPE)
            .options("remove", "disable").defaultValue("remove")
            .helpText("Whether a full sync (or a sign-in) removes or disables the Keycloak user of a deleted Claromentis user.").add()
            .property().name(WRITE_BACK).label("Write changes back to Claromentis").type(ProviderConfigProperty.BOOLEAN_TYPE)
            .defaultValue("false")
            .helpText("When on, users created, edited or deleted in the admin console for this provider are created, "
                    + "updated or deleted in Claromentis. When off, the Claromentis fields are read-only here.").add()
            .property().name(SYNC_GROUPS).label("Import groups").type(ProviderConfigProperty.BOOLEAN_TYPE)
            .defaultValue("true").helpText("Claromentis groups become Keycloak groups with the same members.").add()
            .property().name(SYNC_ROLES).label("Import roles").type(ProviderConfigProperty.BOOLEAN_TYPE)
            .defaultValue("true").helpText("Claromentis roles become Keycloak realm roles granted to their members.").add()
            .property().name(FIELD_MAPPING).label("JSON field names").type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE)
            .helpText("Overrides of the People API's JSON field names, as field=json_name (e.g. firstName=first_name).").add()
            .build();

    private final ComponentModel model;

    public PeopleApiStorageConfig(ComponentModel model) {
        this.model = model;
    }

    public String baseUrl() {
        return trimmed(BASE_URL);
    }

    public boolean writeBack() {
        return Boolean.parseBoolean(model.get(WRITE_BACK, "false"));
    }

    public boolean syncGroups() {
        return Boolean.parseBoolean(model.get(SYNC_GROUPS, "true"));
    }

    public boolean syncRoles() {
        return Boolean.parseBoolean(model.get(SYNC_ROLES, "true"));
    }

    public Duration freshness() {
        return Duration.ofSeconds(integer(FRESHNESS, 300, 0, 86_400));
    }

    public WhenUnavailable whenUnavailable() {
        return "refuse".equals(model.get(WHEN_UNAVAILABLE)) ? WhenUnavailable.REFUSE : WhenUnavailable.USE_CACHED;
    }

    public DeletedUsers deletedUsers() {
        return "disable".equals(model.get(DELETED_USERS)) ? DeletedUsers.DISABLE : DeletedUsers.REMOVE;
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
        integer(FRESHNESS, 300, 0, 86_400);
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

    /** A key identifying the settings a client is built from, so a changed component gets a new client. */
    String clientKey() {
        StringBuilder key = new StringBuilder(model.getId() == null ? "new" : model.getId());
        for (ProviderConfigProperty property : PROPERTIES) {
            key.append('|').append(property.getName()).append('=').append(model.getConfig().getList(property.getName()));
        }
        return Integer.toHexString(key.toString().hashCode()) + ":" + model.getId();
    }

    private FieldMapping fieldMapping() {
        List<String> overrides = model.getConfig().getList(FIELD_MAPPING);
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

    static boolean isLoopback(String host) {
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
        String value = trimmed(key);
        if (value == null) {
            return fallback;
        }
        long parsed;
        try {
            // Parsed as a long (and any longer run of digits as out of range) so "99999999999" reads as too large.
            parsed = value.matches("[+-]?[0-9]{12,}") ? (value.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE)
                    : Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw invalid(label(key) + " must be a whole number, not '" + abbreviate(value) + "'");
        }
        if (parsed < min || parsed > max) {
            throw invalid(label(key) + " must be between " + min + " and " + max);
        }
        return (int) parsed;
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

    /**
     * A refusal the admin console can show. Keycloak 26.7 runs a component validation message through
     * {@link java.text.MessageFormat} (twice on creation, as observed), which drops apostrophes and fails with a 500
     * on a stray '{' from a typed URL or a server's error text. Quoting cannot survive an unknown number of passes,
     * so the characters MessageFormat interprets are replaced by look-alikes it does not.
     */
    static ComponentValidationException invalid(String text) {
        return new ComponentValidationException(text.replace('\'', '\u2019').replace('{', '(').replace('}', ')'));
    }

    /** A URL for a message with any {@code user:password@} part masked: an administrator may have pasted one. */
    private static String withoutUserInfo(String value) {
        return value.replaceAll("(?s)^([^/]*//)[^/?#]*@", "$1***@");
    }

    private static String abbreviate(String value) {
        String clean = value.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 80 ? clean.substring(0, 80) + "..." : clean;
    }
}
