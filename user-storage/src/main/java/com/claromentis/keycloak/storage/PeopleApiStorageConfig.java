package com.claromentis.keycloak.storage;

import com.claromentis.keycloak.connection.ComponentSettings;
import com.claromentis.keycloak.connection.PeopleApiConnectionSettings;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/** Typed view of a {@code claromentis-people-api} component's configuration; every key is declared here once. */
public final class PeopleApiStorageConfig {

    static final String FRESHNESS = "freshnessSeconds";
    static final String WHEN_UNAVAILABLE = "whenUnavailable";
    static final String DELETED_USERS = "deletedUsers";
    static final String WRITE_BACK = "writeBack";
    static final String SYNC_GROUPS = "syncGroups";
    static final String SYNC_ROLES = "syncRoles";
    static final String MAX_USERS = "maxUsersPerSync";
    static final int DEFAULT_MAX_USERS = 1_000_000;

    /** What a sign-in does when Claromentis cannot be asked whether the user is still valid. */
    public enum WhenUnavailable { USE_CACHED, REFUSE }

    /** What a full sync does with a Keycloak user whose Claromentis user is gone. */
    public enum DeletedUsers { REMOVE, DISABLE }

    /** The storage's own properties; the connection's come first, from {@link PeopleApiConnectionSettings}. */
    private static final List<ProviderConfigProperty> STORAGE_PROPERTIES = ProviderConfigurationBuilder.create()
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
            .property().name(MAX_USERS).label("Most users per sync").type(ProviderConfigProperty.INTEGER_TYPE)
            .defaultValue(Integer.toString(DEFAULT_MAX_USERS))
            .helpText("A sync that meets more Claromentis users than this stops, removes nobody and says so: a "
                    + "server that never stops reporting another page cannot keep a sync running forever.").add()
            .build();

    static final List<ProviderConfigProperty> PROPERTIES = Stream.concat(
            PeopleApiConnectionSettings.PROPERTIES.stream(), STORAGE_PROPERTIES.stream()).toList();

    private final ComponentModel model;
    private final PeopleApiConnectionSettings connection;

    public PeopleApiStorageConfig(ComponentModel model) {
        this.model = model;
        this.connection = new PeopleApiConnectionSettings(model);
    }

    public String baseUrl() {
        return connection.baseUrl();
    }

    /** How this component reaches Claromentis. */
    public PeopleApiConnectionSettings connection() {
        return connection;
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

    /** Bound on the users one sync reads (and so on its pages: this divided by the page size). */
    public int maxUsersPerSync() {
        return integer(MAX_USERS, DEFAULT_MAX_USERS, 1, 10_000_000);
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
        ComponentSettings.requireBoundedValues(model, key -> ComponentSettings.abbreviate(label(key)),
                ComponentSettings.MAX_VALUE_LENGTH);
        connection.validate();
        integer(FRESHNESS, 300, 0, 86_400);
        maxUsersPerSync();
    }

    private int integer(String key, int fallback, int min, int max) {
        return ComponentSettings.integer(model, key, label(key), fallback, min, max);
    }

    private static String label(String key) {
        return PROPERTIES.stream().filter(p -> p.getName().equals(key)).map(ProviderConfigProperty::getLabel)
                .findFirst().orElse(key);
    }

    static ComponentValidationException invalid(String text) {
        return ComponentSettings.invalid(text);
    }
}
