package com.claromentis.keycloak.peopleapi;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The JSON field names of the People API, kept in one place. Claromentis does not publish its user field names
 * (see the project facts), so every name is overridable per deployment, e.g. from a Keycloak list setting of
 * {@code key=value} lines such as {@code firstName=first_name}.
 */
public final class FieldMapping {

    /** Logical fields; {@link #key()} is the name used in override lines. */
    public enum Field {
        ID("id", "id"),
        USERNAME("username", "username"),
        FIRST_NAME("firstName", "firstname"),
        SURNAME("surname", "surname"),
        EMAIL("email", "email"),
        PHONE("phone", "phone"),
        JOB_TITLE("jobTitle", "job_title"),
        OFFICE("office", "office"),
        DEPARTMENT("department", "department"),
        MANAGER_URL("managerUrl", "manager_url"),
        EXTERNAL_ID("externalId", "external_id"),
        ACTIVE("active", "active"),
        /** Body of {@code PUT /users/{id}/manager}. */
        MANAGER_ID("managerId", "manager_id"),
        /** Name of a group or role. */
        NAME("name", "name");

        private final String key;
        private final String defaultJsonName;

        Field(String key, String defaultJsonName) {
            this.key = key;
            this.defaultJsonName = defaultJsonName;
        }

        public String key() {
            return key;
        }

        public String defaultJsonName() {
            return defaultJsonName;
        }
    }

    private static final FieldMapping DEFAULTS = new FieldMapping(new EnumMap<>(Field.class));

    private final Map<Field, String> names;

    private FieldMapping(Map<Field, String> overrides) {
        EnumMap<Field, String> all = new EnumMap<>(Field.class);
        for (Field f : Field.values()) {
            all.put(f, overrides.getOrDefault(f, f.defaultJsonName()));
        }
        this.names = Collections.unmodifiableMap(all);
        requireDistinctUserFields();
    }

    public static FieldMapping defaults() {
        return DEFAULTS;
    }

    /**
     * Parses override lines {@code key=jsonName}; blank lines and lines starting with {@code #} are skipped.
     *
     * @throws IllegalArgumentException naming the offending line
     */
    public static FieldMapping parse(Collection<String> lines) {
        Map<Field, String> overrides = new EnumMap<>(Field.class);
        if (lines == null) {
            return DEFAULTS;
        }
        for (String raw : lines) {
            if (raw == null) {
                continue;
            }
            String line = raw.trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("Field mapping line '" + line + "' is not key=jsonName");
            }
            String key = line.substring(0, eq).trim();
            String json = line.substring(eq + 1).trim();
            Field field = byKey(key);
            if (!json.matches("[A-Za-z0-9_.\\-]{1,100}")) {
                throw new IllegalArgumentException("Field mapping for '" + key
                        + "' needs a JSON name of letters, digits, '_', '-' or '.'");
            }
            if (overrides.put(field, json) != null) {
                throw new IllegalArgumentException("Field '" + key + "' is mapped more than once");
            }
        }
        return overrides.isEmpty() ? DEFAULTS : new FieldMapping(overrides);
    }

    /** A copy with one field renamed. */
    public FieldMapping with(Field field, String jsonName) {
        Map<Field, String> copy = new EnumMap<>(names);
        copy.put(Objects.requireNonNull(field, "field"), Objects.requireNonNull(jsonName, "jsonName"));
        return new FieldMapping(copy);
    }

    public String json(Field field) {
        return names.get(field);
    }

    public Map<Field, String> asMap() {
        return names;
    }

    private static Field byKey(String key) {
        for (Field f : Field.values()) {
            if (f.key().equalsIgnoreCase(key)) {
                return f;
            }
        }
        String valid = java.util.Arrays.stream(Field.values()).map(Field::key).collect(Collectors.joining(", "));
        throw new IllegalArgumentException("Unknown field '" + key + "'; valid fields: " + valid);
    }

    private void requireDistinctUserFields() {
        Map<String, Field> seen = new HashMap<>();
        for (Field f : Field.values()) {
            if (f == Field.MANAGER_ID || f == Field.NAME) {
                continue; // these live in other bodies and may reuse a user field name
            }
            Field clash = seen.put(names.get(f).toLowerCase(Locale.ROOT), f);
            if (clash != null) {
                throw new IllegalArgumentException("Fields '" + clash.key() + "' and '" + f.key()
                        + "' both map to JSON name '" + names.get(f) + "'");
            }
        }
    }

    @Override
    public String toString() {
        return "FieldMapping" + names;
    }
}
