package com.claromentis.keycloak.it.entra;

import com.claromentis.keycloak.testing.entra.EntraProviders;
import com.claromentis.keycloak.testing.entra.EntraSimulator;
import com.claromentis.keycloak.testing.entra.EntraUser;

import com.claromentis.keycloak.testing.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import org.keycloak.representations.idm.AuthenticationExecutionInfoRepresentation;
import org.keycloak.representations.idm.AuthenticationFlowRepresentation;
import org.keycloak.representations.idm.IdentityProviderMapperRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Pattern;

/** Tenants, users, the app registration and admin-API steps shared by the Entra integration tests. */
public final class EntraFixtures {

    /** The organisation the realms are bound to. */
    public static final String CONTOSO = "4b1c6f0e-2a7d-4c3e-9f10-5d2e8a7b6c01";
    static final String CONTOSO_DOMAIN = "contoso.example";
    /** Another organisation, whose users must never get in. */
    static final String FABRIKAM = "9e3a2b71-8c4d-4f6a-b5e0-1a2b3c4d5e6f";
    static final String FABRIKAM_DOMAIN = "fabrikam.example";
    /** Microsoft's shared tenant of personal accounts (outlook.com, hotmail.com). */
    static final String PERSONAL_TENANT = EntraSimulator.PERSONAL_TENANT;

    /** The app registration in Contoso's directory: Application (client) ID and a client secret. */
    static final String CLIENT_ID = EntraProviders.CLIENT_ID;
    public static final String CLIENT_SECRET = EntraProviders.CLIENT_SECRET;

    static final String ENTRA_PROVIDER = "entra-id";
    static final String GUARD_MAPPER = "entra-tenant-guard-mapper";
    public static final String REALM_TENANT_ATTRIBUTE = "claromentis.entra.tenant";

    private static final Map<String, String> MESSAGES = loadMessages();

    private EntraFixtures() {
    }

    public static EntraSimulator startSimulator() {
        return EntraSimulator.start(Map.of(CONTOSO_DOMAIN, CONTOSO, FABRIKAM_DOMAIN, FABRIKAM));
    }

    static boolean isGuid(String value) {
        return EntraSimulator.isGuid(value);
    }

    /** A new member of {@code tenantId}; fresh ids and names so tests in one realm never meet each other's users. */
    static EntraUser member(String tenantId, String domain, String givenName) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        return EntraUser.member(tenantId, UUID.randomUUID().toString(),
                givenName.toLowerCase() + "." + suffix + "@" + domain, givenName, "Tester");
    }

    /** A personal Microsoft account, signed in through the personal-account tenant. */
    static EntraUser personalAccount(String givenName) {
        return member(PERSONAL_TENANT, "outlook.example", givenName);
    }

    /** A Fabrikam user invited into Contoso as a B2B guest: tid is Contoso's, idp names the home directory. */
    static EntraUser guestInContoso(EntraSimulator simulator, String givenName) {
        return member(CONTOSO, FABRIKAM_DOMAIN, givenName).asGuestFrom(simulator.issuer(FABRIKAM));
    }

    /**
     * The English text the login page shows for a message key of the identity-providers module: Keycloak renders
     * theme messages through {@link MessageFormat}, so quoting rules apply exactly as on the page.
     */
    static String message(String key) {
        String text = MESSAGES.get(key);
        if (text == null) {
            throw new IllegalStateException("No message " + key + " in theme-resources/messages/messages_en.properties");
        }
        return new MessageFormat(text, Locale.ENGLISH).format(new Object[0]);
    }

    private static final Pattern REFERENCE = Pattern.compile("id=\"claromentis-refusal-reference\"[^>]*>([2-9A-Z]{4}-[2-9A-Z]{4})<");

    /** The reference code a refusal page shows; fails when the page has none. */
    static String referenceCode(String html) {
        java.util.regex.Matcher matcher = REFERENCE.matcher(html);
        if (!matcher.find()) {
            throw new AssertionError("No reference code on the page: " + html);
        }
        return matcher.group(1);
    }

    /** A page's HTML with the entities FreeMarker escapes turned back into the characters a user reads. */
    static String visibleText(String html) {
        return html.replace("&#39;", "'").replace("&#x27;", "'").replace("&apos;", "'").replace("&quot;", "\"")
                .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    /** An {@code entra-id} provider as the admin console would send it. */
    public static IdentityProviderRepresentation entraProvider(String alias, String tenant, EntraSimulator simulator) {
        return EntraProviders.entraId(alias, tenant, simulator);
    }

    /**
     * A generic OIDC provider aimed at the simulator's multi-tenant {@code organizations} endpoints: the setup an
     * admin ends up with when following generic "Azure AD with OIDC" guides. Issuer validation is off because the
     * multi-tenant issuer is a template, so without the guard any work account of any tenant gets in.
     */
    static IdentityProviderRepresentation multiTenantOidcProvider(String alias, EntraSimulator simulator) {
        IdentityProviderRepresentation provider = new IdentityProviderRepresentation();
        provider.setAlias(alias);
        provider.setDisplayName("Microsoft (generic OIDC)");
        provider.setProviderId("oidc");
        provider.setEnabled(true);
        provider.setTrustEmail(true);
        String base = simulator.authority() + "/organizations";
        Map<String, String> config = new HashMap<>();
        config.put("authorizationUrl", base + "/oauth2/v2.0/authorize");
        config.put("tokenUrl", base + "/oauth2/v2.0/token");
        config.put("jwksUrl", base + "/discovery/v2.0/keys");
        config.put("useJwksUrl", "true");
        config.put("validateSignature", "true");
        config.put("pkceEnabled", "true");
        config.put("pkceMethod", "S256");
        config.put("clientId", CLIENT_ID);
        config.put("clientSecret", CLIENT_SECRET);
        config.put("clientAuthMethod", "client_secret_post");
        config.put("defaultScope", "openid profile email");
        config.put("syncMode", "IMPORT");
        provider.setConfig(config);
        return provider;
    }

    /** Creates a provider through the admin API and returns the raw answer (201, or 400 with the reason). */
    static HttpResponse<String> createProvider(TestRealm realm, IdentityProviderRepresentation provider) {
        return realm.admin().exchange("POST", realm.adminPath() + "/identity-provider/instances", provider);
    }

    static IdentityProviderRepresentation storedProvider(TestRealm realm, String alias) {
        return realm.admin().get(realm.adminPath() + "/identity-provider/instances/" + alias, IdentityProviderRepresentation.class);
    }

    static void deleteProvider(TestRealm realm, String alias) {
        realm.admin().delete(realm.adminPath() + "/identity-provider/instances/" + alias);
    }

    /** Attaches the Entra tenant guard mapper to a provider. */
    static void attachTenantGuard(TestRealm realm, String alias) {
        IdentityProviderMapperRepresentation mapper = new IdentityProviderMapperRepresentation();
        mapper.setName("entra tenant guard");
        mapper.setIdentityProviderAlias(alias);
        mapper.setIdentityProviderMapper(GUARD_MAPPER);
        mapper.setConfig(Map.of("syncMode", "INHERIT"));
        realm.admin().post(realm.adminPath() + "/identity-provider/instances/" + alias + "/mappers", mapper);
    }

    /**
     * Creates a top-level flow holding only the {@code entra-tenant-guard} execution, REQUIRED: a provider's post
     * login flow, which runs on every sign-in through the provider, after the account exists.
     */
    static void createTenantGuardFlow(TestRealm realm, String flowAlias) {
        AuthenticationFlowRepresentation flow = new AuthenticationFlowRepresentation();
        flow.setAlias(flowAlias);
        flow.setDescription("Refuses Microsoft sign-ins from other tenants");
        flow.setProviderId("basic-flow");
        flow.setTopLevel(true);
        flow.setBuiltIn(false);
        realm.admin().post(realm.adminPath() + "/authentication/flows", flow);
        addRequiredTenantGuard(realm, flowAlias);
    }

    /**
     * Copies Keycloak's "first broker login" flow and puts the {@code entra-tenant-guard} execution first, REQUIRED,
     * so a refused sign-in stops before "Create User If Unique" makes an account.
     */
    static void createFirstLoginFlowWithTenantGuard(TestRealm realm, String flowAlias) {
        realm.admin().post(realm.adminPath() + "/authentication/flows/first%20broker%20login/copy", Map.of("newName", flowAlias));
        addRequiredTenantGuard(realm, flowAlias);
    }

    private static void addRequiredTenantGuard(TestRealm realm, String flowAlias) {
        String executions = realm.adminPath() + "/authentication/flows/"
                + URLEncoder.encode(flowAlias, StandardCharsets.UTF_8).replace("+", "%20") + "/executions";
        // Priority 0 puts it before every step of a copied flow, whose priorities start at 10.
        realm.admin().post(executions + "/execution", Map.of("provider", "entra-tenant-guard", "priority", 0));
        for (AuthenticationExecutionInfoRepresentation execution
                : realm.admin().get(executions, AuthenticationExecutionInfoRepresentation[].class)) {
            if ("entra-tenant-guard".equals(execution.getProviderId())) {
                execution.setRequirement("REQUIRED");
                realm.admin().put(executions, execution);
                return;
            }
        }
        throw new IllegalStateException("entra-tenant-guard execution not found in " + flowAlias);
    }

    /** Stores login events (all types Keycloak saves by default), so tests can read what an admin would see. */
    static void enableLoginEvents(TestRealm realm) {
        RealmRepresentation representation = realm.representation();
        representation.setEventsEnabled(true);
        representation.setEnabledEventTypes(new ArrayList<>());
        realm.update(representation);
    }

    /** Pins a realm without an entra-id provider to one tenant, as the README tells admins to. */
    static void pinRealmTenant(TestRealm realm, String tenant) {
        RealmRepresentation representation = realm.representation();
        Map<String, String> attributes = representation.getAttributes() == null
                ? new HashMap<>() : new HashMap<>(representation.getAttributes());
        attributes.put(REALM_TENANT_ATTRIBUTE, tenant);
        representation.setAttributes(attributes);
        realm.update(representation);
    }

    static int userCount(TestRealm realm) {
        return realm.admin().get(realm.adminPath() + "/users/count").asInt();
    }

    static JsonNode federatedIdentities(TestRealm realm, String userId) {
        return realm.admin().get(realm.adminPath() + "/users/" + userId + "/federated-identity");
    }

    /** The events of {@code type} whose {@code reason} detail is {@code reason}, newest first. */
    static List<JsonNode> eventsWithReason(TestRealm realm, String type, String reason) {
        List<JsonNode> matching = new ArrayList<>();
        for (JsonNode event : realm.events(type)) {
            if (reason.equals(event.path("details").path("reason").asText())) {
                matching.add(event);
            }
        }
        return matching;
    }

    private static Map<String, String> loadMessages() {
        Map<String, String> messages = new HashMap<>();
        try {
            for (URL url : Collections.list(EntraFixtures.class.getClassLoader()
                    .getResources("theme-resources/messages/messages_en.properties"))) {
                try (InputStream in = url.openStream()) {
                    Properties properties = new Properties();
                    properties.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
                    properties.stringPropertyNames().forEach(key -> messages.put(key, properties.getProperty(key)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the theme messages", e);
        }
        return Map.copyOf(messages);
    }
}
