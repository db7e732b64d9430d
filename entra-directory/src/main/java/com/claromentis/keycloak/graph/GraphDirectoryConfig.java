package com.claromentis.keycloak.graph;

import com.claromentis.keycloak.connection.ComponentSettings;
import com.claromentis.keycloak.tenant.EntraAuthority;
import com.claromentis.keycloak.tenant.EntraRealmTenant;
import com.claromentis.keycloak.tenant.EntraTenants;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Typed view of an {@code entra-id-directory} component's settings; every property is declared here once, with its
 * default and bounds.
 */
final class GraphDirectoryConfig {

    enum Removal { DISABLE, DELETE }

    static final String TENANT = EntraRealmTenant.TENANT;
    static final String AUTHORITY_HOST = "authorityHost";
    static final String GRAPH_HOST = "graphHost";
    static final String CLIENT_ID = "clientId";
    static final String CLIENT_SECRET = "clientSecret";
    static final String CLIENT_CERTIFICATE = "clientCertificate";
    static final String GROUPS = "groups";
    static final String ONLY_GROUP_MEMBERS = "onlyGroupMembers";
    static final String REMOVAL = "removal";
    static final String MAX_REMOVAL_PERCENT = "maxRemovalPercent";
    static final String PAGE_SIZE = "pageSize";
    static final String MAX_USERS = "maxUsersPerSync";

    static final int DEFAULT_PAGE_SIZE = 999;
    static final int DEFAULT_MAX_REMOVAL_PERCENT = 20;
    static final int DEFAULT_MAX_USERS = 500_000;
    /** Graph's $filter on ids takes at most this many values, and a sync reads each group's members on every run. */
    static final int MAX_GROUPS = 50;

    private static final Map<String, String> LABELS = Map.ofEntries(
            Map.entry(TENANT, "Tenant"), Map.entry(AUTHORITY_HOST, "Authority host"), Map.entry(GRAPH_HOST, "Graph host"),
            Map.entry(CLIENT_ID, "Client ID"), Map.entry(CLIENT_SECRET, "Client secret"),
            Map.entry(CLIENT_CERTIFICATE, "Client certificate"), Map.entry(GROUPS, "Groups"),
            Map.entry(ONLY_GROUP_MEMBERS, "Only members of these groups"), Map.entry(REMOVAL, "Users gone from Entra"),
            Map.entry(MAX_REMOVAL_PERCENT, "Largest share removed in one sync"), Map.entry(PAGE_SIZE, "Page size"),
            Map.entry(MAX_USERS, "Most users per sync"));

    static final List<ProviderConfigProperty> PROPERTIES = ProviderConfigurationBuilder.create()
            .property().name(TENANT).label(LABELS.get(TENANT))
            .helpText("Directory (tenant) ID, or a verified domain (resolved to its ID when saved). It must be the realm's "
                    + "one Entra tenant: that of its entra-id sign-in providers. 'common', 'organizations', 'consumers' "
                    + "and the personal-account tenant are refused.")
            .type(ProviderConfigProperty.STRING_TYPE).required(true).add()
            .property().name(CLIENT_ID).label(LABELS.get(CLIENT_ID))
            .helpText("Application (client) ID of the app registration, with the Microsoft Graph application permissions "
                    + "User.Read.All and GroupMember.Read.All (admin consent granted).")
            .type(ProviderConfigProperty.STRING_TYPE).required(true).add()
            .property().name(CLIENT_SECRET).label(LABELS.get(CLIENT_SECRET))
            .helpText("A client secret of the app registration, or a vault reference such as ${vault.graph-secret}. "
                    + "Either this or a client certificate is required.")
            .type(ProviderConfigProperty.PASSWORD).secret(true).add()
            .property().name(CLIENT_CERTIFICATE).label(LABELS.get(CLIENT_CERTIFICATE))
            .helpText("Instead of a secret: the certificate uploaded to the app registration and its RSA private key, "
                    + "both PEM (-----BEGIN CERTIFICATE----- and -----BEGIN PRIVATE KEY-----), or a vault reference. "
                    + "When set, it is used and the secret is not.")
            .type(ProviderConfigProperty.TEXT_TYPE).secret(true).add()
            .property().name(GROUPS).label(LABELS.get(GROUPS))
            .helpText("Object IDs of the Entra groups whose (transitive) members are kept as members of Keycloak groups of "
                    + "the same names, under this provider's own group. Empty: no group memberships are synced. At most "
                    + MAX_GROUPS + ".")
            .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).add()
            .property().name(ONLY_GROUP_MEMBERS).label(LABELS.get(ONLY_GROUP_MEMBERS))
            .helpText("On: only (transitive) members of the groups above become Keycloak users, and a user who leaves "
                    + "all of them is removed. Off: every member of the tenant is synced.")
            .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false").add()
            .property().name(REMOVAL).label(LABELS.get(REMOVAL))
            .helpText("What becomes of a Keycloak user whose Entra account was deleted (or who left the groups above): "
                    + "disabled, or deleted once Claromentis has been told. Either way they are deactivated in Claromentis.")
            .type(ProviderConfigProperty.LIST_TYPE).options("disable", "delete").defaultValue("disable").add()
            .property().name(MAX_REMOVAL_PERCENT).label(LABELS.get(MAX_REMOVAL_PERCENT))
            .helpText("A full sync that finds more than this share (0-100 %) of the provider's users missing from Entra's "
                    + "listing removes nobody and reports why: an answer that lost half the company is not believed.")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue(Integer.toString(DEFAULT_MAX_REMOVAL_PERCENT)).add()
            .property().name(AUTHORITY_HOST).label(LABELS.get(AUTHORITY_HOST))
            .helpText("Microsoft login host of the tenant's cloud: login.microsoftonline.com (global), "
                    + "login.microsoftonline.us (US Government), login.partner.microsoftonline.cn (China).")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue(EntraAuthority.DEFAULT_HOST).add()
            .property().name(GRAPH_HOST).label(LABELS.get(GRAPH_HOST))
            .helpText("Microsoft Graph host of the tenant's cloud: graph.microsoft.com (global), graph.microsoft.us, "
                    + "dod-graph.microsoft.us (US Government), microsoftgraph.chinacloudapi.cn (China).")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue(GraphHost.DEFAULT_HOST).add()
            .property().name(PAGE_SIZE).label(LABELS.get(PAGE_SIZE))
            .helpText("Users asked for per Graph request, 1-999.")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue(Integer.toString(DEFAULT_PAGE_SIZE)).add()
            .property().name(MAX_USERS).label(LABELS.get(MAX_USERS))
            .helpText("A sync that lists more users than this stops, removing nobody: a guard against a runaway answer.")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue(Integer.toString(DEFAULT_MAX_USERS)).add()
            .build();

    private final ComponentModel model;

    GraphDirectoryConfig(ComponentModel model) {
        this.model = model;
    }

    static String label(String key) {
        return LABELS.getOrDefault(key, key);
    }

    /** The stored tenant GUID (a domain is replaced by its GUID at save). */
    String tenant() {
        String value = model.get(TENANT);
        return value == null ? null : value.trim().toLowerCase(Locale.ROOT);
    }

    EntraAuthority authority() {
        return EntraAuthority.parse(model.get(AUTHORITY_HOST));
    }

    GraphHost graph() {
        return GraphHost.parse(model.get(GRAPH_HOST));
    }

    String clientId() {
        String value = model.get(CLIENT_ID);
        return value == null ? null : value.trim();
    }

    /** The stored secret or vault reference, unresolved. */
    String clientSecret() {
        return model.get(CLIENT_SECRET);
    }

    /** The stored certificate credential (PEM) or vault reference, unresolved; null when a secret is used. */
    String clientCertificate() {
        String value = model.get(CLIENT_CERTIFICATE);
        return value == null || value.isBlank() ? null : value;
    }

    /** The chosen groups' object ids, lower case, in the order given. */
    Set<String> groups() {
        List<String> values = model.getConfig() == null ? null : model.getConfig().get(GROUPS);
        Set<String> ids = new LinkedHashSet<>();
        if (values != null) {
            for (String value : values) {
                if (value != null && !value.isBlank()) {
                    ids.add(value.trim().toLowerCase(Locale.ROOT));
                }
            }
        }
        return ids;
    }

    boolean onlyGroupMembers() {
        return Boolean.parseBoolean(model.get(ONLY_GROUP_MEMBERS));
    }

    Removal removal() {
        return "delete".equalsIgnoreCase(trimmed(model.get(REMOVAL))) ? Removal.DELETE : Removal.DISABLE;
    }

    int maxRemovalPercent() {
        return ComponentSettings.integer(model, MAX_REMOVAL_PERCENT, label(MAX_REMOVAL_PERCENT), DEFAULT_MAX_REMOVAL_PERCENT, 0, 100);
    }

    int pageSize() {
        return ComponentSettings.integer(model, PAGE_SIZE, label(PAGE_SIZE), DEFAULT_PAGE_SIZE, 1, 999);
    }

    int maxUsersPerSync() {
        return ComponentSettings.integer(model, MAX_USERS, label(MAX_USERS), DEFAULT_MAX_USERS, 1, 10_000_000);
    }

    /**
     * What changes who is synced: a change of any of these since the last sync makes the next changed-users sync a full
     * one, as the stored delta links describe another selection.
     */
    String selection(boolean guestsAllowed) {
        // Sorted: Keycloak does not keep the order of a multivalued setting from one read to the next.
        return String.join("|", String.valueOf(tenant()), graph().origin(), String.join(",", new java.util.TreeSet<>(groups())),
                Boolean.toString(onlyGroupMembers()), Boolean.toString(guestsAllowed));
    }

    /**
     * Checks what can be checked without the network. The tenant rules (refused tenants, the realm's one tenant) are
     * applied by the factory, which can look up domains and the realm's other providers.
     *
     * @throws ComponentValidationException naming the setting
     */
    void validate() {
        ComponentSettings.requireBoundedValues(model, GraphDirectoryConfig::label, ComponentSettings.MAX_VALUE_LENGTH);
        try {
            authority();
        } catch (IllegalArgumentException e) {
            throw ComponentSettings.invalid(e.getMessage());
        }
        try {
            graph();
        } catch (IllegalArgumentException e) {
            throw ComponentSettings.invalid(e.getMessage());
        }
        String clientId = clientId();
        if (clientId == null || clientId.isEmpty()) {
            throw ComponentSettings.invalid("Client ID is required: use the Application (client) ID of the app registration");
        }
        if (!EntraTenants.isGuid(clientId.toLowerCase(Locale.ROOT))) {
            throw ComponentSettings.invalid("Client ID must be the Application (client) ID, a GUID such as "
                    + "00000000-0000-0000-0000-000000000000");
        }
        String secret = clientSecret();
        String certificate = clientCertificate();
        if ((secret == null || secret.isBlank()) && certificate == null) {
            throw ComponentSettings.invalid("A client secret or a client certificate is required (of the app "
                    + "registration, or ${vault.key})");
        }
        if (certificate != null && !certificate.trim().startsWith("${vault.")) {
            try {
                AppCertificate.parse(certificate);
            } catch (IllegalArgumentException e) {
                throw ComponentSettings.invalid(e.getMessage());
            }
        }
        Set<String> groups = groups();
        if (groups.size() > MAX_GROUPS) {
            throw ComponentSettings.invalid("Groups: at most " + MAX_GROUPS + " groups, not " + groups.size());
        }
        for (String group : groups) {
            if (!EntraTenants.isGuid(group)) {
                throw ComponentSettings.invalid("Groups: '" + ComponentSettings.abbreviate(group)
                        + "' is not a group object ID (a GUID, as the Entra admin center shows it)");
            }
        }
        if (onlyGroupMembers() && groups.isEmpty()) {
            throw ComponentSettings.invalid("Only members of these groups is on, but no group is given: nobody would be synced");
        }
        String removal = trimmed(model.get(REMOVAL));
        if (removal != null && !removal.equalsIgnoreCase("disable") && !removal.equalsIgnoreCase("delete")) {
            throw ComponentSettings.invalid("Users gone from Entra must be 'disable' or 'delete'");
        }
        maxRemovalPercent();
        pageSize();
        maxUsersPerSync();
    }

    private static String trimmed(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
