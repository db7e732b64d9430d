package com.claromentis.keycloak.peopleapi;

import static com.claromentis.keycloak.peopleapi.FieldMapping.Field;

import com.claromentis.keycloak.peopleapi.error.MalformedResponseException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Turns API JSON into model objects and back, through the {@link FieldMapping}. Reading is strict about what the
 * model needs (ids, usernames, types) and ignores fields it does not know, so API additions do not break us.
 */
final class JsonCodec {

    private final FieldMapping fields;
    private final ObjectMapper mapper;
    private final Redactor redactor;

    JsonCodec(FieldMapping fields, ObjectMapper mapper, Redactor redactor) {
        this.fields = fields;
        this.mapper = mapper;
        this.redactor = redactor;
    }

    ClaromentisUser user(JsonNode node, Where where) {
        requireObject(node, where, "a user");
        long id = id(node, Field.ID, where);
        String username = text(node, Field.USERNAME, where);
        if (username == null || username.isBlank()) {
            throw where.problem(fields.json(Field.USERNAME) + " is missing or empty");
        }
        return ClaromentisUser.builder(username)
                .id(id)
                .firstName(text(node, Field.FIRST_NAME, where))
                .surname(text(node, Field.SURNAME, where))
                .email(text(node, Field.EMAIL, where))
                .phone(text(node, Field.PHONE, where))
                .jobTitle(text(node, Field.JOB_TITLE, where))
                .officeLocation(text(node, Field.OFFICE, where))
                .department(text(node, Field.DEPARTMENT, where))
                .externalId(text(node, Field.EXTERNAL_ID, where))
                .managerId(managerId(node, where))
                .active(active(node, where))
                .build();
    }

    ClaromentisGroup group(JsonNode node, ClaromentisGroup.Kind kind, Where where) {
        requireObject(node, where, "a " + kind.name().toLowerCase(java.util.Locale.ROOT));
        long id = id(node, Field.ID, where);
        String name = text(node, Field.NAME, where);
        if (name == null || name.isBlank()) {
            throw where.problem(fields.json(Field.NAME) + " is missing or empty");
        }
        return new ClaromentisGroup(id, name, kind);
    }

    <T> Page<T> page(JsonNode root, Where where, int requestedOffset, int requestedLimit,
                     BiFunction<JsonNode, Where, T> item) {
        requireObject(root, where, "a list object");
        JsonNode data = root.get("data");
        if (data == null || !data.isArray()) {
            throw where.problem("data must be an array but was " + describe(data));
        }
        List<T> items = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            items.add(item.apply(data.get(i), where.at("data[" + i + "]")));
        }
        JsonNode p = root.get("pagination");
        if (p == null || p.isNull()) {
            // Tolerated: without pagination the list is taken as complete.
            return new Page<>(items, requestedOffset, requestedLimit, -1, null, null);
        }
        Where pw = where.at("pagination");
        requireObject(p, pw, "an object");
        int offset = optionalInt(p, "offset", requestedOffset, pw);
        int limit = optionalInt(p, "limit", requestedLimit, pw);
        int total = optionalInt(p, "total", -1, pw);
        return new Page<>(items, offset, limit, total, optionalUrl(p, "prev", pw), optionalUrl(p, "next", pw));
    }

    /** The POST/PUT body. {@code includeNulls}: a PUT sends every field so cleared values clear on the server. */
    ObjectNode userBody(ClaromentisUser u, boolean includeNulls) {
        ObjectNode body = mapper.createObjectNode();
        body.put(fields.json(Field.USERNAME), u.username());
        put(body, Field.FIRST_NAME, u.firstName(), includeNulls);
        put(body, Field.SURNAME, u.surname(), includeNulls);
        put(body, Field.EMAIL, u.email(), includeNulls);
        put(body, Field.PHONE, u.phone(), includeNulls);
        put(body, Field.JOB_TITLE, u.jobTitle(), includeNulls);
        put(body, Field.OFFICE, u.officeLocation(), includeNulls);
        put(body, Field.DEPARTMENT, u.department(), includeNulls);
        put(body, Field.EXTERNAL_ID, u.externalId(), includeNulls);
        body.put(fields.json(Field.ACTIVE), u.active());
        return body;
    }

    ObjectNode managerBody(Long managerId) {
        ObjectNode body = mapper.createObjectNode();
        if (managerId == null) {
            body.putNull(fields.json(Field.MANAGER_ID));
        } else {
            body.put(fields.json(Field.MANAGER_ID), managerId);
        }
        return body;
    }

    ObjectNode membersBody(Iterable<Long> userIds) {
        ObjectNode body = mapper.createObjectNode();
        var data = body.putArray("data");
        for (Long id : userIds) {
            data.addObject().put(fields.json(Field.ID), id);
        }
        return body;
    }

    /**
     * A member of a group or role: the People API documents members as {@code {"id": 42}}, and some servers answer
     * with the whole user object instead; only the id is read, so both shapes are the same member.
     */
    long memberId(JsonNode node, Where where) {
        requireObject(node, where, "a member object");
        return id(node, Field.ID, where);
    }

    // ---- field readers ---------------------------------------------------------------------------------------

    private long id(JsonNode node, Field field, Where where) {
        String name = fields.json(field);
        JsonNode v = node.get(name);
        if (v != null && v.isIntegralNumber() && v.canConvertToLong() && v.longValue() > 0) {
            return v.longValue();
        }
        // Some PHP back ends send numeric ids as strings; digits are unambiguous, anything else is not.
        if (v != null && v.isTextual() && v.textValue().matches("[1-9]\\d{0,17}")) {
            return Long.parseLong(v.textValue());
        }
        throw where.problem(name + " must be a positive integer but was " + describe(v));
    }

    private String text(JsonNode node, Field field, Where where) {
        String name = fields.json(field);
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isNumber() || v.isBoolean()) {
            return v.asText();
        }
        throw where.problem(name + " must be a string but was " + describe(v));
    }

    /** Absent means active: the API documents no such field, and hiding users on a missing field would lock them out. */
    private boolean active(JsonNode node, Where where) {
        String name = fields.json(Field.ACTIVE);
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return true;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isIntegralNumber() && (v.intValue() == 0 || v.intValue() == 1)) {
            return v.intValue() == 1;
        }
        if (v.isTextual()) {
            switch (v.textValue().trim().toLowerCase(java.util.Locale.ROOT)) {
                case "true", "1" -> {
                    return true;
                }
                case "false", "0" -> {
                    return false;
                }
                default -> {
                    // fall through to the error below
                }
            }
        }
        throw where.problem(name + " must be true or false but was " + describe(v));
    }

    private Long managerId(JsonNode node, Where where) {
        String name = fields.json(Field.MANAGER_URL);
        JsonNode v = node.get(name);
        if (v == null || v.isNull() || (v.isTextual() && v.textValue().isBlank())) {
            return null;
        }
        if (!v.isTextual()) {
            throw where.problem(name + " must be a URL string but was " + describe(v));
        }
        String url = v.textValue().trim();
        int q = url.indexOf('?');
        if (q >= 0) {
            url = url.substring(0, q);
        }
        if (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        int at = url.lastIndexOf("/users/");
        String tail = at < 0 ? "" : url.substring(at + "/users/".length());
        if (!tail.matches("[1-9]\\d{0,17}")) {
            throw where.problem(name + " is not a .../users/{id} URL: " + describe(v));
        }
        return Long.parseLong(tail);
    }

    private int optionalInt(JsonNode node, String name, int fallback, Where where) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (v.isIntegralNumber() && v.canConvertToInt() && v.intValue() >= 0) {
            return v.intValue();
        }
        throw where.problem(name + " must be a non-negative integer but was " + describe(v));
    }

    private String optionalUrl(JsonNode node, String name, Where where) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw where.problem(name + " must be a URL or null but was " + describe(v));
        }
        return v.textValue().isBlank() ? null : v.textValue();
    }

    private void put(ObjectNode body, Field field, String value, boolean includeNulls) {
        if (value != null) {
            body.put(fields.json(field), value);
        } else if (includeNulls) {
            body.putNull(fields.json(field));
        }
    }

    private static void requireObject(JsonNode node, Where where, String what) {
        if (node == null || !node.isObject()) {
            throw where.problem("expected " + what + " but got " + describe(node));
        }
    }

    /** Short, type-first description of a value; scalar values are shown briefly. */
    private static String describe(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "missing";
        }
        if (v.isNull()) {
            return "null";
        }
        if (v.isObject()) {
            return "an object";
        }
        if (v.isArray()) {
            return "an array";
        }
        String text = v.asText();
        String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return (v.isTextual() ? "the string " : v.isBoolean() ? "the boolean " : "the number ") + "\"" + shown + "\"";
    }

    /** Where in which response a value sits, for error messages. */
    final class Where {
        private final String endpoint;
        private final int status;
        private final String path;

        Where(String endpoint, int status, String path) {
            this.endpoint = endpoint;
            this.status = status;
            this.path = path;
        }

        Where at(String child) {
            return new Where(endpoint, status, path.isEmpty() ? child : path + "." + child);
        }

        MalformedResponseException problem(String problem) {
            String location = path.isEmpty() ? "" : " at " + path;
            return new MalformedResponseException("Malformed response from " + endpoint + location + ": "
                    + redactor.clean(problem), status, null);
        }
    }

    Where where(String endpoint) {
        return new Where(endpoint, 200, "");
    }
}
