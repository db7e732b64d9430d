package com.claromentis.keycloak.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/** The People API v2 surface under {@value #BASE_PATH}. */
final class ApiHandler implements HttpHandler {

    static final String BASE_PATH = "/api/people/v2/";
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 200;

    private static final Set<String> USER_FILTERS = Set.of("offset", "limit", "username", "email", "search",
            "modified_since");
    private static final Set<String> PAGING = Set.of("offset", "limit");

    private static final System.Logger LOG = System.getLogger(ApiHandler.class.getName());

    private final SandboxStore store;
    private final SandboxAuth auth;
    private final Faults faults;
    private final RequestStats stats;
    private final String fallbackOrigin;

    ApiHandler(SandboxStore store, SandboxAuth auth, Faults faults, RequestStats stats, String fallbackOrigin) {
        this.store = store;
        this.auth = auth;
        this.faults = faults;
        this.stats = stats;
        this.fallbackOrigin = fallbackOrigin;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        long arrived = System.nanoTime();
        try {
            stats.record(ex.getRequestMethod(), ex.getRequestURI().getPath());
            if (injectFault(ex)) {
                return;
            }
            try {
                auth.authorize(ex);
                route(ex);
            } catch (ApiError e) {
                Exchanges.sendError(ex, e.status(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "Unexpected failure handling " + ex.getRequestURI().getPath(), e);
                Exchanges.sendError(ex, 500, "Internal sandbox error");
            }
        } finally {
            ex.close();
            stats.timed(ex.getRequestMethod(), ex.getRequestURI().getPath(), arrived, System.nanoTime(),
                    ex.getResponseCode());
        }
    }

    /** Returns true when a fault answered (or dropped) the request instead of the API. */
    private boolean injectFault(HttpExchange ex) throws IOException {
        Exchanges.sleep(faults.latencyMillis());
        switch (faults.outage()) {
            case CLOSE_CONNECTION -> {
                // Closing before any response headers makes the JDK server drop the connection.
                ex.close();
                return true;
            }
            case STATUS_503 -> {
                Exchanges.sendError(ex, 503, "Service unavailable (sandbox outage)");
                return true;
            }
            case NONE -> {
            }
        }
        if (faults.takeRateLimit()) {
            ex.getResponseHeaders().set("Retry-After", Integer.toString(faults.retryAfterSeconds()));
            Exchanges.sendError(ex, 429, "Too many requests");
            return true;
        }
        if (faults.rollError()) {
            Exchanges.sendError(ex, faults.errorStatus(), "Injected server error");
            return true;
        }
        boolean userWrite = !"GET".equals(ex.getRequestMethod())
                && ex.getRequestURI().getPath().matches(".*/users(/\\d+)?");
        if (userWrite) {
            Exchanges.sleep(faults.userWriteLatencyMillis());
        }
        if (faults.refuseUserWrites() != 0 && userWrite) {
            Exchanges.sendError(ex, faults.refuseUserWrites(), "Injected refusal: this change is not accepted");
            return true;
        }
        return false;
    }

    private void route(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (!path.startsWith(BASE_PATH)) {
            throw ApiError.notFound("No such endpoint");
        }
        String[] seg = path.substring(BASE_PATH.length()).split("/");
        String method = ex.getRequestMethod();
        if (seg.length == 0 || seg[0].isEmpty()) {
            throw ApiError.notFound("No such endpoint");
        }
        String resource = seg[0];
        switch (resource) {
            case "users" -> routeUsers(ex, method, seg);
            case "groups", "roles" -> routeGroups(ex, method, seg, store.table(resource), resource);
            default -> throw ApiError.notFound("No such endpoint");
        }
    }

    private void routeUsers(HttpExchange ex, String method, String[] seg) throws IOException {
        if (seg.length == 1) {
            switch (method) {
                case "GET" -> listUsers(ex);
                case "POST" -> createUser(ex);
                default -> throw notAllowed();
            }
            return;
        }
        long id = id(seg[1]);
        if (seg.length == 2) {
            switch (method) {
                case "GET" -> sendUser(ex, 200, store.requireUser(id));
                case "PUT" -> {
                    JsonNode body = Exchanges.readJson(ex);
                    sendUser(ex, 200, store.updateUser(id, current -> UserJson.apply(body, current, Set.of())));
                }
                case "DELETE" -> {
                    if (!store.deleteUser(id)) {
                        throw ApiError.notFound("User " + id + " not found");
                    }
                    Exchanges.sendNoContent(ex);
                }
                default -> throw notAllowed();
            }
            return;
        }
        if (seg.length == 3) {
            switch (seg[2]) {
                case "manager" -> {
                    requireMethod(method, "PUT");
                    Long managerId = managerId(Exchanges.readJson(ex));
                    sendUser(ex, 200, store.updateUser(id, u -> u.toBuilder().managerId(managerId).build()));
                    return;
                }
                case "groups", "roles" -> {
                    requireMethod(method, "GET");
                    Map<String, String> q = query(ex, PAGING);
                    int offset = offset(q);
                    int limit = limit(q);
                    SandboxStore.Slice<SandboxGroup> slice = store.table(seg[2]).containing(id, offset, limit);
                    sendPage(ex, slice, offset, limit, q, ApiHandler::renderGroup);
                    return;
                }
                default -> throw ApiError.notFound("No such endpoint");
            }
        }
        throw ApiError.notFound("No such endpoint");
    }

    private void routeGroups(HttpExchange ex, String method, String[] seg, SandboxStore.GroupTable table,
                             String resource) throws IOException {
        if (seg.length == 1) {
            switch (method) {
                case "GET" -> {
                    Map<String, String> q = query(ex, PAGING);
                    int offset = offset(q);
                    int limit = limit(q);
                    sendPage(ex, table.list(offset, limit), offset, limit, q, ApiHandler::renderGroup);
                }
                case "POST" -> {
                    SandboxGroup created = table.create(groupName(Exchanges.readJson(ex)));
                    ex.getResponseHeaders().set("Location", origin(ex) + BASE_PATH + resource + "/" + created.id());
                    Exchanges.sendJson(ex, 201, renderGroup(created), faults);
                }
                default -> throw notAllowed();
            }
            return;
        }
        long id = id(seg[1]);
        if (seg.length == 2) {
            switch (method) {
                case "GET" -> Exchanges.sendJson(ex, 200, renderGroup(table.require(id)), faults);
                case "PUT" -> Exchanges.sendJson(ex, 200,
                        renderGroup(table.rename(id, groupName(Exchanges.readJson(ex)))), faults);
                case "DELETE" -> {
                    if (!table.delete(id)) {
                        throw ApiError.notFound("No " + table.kind() + " " + id);
                    }
                    Exchanges.sendNoContent(ex);
                }
                default -> throw notAllowed();
            }
            return;
        }
        if (seg.length == 3 && seg[2].equals("users")) {
            switch (method) {
                case "GET" -> {
                    Map<String, String> q = query(ex, PAGING);
                    int offset = offset(q);
                    int limit = limit(q);
                    SandboxStore.Slice<SandboxUser> slice = store.usersById(table.require(id).members(), offset, limit);
                    String origin = origin(ex);
                    if (faults.idOnlyMembers()) {
                        sendPage(ex, slice, offset, limit, q, u -> Map.<String, Object>of("id", u.id()));
                    } else {
                        sendPage(ex, slice, offset, limit, q, u -> UserJson.render(u, origin));
                    }
                }
                case "PUT" -> {
                    table.setMembers(id, memberIds(Exchanges.readJson(ex)));
                    Exchanges.sendNoContent(ex);
                }
                default -> throw notAllowed();
            }
            return;
        }
        throw ApiError.notFound("No such endpoint");
    }

    private void listUsers(HttpExchange ex) throws IOException {
        Map<String, String> q = query(ex, USER_FILTERS);
        int offset = offset(q);
        int limit = limit(q);
        Predicate<SandboxUser> filter = u -> true;
        String username = q.get("username");
        if (username != null) {
            filter = filter.and(u -> u.username().equalsIgnoreCase(username));
        }
        String email = q.get("email");
        if (email != null) {
            filter = filter.and(u -> u.email() != null && u.email().equalsIgnoreCase(email));
        }
        String search = q.get("search");
        if (search != null) {
            String needle = search.toLowerCase(Locale.ROOT);
            filter = filter.and(u -> contains(u.username(), needle) || contains(u.firstname(), needle)
                    || contains(u.surname(), needle) || contains(u.email(), needle)
                    || contains(join(u.firstname(), u.surname()), needle));
        }
        String since = q.get("modified_since");
        if (since != null) {
            Instant instant;
            try {
                instant = Instant.parse(since);
            } catch (DateTimeParseException e) {
                throw ApiError.badRequest("modified_since must be an ISO-8601 instant such as 2024-01-31T12:00:00Z");
            }
            // Inclusive, so a sync that stores the newest timestamp it saw never misses a same-instant change.
            filter = filter.and(u -> !u.modified().isBefore(instant));
        }
        String origin = origin(ex);
        sendPage(ex, store.queryUsers(filter, offset, limit), offset, limit, q, u -> UserJson.render(u, origin));
    }

    private void createUser(HttpExchange ex) throws IOException {
        JsonNode body = Exchanges.readJson(ex);
        JsonNode username = body.get("username");
        if (username == null || !username.isTextual() || username.textValue().isBlank()) {
            throw ApiError.badRequest("username is required");
        }
        SandboxUser user = UserJson.apply(body, SandboxUser.builder(username.textValue()).build(), Set.of());
        SandboxUser created = store.createUser(user);
        ex.getResponseHeaders().set("Location", origin(ex) + BASE_PATH + "users/" + created.id());
        sendUser(ex, 201, created);
    }

    private void sendUser(HttpExchange ex, int status, SandboxUser user) throws IOException {
        Exchanges.sendJson(ex, status, UserJson.render(user, origin(ex)), faults);
    }

    private <T> void sendPage(HttpExchange ex, SandboxStore.Slice<T> slice, int offset, int limit,
                              Map<String, String> query, Function<T, Map<String, Object>> render) throws IOException {
        List<Map<String, Object>> data = new ArrayList<>(slice.items().size());
        for (T item : slice.items()) {
            data.add(render.apply(item));
        }
        String self = origin(ex) + ex.getRequestURI().getPath();
        Map<String, Object> pagination = new LinkedHashMap<>();
        pagination.put("offset", offset);
        pagination.put("limit", limit);
        pagination.put("total", slice.total());
        pagination.put("prev", offset > 0 && limit > 0 ? link(self, query, Math.max(0, offset - limit), limit) : null);
        pagination.put("next", limit > 0 && offset + limit < slice.total() ? link(self, query, offset + limit, limit) : null);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", data);
        body.put("pagination", pagination);
        Exchanges.sendJson(ex, 200, body, faults);
    }

    private static String link(String self, Map<String, String> query, int offset, int limit) {
        StringBuilder sb = new StringBuilder(self).append("?offset=").append(offset).append("&limit=").append(limit);
        query.forEach((k, v) -> {
            if (!PAGING.contains(k)) {
                sb.append('&').append(enc(k)).append('=').append(enc(v));
            }
        });
        return sb.toString();
    }

    static Map<String, Object> renderGroup(SandboxGroup g) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", g.id());
        out.put("name", g.name());
        return out;
    }

    private static Map<String, String> query(HttpExchange ex, Set<String> allowed) {
        Map<String, String> q = Exchanges.parseQuery(ex.getRequestURI().getRawQuery());
        for (String name : q.keySet()) {
            if (!allowed.contains(name)) {
                throw ApiError.badRequest("Unknown query parameter '" + name + "'");
            }
        }
        return q;
    }

    private static int offset(Map<String, String> q) {
        return intParam(q, "offset", 0, 0, Integer.MAX_VALUE);
    }

    private static int limit(Map<String, String> q) {
        return intParam(q, "limit", DEFAULT_LIMIT, 0, MAX_LIMIT);
    }

    private static int intParam(Map<String, String> q, String name, int dflt, int min, int max) {
        String text = q.get(name);
        if (text == null) {
            return dflt;
        }
        try {
            int value = Integer.parseInt(text);
            if (value < min || value > max) {
                throw ApiError.badRequest(name + " must be within " + min + ".." + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw ApiError.badRequest(name + " must be an integer");
        }
    }

    private static long id(String segment) {
        try {
            long id = Long.parseLong(segment);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // fall through to the 404 below: a non-numeric id names no resource
        }
        throw ApiError.notFound("No such resource '" + segment + "'");
    }

    private static Long managerId(JsonNode body) {
        if (!body.isObject() || !body.has("manager_id")) {
            throw ApiError.badRequest("Body must be {\"manager_id\": <id or null>}");
        }
        JsonNode v = body.get("manager_id");
        if (v.isNull()) {
            return null;
        }
        if (!v.canConvertToLong() || !v.isIntegralNumber() || v.longValue() <= 0) {
            throw ApiError.badRequest("manager_id must be a positive integer or null");
        }
        return v.longValue();
    }

    private static String groupName(JsonNode body) {
        JsonNode name = body.isObject() ? body.get("name") : null;
        if (name == null || !name.isTextual() || name.textValue().isBlank() || name.textValue().length() > 255) {
            throw ApiError.badRequest("Body must be {\"name\": \"...\"} with a non-empty name of at most 255 characters");
        }
        return name.textValue();
    }

    private static List<Long> memberIds(JsonNode body) {
        JsonNode data = body.isObject() ? body.get("data") : null;
        if (data == null || !data.isArray()) {
            throw ApiError.badRequest("Body must be {\"data\": [{\"id\": <user id>}, ...]}");
        }
        List<Long> ids = new ArrayList<>();
        for (JsonNode item : data) {
            JsonNode id = item.isObject() ? item.get("id") : null;
            if (id == null || !id.isIntegralNumber() || !id.canConvertToLong()) {
                throw ApiError.badRequest("Every member must be {\"id\": <user id>}");
            }
            ids.add(id.longValue());
        }
        return ids;
    }

    private String origin(HttpExchange ex) {
        return Exchanges.origin(ex, fallbackOrigin);
    }

    private static void requireMethod(String method, String expected) {
        if (!expected.equals(method)) {
            throw notAllowed();
        }
    }

    private static ApiError notAllowed() {
        return new ApiError(405, "Method not allowed");
    }

    private static boolean contains(String haystack, String needleLower) {
        return haystack != null && haystack.toLowerCase(Locale.ROOT).contains(needleLower);
    }

    private static String join(String a, String b) {
        return (a == null ? "" : a) + " " + (b == null ? "" : b);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
