package com.claromentis.keycloak.graph;

import com.claromentis.keycloak.common.LogSafe;
import com.claromentis.keycloak.tenant.EntraTenants;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * A user as Graph describes it, read defensively: the object id must be a GUID, text fields must be text of at most
 * {@value #MAX_LENGTH} characters without control characters. A delta item carries only what changed, so each field
 * is either {@linkplain #has present} (possibly null: cleared) or absent (unchanged).
 */
final class GraphUser {

    enum Field { USERNAME, FIRST_NAME, LAST_NAME, EMAIL, JOB_TITLE, OFFICE, DEPARTMENT, EMPLOYEE_ID, PHONE, ENABLED,
        USER_TYPE, MANAGER }

    /** What a sync asks Graph for; the order does not matter to Graph. */
    static final String SELECT = "id,userPrincipalName,givenName,surname,mail,jobTitle,officeLocation,department,"
            + "employeeId,businessPhones,mobilePhone,accountEnabled,userType";
    /** Keycloak stores names, email and attribute values of up to 255 characters. */
    static final int MAX_LENGTH = 255;

    private final String id;
    private final boolean removed;
    private final Map<Field, String> values;
    private final String problem;

    private GraphUser(String id, boolean removed, Map<Field, String> values, String problem) {
        this.id = id;
        this.removed = removed;
        this.values = values;
        this.problem = problem;
    }

    /**
     * @throws GraphException of kind MALFORMED when the item has no usable object id: such an item cannot even be
     *                        reported against a person, and a page holding one is not trusted
     */
    static GraphUser of(JsonNode item) {
        JsonNode idNode = item.get("id");
        String id = idNode != null && idNode.isTextual() ? idNode.asText().toLowerCase(Locale.ROOT) : null;
        if (!EntraTenants.isGuid(id)) {
            throw new GraphException(GraphException.Kind.MALFORMED, "Graph listed a user whose id is not an object ID");
        }
        if (item.has("@removed")) {
            return new GraphUser(id, true, Map.of(), null);
        }
        Map<Field, String> values = new EnumMap<>(Field.class);
        StringBuilder problem = new StringBuilder();
        text(item, "userPrincipalName", Field.USERNAME, values, problem);
        text(item, "givenName", Field.FIRST_NAME, values, problem);
        text(item, "surname", Field.LAST_NAME, values, problem);
        text(item, "mail", Field.EMAIL, values, problem);
        text(item, "jobTitle", Field.JOB_TITLE, values, problem);
        text(item, "officeLocation", Field.OFFICE, values, problem);
        text(item, "department", Field.DEPARTMENT, values, problem);
        text(item, "employeeId", Field.EMPLOYEE_ID, values, problem);
        text(item, "userType", Field.USER_TYPE, values, problem);
        phone(item, values, problem);
        if (item.has("accountEnabled")) {
            JsonNode enabled = item.get("accountEnabled");
            if (enabled.isBoolean()) {
                values.put(Field.ENABLED, Boolean.toString(enabled.asBoolean()));
            } else if (!enabled.isNull()) {
                problem.append("accountEnabled is not true or false; ");
            }
        }
        manager(item, values, problem);
        if (values.containsKey(Field.USERNAME)) {
            String username = values.get(Field.USERNAME);
            if (username == null || username.isBlank()) {
                problem.append("userPrincipalName is empty; ");
            } else {
                values.put(Field.USERNAME, username.trim().toLowerCase(Locale.ROOT));
            }
        }
        if (values.get(Field.EMAIL) != null) {
            String email = values.get(Field.EMAIL).trim().toLowerCase(Locale.ROOT);
            if (!email.matches("[^@\\s]+@[^@\\s]+")) {
                problem.append("mail is not an email address; ");
            }
            values.put(Field.EMAIL, email);
        }
        return new GraphUser(id, false, values, problem.isEmpty() ? null : problem.substring(0, problem.length() - 2));
    }

    private static void text(JsonNode item, String name, Field field, Map<Field, String> values, StringBuilder problem) {
        if (item.has(name)) {
            value(item.get(name), name, field, values, problem);
        }
    }

    /** One text value, {@code name} being what a problem with it is reported as. */
    private static void value(JsonNode node, String name, Field field, Map<Field, String> values, StringBuilder problem) {
        if (node.isNull()) {
            values.put(field, null);
            return;
        }
        if (!node.isTextual()) {
            problem.append(name).append(" is not text; ");
            return;
        }
        String value = node.asText();
        if (value.length() > MAX_LENGTH) {
            problem.append(name).append(" is longer than ").append(MAX_LENGTH).append(" characters; ");
        } else if (LogSafe.hasControlCharacters(value)) {
            problem.append(name).append(" holds control characters; ");
        } else {
            values.put(field, value.isBlank() ? null : value.trim());
        }
    }

    /** The first business phone, else the mobile phone. */
    private static void phone(JsonNode item, Map<Field, String> values, StringBuilder problem) {
        if (!item.has("businessPhones")) {
            return;
        }
        JsonNode phones = item.get("businessPhones");
        Map<Field, String> mobile = new EnumMap<>(Field.class);
        text(item, "mobilePhone", Field.PHONE, mobile, problem);
        if (phones.isArray() && !phones.isEmpty()) {
            value(phones.get(0), "businessPhones", Field.PHONE, values, problem);
        } else if (phones.isArray() || phones.isNull()) {
            values.put(Field.PHONE, mobile.get(Field.PHONE));
        } else {
            problem.append("businessPhones is not a list; ");
        }
    }

    /** {@code manager} (a full listing's expansion) or {@code manager@delta} (a delta item). */
    private static void manager(JsonNode item, Map<Field, String> values, StringBuilder problem) {
        JsonNode manager = item.get("manager");
        JsonNode delta = item.get("manager@delta");
        if (delta != null) {
            if (!delta.isArray()) {
                problem.append("manager@delta is not a list; ");
                return;
            }
            manager = null;
            for (JsonNode entry : delta) {
                if (!entry.has("@removed")) {
                    manager = entry;
                }
            }
            if (manager == null) {
                values.put(Field.MANAGER, null);
                return;
            }
        }
        if (manager == null) {
            return;
        }
        if (manager.isNull()) {
            values.put(Field.MANAGER, null);
            return;
        }
        JsonNode managerId = manager.get("id");
        String value = managerId != null && managerId.isTextual() ? managerId.asText().toLowerCase(Locale.ROOT) : null;
        if (!EntraTenants.isGuid(value)) {
            problem.append("manager has no object ID; ");
            return;
        }
        values.put(Field.MANAGER, value);
    }

    String id() {
        return id;
    }

    /** A delta item saying the user was deleted (or left the delta's scope). */
    boolean removed() {
        return removed;
    }

    /** Why this user cannot be imported, or null. */
    String problem() {
        return problem;
    }

    boolean has(Field field) {
        return values.containsKey(field);
    }

    String get(Field field) {
        return values.get(field);
    }

    String username() {
        return values.get(Field.USERNAME);
    }

    /** A guest of the tenant ({@code userType} other than Member); an item that does not give the type changed none. */
    boolean guest() {
        String type = values.get(Field.USER_TYPE);
        return type != null && !type.equalsIgnoreCase("Member");
    }

    /** This user without a manager. */
    GraphUser withoutManager() {
        Map<Field, String> copy = new EnumMap<>(Field.class);
        copy.putAll(values);
        copy.put(Field.MANAGER, null);
        return new GraphUser(id, removed, copy, problem);
    }

    /** This user with the fields of {@code change} (a delta item) laid over it. */
    GraphUser with(GraphUser change) {
        Map<Field, String> merged = new EnumMap<>(Field.class);
        merged.putAll(values);
        merged.putAll(change.values);
        return new GraphUser(id, change.removed, merged, change.problem);
    }
}
