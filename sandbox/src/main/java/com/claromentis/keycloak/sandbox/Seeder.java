package com.claromentis.keycloak.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads a seed document. Either a JSON array of users, or
 * {@code {"users": [...], "groups": [{"name", "members": [usernames]}], "roles": [...]}}. A seed user takes the
 * API fields plus {@code manager} (a username), {@code groups} and {@code roles} (names, created when missing).
 * Not transactional: it stops at the first invalid entry, keeping what was loaded before it.
 */
final class Seeder {

    private static final Set<String> SEED_EXTRAS = Set.of("manager", "groups", "roles");

    private final SandboxStore store;

    Seeder(SandboxStore store) {
        this.store = store;
    }

    Map<String, Object> seed(JsonNode doc) {
        JsonNode users;
        JsonNode groups = null;
        JsonNode roles = null;
        if (doc.isArray()) {
            users = doc;
        } else if (doc.isObject()) {
            for (String key : iterable(doc)) {
                if (!Set.of("users", "groups", "roles").contains(key)) {
                    throw ApiError.badRequest("Unknown seed key '" + key + "'");
                }
            }
            users = doc.path("users");
            groups = doc.get("groups");
            roles = doc.get("roles");
        } else {
            throw ApiError.badRequest("Seed must be a JSON array of users or an object with users/groups/roles");
        }

        List<JsonNode> entries = new ArrayList<>();
        if (!users.isMissingNode()) {
            if (!users.isArray()) {
                throw ApiError.badRequest("users must be an array");
            }
            users.forEach(entries::add);
        }
        Map<String, Long> created = new LinkedHashMap<>();
        for (JsonNode entry : entries) {
            JsonNode username = entry.isObject() ? entry.get("username") : null;
            if (username == null || !username.isTextual() || username.textValue().isBlank()) {
                throw ApiError.badRequest("Every seed user needs a username");
            }
            SandboxUser user = UserJson.apply(entry, SandboxUser.builder(username.textValue()).build(), SEED_EXTRAS);
            created.put(username.textValue(), store.createUser(user).id());
        }
        // Groups after users so their member lists can name users from the same document.
        int groupCount = seedTable(groups, store.groups());
        int roleCount = seedTable(roles, store.roles());
        // Second pass: managers and memberships may point at users later in the file.
        for (JsonNode entry : entries) {
            long id = created.get(entry.get("username").textValue());
            JsonNode manager = entry.get("manager");
            if (manager != null && !manager.isNull()) {
                long managerId = store.userByUsername(manager.asText())
                        .orElseThrow(() -> ApiError.badRequest("Unknown manager '" + manager.asText() + "'")).id();
                store.updateUser(id, u -> u.toBuilder().managerId(managerId).build());
            }
            addMemberships(entry.get("groups"), store.groups(), id);
            addMemberships(entry.get("roles"), store.roles(), id);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("users", created.size());
        out.put("groups", groupCount);
        out.put("roles", roleCount);
        return out;
    }

    private int seedTable(JsonNode list, SandboxStore.GroupTable table) {
        if (list == null || list.isNull()) {
            return 0;
        }
        if (!list.isArray()) {
            throw ApiError.badRequest(table.kind() + "s must be an array");
        }
        int count = 0;
        for (JsonNode g : list) {
            JsonNode name = g.isTextual() ? g : g.path("name");
            if (!name.isTextual() || name.textValue().isBlank()) {
                throw ApiError.badRequest("Every " + table.kind() + " needs a name");
            }
            SandboxGroup group = table.create(name.textValue());
            count++;
            JsonNode members = g.get("members");
            if (members != null && !members.isNull()) {
                if (!members.isArray()) {
                    throw ApiError.badRequest("members of " + table.kind() + " '" + group.name() + "' must be an array");
                }
                for (JsonNode m : members) {
                    long userId = store.userByUsername(m.asText())
                            .orElseThrow(() -> ApiError.badRequest("Unknown member '" + m.asText() + "' of "
                                    + table.kind() + " '" + group.name() + "'")).id();
                    table.addMember(group.id(), userId);
                }
            }
        }
        return count;
    }

    private static void addMemberships(JsonNode names, SandboxStore.GroupTable table, long userId) {
        if (names == null || names.isNull()) {
            return;
        }
        if (!names.isArray()) {
            throw ApiError.badRequest(table.kind() + "s of a seed user must be an array of names");
        }
        for (JsonNode name : names) {
            if (!name.isTextual() || name.textValue().isBlank()) {
                throw ApiError.badRequest(table.kind() + " names must be non-empty strings");
            }
            SandboxGroup group = table.byName(name.textValue()).orElseGet(() -> table.create(name.textValue()));
            table.addMember(group.id(), userId);
        }
    }

    private static Iterable<String> iterable(JsonNode node) {
        return node::fieldNames;
    }
}
