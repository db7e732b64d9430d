package com.claromentis.keycloak.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The wire shape of a user: rendering, and strict validation of request bodies. */
final class UserJson {

    /** Read-only fields a client may echo back; accepted and ignored. */
    private static final Set<String> READ_ONLY = Set.of("id", "manager_url");

    private UserJson() {
    }

    static Map<String, Object> render(SandboxUser u, String origin) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", u.id());
        out.put("username", u.username());
        out.put("firstname", u.firstname());
        out.put("surname", u.surname());
        out.put("email", u.email());
        out.put("phone", u.phone());
        out.put("job_title", u.jobTitle());
        out.put("office", u.office());
        out.put("department", u.department());
        out.put("manager_url", u.managerId() == null ? null : origin + ApiHandler.BASE_PATH + "users/" + u.managerId());
        out.put("external_id", u.externalId());
        out.put("active", u.active());
        return out;
    }

    /**
     * Applies a POST/PUT body onto {@code base}: fields present are set (null clears), absent fields keep their
     * value. Unknown fields are refused so a client using the wrong field names finds out at once.
     *
     * @param extraAllowed further keys the caller handles itself (the seed format adds a few)
     */
    static SandboxUser apply(JsonNode body, SandboxUser base, Set<String> extraAllowed) {
        if (body == null || !body.isObject()) {
            throw ApiError.badRequest("Request body must be a JSON object");
        }
        SandboxUser.Builder b = base.toBuilder();
        Iterator<Map.Entry<String, JsonNode>> fields = body.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            String name = f.getKey();
            JsonNode v = f.getValue();
            switch (name) {
                case "username" -> {
                    String username = text(name, v);
                    if (username == null || username.isBlank()) {
                        throw ApiError.badRequest("username must not be empty");
                    }
                    if (username.length() > 255 || !username.equals(username.strip())) {
                        throw ApiError.badRequest("username must be at most 255 characters without outer spaces");
                    }
                    b.username(username);
                }
                case "firstname" -> b.firstname(text(name, v));
                case "surname" -> b.surname(text(name, v));
                case "email" -> {
                    String email = text(name, v);
                    if (email != null && !email.isEmpty() && email.indexOf('@') < 1) {
                        throw ApiError.badRequest("email is not an email address");
                    }
                    b.email(email);
                }
                case "phone" -> b.phone(text(name, v));
                case "job_title" -> b.jobTitle(text(name, v));
                case "office" -> b.office(text(name, v));
                case "department" -> b.department(text(name, v));
                case "external_id" -> b.externalId(text(name, v));
                case "active" -> {
                    if (!v.isBoolean()) {
                        throw ApiError.badRequest("active must be true or false");
                    }
                    b.active(v.booleanValue());
                }
                default -> {
                    if (!READ_ONLY.contains(name) && !extraAllowed.contains(name)) {
                        throw ApiError.badRequest("Unknown field '" + name + "'");
                    }
                }
            }
        }
        return b.build();
    }

    private static String text(String name, JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiError.badRequest(name + " must be a string");
        }
        if (v.textValue().length() > 1000) {
            throw ApiError.badRequest(name + " is too long");
        }
        return v.textValue();
    }
}
