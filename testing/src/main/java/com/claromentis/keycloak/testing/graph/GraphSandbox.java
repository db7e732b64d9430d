package com.claromentis.keycloak.testing.graph;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Microsoft Graph stand-in over real HTTP on loopback, with Entra's token endpoint beside it: app-only
 * (client-credentials) tokens per tenant, {@code /v1.0/users} paged with {@code @odata.nextLink} and
 * {@code $expand=manager}, users and groups delta queries with {@code $deltatoken=latest}, delta links and
 * {@code @removed}, transitive group members, and injected faults: throttling (429 with {@code Retry-After}),
 * 503s, a malformed page, expired delta links (410 {@code resyncRequired}) and refused credentials.
 *
 * <p>Tests change the directory through its Java methods; every change is recorded in the tenant's change log,
 * which is what the delta queries answer from. It counts the Graph requests and token requests it answers.
 */
public final class GraphSandbox implements AutoCloseable {

    /** Users of a tenant, with the Graph properties a sync reads. */
    public static final class User {
        final String id;
        final Map<String, Object> fields = new LinkedHashMap<>();
        String manager;

        User(String id) {
            this.id = id;
        }
    }

    private static final class Group {
        String displayName;
        final Set<String> members = new LinkedHashSet<>();
    }

    private record Change(long seq, boolean group, String id, boolean removed) {
    }

    private static final class Tenant {
        final String id;
        final String clientId;
        volatile String clientSecret;
        volatile java.security.cert.X509Certificate certificate;
        final Map<String, User> users = new LinkedHashMap<>();
        final Map<String, Group> groups = new LinkedHashMap<>();
        final List<Change> log = new ArrayList<>();
        long seq;
        long expiredBefore = -1;

        Tenant(String id, String clientId, String clientSecret) {
            this.id = id;
            this.clientId = clientId;
            this.clientSecret = clientSecret;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DELTA_PAGE = 200;

    private final HttpServer server;
    private final Map<String, Tenant> tenants = new ConcurrentHashMap<>();
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final AtomicInteger graphRequests = new AtomicInteger();
    private final AtomicInteger tokenRequests = new AtomicInteger();
    private final AtomicInteger throttle = new AtomicInteger();
    private final AtomicInteger unavailable = new AtomicInteger();
    private final AtomicInteger malformed = new AtomicInteger();
    private volatile int retryAfterSeconds = 1;
    private volatile boolean refuseTokens;

    private GraphSandbox(HttpServer server) {
        this.server = server;
    }

    /** Starts on 127.0.0.1 on a free port. */
    public static GraphSandbox start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            GraphSandbox sandbox = new GraphSandbox(server);
            server.createContext("/", sandbox::handle);
            server.setExecutor(Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "graph-sandbox");
                t.setDaemon(true);
                return t;
            }));
            server.start();
            return sandbox;
        } catch (IOException e) {
            throw new IllegalStateException("The Graph sandbox could not start on 127.0.0.1", e);
        }
    }

    /** e.g. {@code http://127.0.0.1:40123}: both the authority host and the Graph host of a provider. */
    public String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void addTenant(String tenantId, String clientId, String clientSecret) {
        tenants.put(tenantId, new Tenant(tenantId, clientId, clientSecret));
    }

    public void setClientSecret(String tenantId, String secret) {
        tenant(tenantId).clientSecret = secret;
    }

    /** The certificate uploaded to the tenant's app registration: client assertions signed by its key are accepted. */
    public void setClientCertificate(String tenantId, java.security.cert.X509Certificate certificate) {
        tenant(tenantId).certificate = certificate;
    }

    // ---- directory changes -------------------------------------------------------------------------------------

    /** Adds a member user with the usual properties; returns its object id. */
    public String addUser(String tenantId, String upn, String givenName, String surname, Map<String, Object> more) {
        String id = UUID.randomUUID().toString();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("userPrincipalName", upn);
        fields.put("givenName", givenName);
        fields.put("surname", surname);
        fields.put("mail", upn);
        fields.put("accountEnabled", true);
        fields.put("userType", "Member");
        fields.put("businessPhones", List.of());
        fields.putAll(more);
        addUserWithId(tenantId, id, fields);
        return id;
    }

    /** Adds a user exactly as given (hostile values included). */
    public void addUserWithId(String tenantId, String id, Map<String, Object> fields) {
        Tenant tenant = tenant(tenantId);
        synchronized (tenant) {
            User user = new User(id);
            user.fields.putAll(fields);
            tenant.users.put(id, user);
            record(tenant, false, id, false);
        }
    }

    /** Sets (or, with a null value, clears) properties of a user. */
    public void updateUser(String tenantId, String id, Map<String, Object> changes) {
        Tenant tenant = tenant(tenantId);
        synchronized (tenant) {
            User user = existing(tenant, id);
            changes.forEach(user.fields::put);
            record(tenant, false, id, false);
        }
    }

    public void setManager(String tenantId, String id, String managerId) {
        Tenant tenant = tenant(tenantId);
        synchronized (tenant) {
            existing(tenant, id).manager = managerId;
            record(tenant, false, id, false);
        }
    }

    public void deleteUser(String tenantId, String id) {
        Tenant tenant = tenant(tenantId);
        synchronized (tenant) {
            tenant.users.remove(id);
            tenant.groups.values().forEach(g -> g.members.remove(id));
            record(tenant, false, id, true);
        }
    }

    public String addGroup(String tenantId, String displayName) {
        String id = UUID.randomUUID().toString();
        Tenant tenant = tenant(tenantId);
        synchronized (tenant) {
            Group group = new Group();
            group.displayName = displayName;
            tenant.groups.put(id, group);
            record(tenant, true, id, false);
        }
        return id;
    }

    public void renameGroup(String tenantId, String groupId, String displayName) {
        Tenant tenant = tenant(tenantId);
        synchronized (tenant) {
            tenant.groups.get(groupId).displayName = displayName;
            record(tenant, true, groupId, false);
        }
    }

    /** Adds a user or a group (nesting) as a direct member; a membership change is a change of the group only. */
    public void addMember(String tenantId, String groupId, String memberId) {
        Tenant tenant = tenant(tenantId);
        synchronized (tenant) {
            tenant.groups.get(groupId).members.add(memberId);
            record(tenant, true, groupId, false);
        }
    }

    public void removeMember(String tenantId, String groupId, String memberId) {
        Tenant tenant = tenant(tenantId);
        synchronized (tenant) {
            tenant.groups.get(groupId).members.remove(memberId);
            record(tenant, true, groupId, false);
        }
    }

    // ---- faults and counts ---------------------------------------------------------------------------------------

    /** The next {@code count} Graph requests answer 429 with {@code Retry-After}. */
    public void throttleNext(int count, int retryAfter) {
        retryAfterSeconds = retryAfter;
        throttle.set(count);
    }

    /** The next {@code count} Graph requests answer 503. */
    public void failNext(int count) {
        unavailable.set(count);
    }

    /** The next page of users (listing or delta) is a body that is not JSON. */
    public void malformedNextPage() {
        malformed.set(1);
    }

    /** Every delta link handed out so far answers 410 {@code resyncRequired}. */
    public void expireDeltaLinks(String tenantId) {
        Tenant tenant = tenant(tenantId);
        synchronized (tenant) {
            // Links handed out from now on carry a later number than every one before.
            tenant.expiredBefore = ++tenant.seq;
        }
    }

    /** Every token handed out so far stops working (Graph answers 401), as when an app's consent is revoked. */
    public void revokeTokens() {
        tokens.clear();
    }

    /** The token endpoint refuses every client (as for a revoked secret). */
    public void refuseTokens(boolean refuse) {
        refuseTokens = refuse;
        if (refuse) {
            tokens.clear();
        }
    }

    public int graphRequests() {
        return graphRequests.get();
    }

    public int tokenRequests() {
        return tokenRequests.get();
    }

    public void resetCounts() {
        graphRequests.set(0);
        tokenRequests.set(0);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ---- HTTP ----------------------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            if (exchange.getRequestMethod().equals("POST") && path.endsWith("/oauth2/v2.0/token")) {
                token(exchange, path.substring(1, path.indexOf('/', 1)));
                return;
            }
            graphRequests.incrementAndGet();
            if (!path.startsWith("/v1.0/")) {
                send(exchange, 404, error("Request_UnsupportedQuery", "Unsupported path"));
                return;
            }
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String tenantId = auth != null && auth.startsWith("Bearer ") ? tokens.get(auth.substring(7)) : null;
            if (tenantId == null) {
                send(exchange, 401, error("InvalidAuthenticationToken", "Access token is empty or not valid."));
                return;
            }
            if (throttle.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                exchange.getResponseHeaders().add("Retry-After", Integer.toString(retryAfterSeconds));
                send(exchange, 429, error("TooManyRequests", "Too many requests"));
                return;
            }
            if (unavailable.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                send(exchange, 503, error("serviceNotAvailable", "Service unavailable"));
                return;
            }
            Tenant tenant = tenant(tenantId);
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            synchronized (tenant) {
                route(exchange, tenant, path.substring("/v1.0".length()), query);
            }
        } catch (RuntimeException e) {
            send(exchange, 500, error("generalException", String.valueOf(e)));
        }
    }

    private void route(HttpExchange exchange, Tenant tenant, String path, Map<String, String> query) throws IOException {
        String[] parts = path.substring(1).split("/");
        if (parts[0].equals("users")) {
            if (parts.length == 1) {
                listUsers(exchange, tenant, query);
            } else if (parts[1].equals("delta")) {
                usersDelta(exchange, tenant, query);
            } else {
                User user = tenant.users.get(parts[1]);
                if (user == null) {
                    send(exchange, 404, error("Request_ResourceNotFound", "Resource '" + parts[1] + "' does not exist"));
                } else {
                    send(exchange, 200, userJson(tenant, user, query.containsKey("$expand"), false));
                }
            }
            return;
        }
        if (parts[0].equals("groups") && parts.length >= 2) {
            if (parts[1].equals("delta")) {
                groupsDelta(exchange, tenant, query);
                return;
            }
            Group group = tenant.groups.get(parts[1]);
            if (group == null) {
                send(exchange, 404, error("Request_ResourceNotFound", "Resource '" + parts[1] + "' does not exist"));
                return;
            }
            if (parts.length == 2) {
                ObjectNode body = JSON.createObjectNode().put("id", parts[1]).put("displayName", group.displayName);
                send(exchange, 200, body.toString());
                return;
            }
            if (parts.length == 4 && parts[2].equals("transitiveMembers")) {
                boolean users = parts[3].equals("microsoft.graph.user");
                List<String> ids = new ArrayList<>(transitive(tenant, parts[1], users, new LinkedHashSet<>()));
                page(exchange, ids.stream().map(id -> (Object) JSON.createObjectNode().put("id", id)).toList(), query,
                        "/v1.0" + path);
                return;
            }
        }
        send(exchange, 400, error("Request_BadRequest", "Unsupported request"));
    }

    private void listUsers(HttpExchange exchange, Tenant tenant, Map<String, String> query) throws IOException {
        if (malformed.getAndSet(0) > 0) {
            send(exchange, 200, "{\"value\": [ {\"id\": ");
            return;
        }
        boolean expand = query.getOrDefault("$expand", "").startsWith("manager");
        List<Object> items = new ArrayList<>();
        for (User user : tenant.users.values()) {
            items.add(userJson(tenant, user, expand, false));
        }
        page(exchange, items, query, "/v1.0/users");
    }

    private void page(HttpExchange exchange, List<Object> items, Map<String, String> query, String path) throws IOException {
        int top = Math.min(999, Integer.parseInt(query.getOrDefault("$top", "100")));
        int skip = Integer.parseInt(query.getOrDefault("$skiptoken", "0"));
        ObjectNode body = JSON.createObjectNode();
        ArrayNode value = body.putArray("value");
        for (int i = skip; i < Math.min(items.size(), skip + top); i++) {
            Object item = items.get(i);
            value.add(item instanceof String text ? JSON.readTree(text) : (ObjectNode) item);
        }
        if (skip + top < items.size()) {
            Map<String, String> next = new LinkedHashMap<>(query);
            next.put("$skiptoken", Integer.toString(skip + top));
            body.put("@odata.nextLink", origin() + path + "?" + encode(next));
        }
        send(exchange, 200, body.toString());
    }

    private void usersDelta(HttpExchange exchange, Tenant tenant, Map<String, String> query) throws IOException {
        delta(exchange, tenant, query, false);
    }

    private void groupsDelta(HttpExchange exchange, Tenant tenant, Map<String, String> query) throws IOException {
        delta(exchange, tenant, query, true);
    }

    private void delta(HttpExchange exchange, Tenant tenant, Map<String, String> query, boolean groups) throws IOException {
        String path = groups ? "/v1.0/groups/delta" : "/v1.0/users/delta";
        String token = query.get("$deltatoken");
        if ("latest".equals(token)) {
            ObjectNode body = JSON.createObjectNode();
            body.putArray("value");
            body.put("@odata.deltaLink", origin() + path + "?$deltatoken=" + tenant.seq);
            send(exchange, 200, body.toString());
            return;
        }
        long since = token == null ? -1 : Long.parseLong(token);
        if (token != null && since < tenant.expiredBefore) {
            send(exchange, 410, error("resyncRequired", "The delta token has expired; a full resync is required."));
            return;
        }
        if (!groups && malformed.getAndSet(0) > 0) {
            send(exchange, 200, "{\"value\": \"not a list\"}");
            return;
        }
        Map<String, Change> latest = new LinkedHashMap<>();
        for (Change change : tenant.log) {
            if (change.seq() > since && change.group() == groups) {
                latest.remove(change.id());
                latest.put(change.id(), change);
            }
        }
        List<Object> items = new ArrayList<>();
        for (Change change : latest.values()) {
            if (groups) {
                Group group = tenant.groups.get(change.id());
                ObjectNode item = JSON.createObjectNode().put("id", change.id());
                if (group == null) {
                    item.putObject("@removed").put("reason", "deleted");
                } else {
                    item.put("displayName", group.displayName);
                    ArrayNode members = item.putArray("members@delta");
                    group.members.forEach(m -> members.addObject().put("id", m));
                }
                items.add(item);
            } else {
                User user = tenant.users.get(change.id());
                if (user == null) {
                    ObjectNode item = JSON.createObjectNode().put("id", change.id());
                    item.putObject("@removed").put("reason", "deleted");
                    items.add(item);
                } else {
                    items.add(userJson(tenant, user, false, true));
                }
            }
        }
        int skip = Integer.parseInt(query.getOrDefault("$skiptoken", "0"));
        ObjectNode body = JSON.createObjectNode();
        ArrayNode value = body.putArray("value");
        for (int i = skip; i < Math.min(items.size(), skip + DELTA_PAGE); i++) {
            Object item = items.get(i);
            value.add(item instanceof String text ? JSON.readTree(text) : (ObjectNode) item);
        }
        if (skip + DELTA_PAGE < items.size()) {
            body.put("@odata.nextLink", origin() + path + "?$deltatoken=" + since + "&$skiptoken=" + (skip + DELTA_PAGE));
        } else {
            body.put("@odata.deltaLink", origin() + path + "?$deltatoken=" + tenant.seq);
        }
        send(exchange, 200, body.toString());
    }

    private Set<String> transitive(Tenant tenant, String groupId, boolean users, Set<String> seen) {
        Set<String> out = new LinkedHashSet<>();
        Group group = tenant.groups.get(groupId);
        if (group == null || !seen.add(groupId)) {
            return out;
        }
        for (String member : group.members) {
            if (tenant.groups.containsKey(member)) {
                if (!users) {
                    out.add(member);
                }
                out.addAll(transitive(tenant, member, users, seen));
            } else if (users && tenant.users.containsKey(member)) {
                out.add(member);
            }
        }
        return out;
    }

    private String userJson(Tenant tenant, User user, boolean expandManager, boolean delta) {
        ObjectNode node = JSON.createObjectNode().put("id", user.id);
        user.fields.forEach((name, value) -> node.set(name, JSON.valueToTree(value)));
        if (expandManager) {
            if (user.manager != null && tenant.users.containsKey(user.manager)) {
                node.putObject("manager").put("@odata.type", "#microsoft.graph.user").put("id", user.manager);
            }
        } else if (delta) {
            ArrayNode managers = node.putArray("manager@delta");
            if (user.manager != null) {
                managers.addObject().put("@odata.type", "#microsoft.graph.user").put("id", user.manager);
            }
        }
        return node.toString();
    }

    private void token(HttpExchange exchange, String tenantId) throws IOException {
        tokenRequests.incrementAndGet();
        Map<String, String> form = query(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        Tenant tenant = tenants.get(tenantId);
        if (tenant == null) {
            send(exchange, 400, "{\"error\":\"invalid_request\",\"error_description\":\"AADSTS90002: Tenant '"
                    + tenantId + "' not found.\"}");
            return;
        }
        boolean credential = form.containsKey("client_assertion")
                ? validAssertion(tenant, form.get("client_assertion"), form.get("client_assertion_type"))
                : tenant.clientSecret.equals(form.get("client_secret"));
        if (refuseTokens || !tenant.clientId.equals(form.get("client_id")) || !credential
                || !"client_credentials".equals(form.get("grant_type"))) {
            send(exchange, 401, "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client "
                    + "secret provided. Trace ID: 0000\"}");
            return;
        }
        String token = UUID.randomUUID().toString();
        tokens.put(token, tenantId);
        send(exchange, 200, "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":\"" + token + "\"}");
    }

    private final Set<String> usedAssertions = ConcurrentHashMap.newKeySet();

    /** RFC 7523 as Entra checks it: the uploaded certificate's thumbprint and signature, audience, issuer, expiry, one use. */
    private boolean validAssertion(Tenant tenant, String assertion, String type) {
        if (tenant.certificate == null || !"urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(type)) {
            return false;
        }
        try {
            String[] parts = assertion.split("\\.");
            if (parts.length != 3) {
                return false;
            }
            java.util.Base64.Decoder url = java.util.Base64.getUrlDecoder();
            var header = JSON.readTree(url.decode(parts[0]));
            var claims = JSON.readTree(url.decode(parts[1]));
            String thumbprint = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                    java.security.MessageDigest.getInstance("SHA-256").digest(tenant.certificate.getEncoded()));
            java.security.Signature signature = java.security.Signature.getInstance("SHA256withRSA");
            signature.initVerify(tenant.certificate.getPublicKey());
            signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            long now = System.currentTimeMillis() / 1000;
            return "RS256".equals(header.path("alg").asText()) && thumbprint.equals(header.path("x5t#S256").asText())
                    && signature.verify(url.decode(parts[2]))
                    && (origin() + "/" + tenant.id + "/oauth2/v2.0/token").equals(claims.path("aud").asText())
                    && tenant.clientId.equals(claims.path("iss").asText()) && tenant.clientId.equals(claims.path("sub").asText())
                    && claims.path("exp").asLong() > now && claims.path("nbf").asLong() <= now + 60
                    && usedAssertions.add(claims.path("jti").asText());
        } catch (IOException | java.security.GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static void record(Tenant tenant, boolean group, String id, boolean removed) {
        tenant.log.add(new Change(++tenant.seq, group, id, removed));
    }

    private Tenant tenant(String id) {
        Tenant tenant = tenants.get(id);
        if (tenant == null) {
            throw new IllegalArgumentException("No tenant " + id + " in the Graph sandbox");
        }
        return tenant;
    }

    private static User existing(Tenant tenant, String id) {
        User user = tenant.users.get(id);
        if (user == null) {
            throw new IllegalArgumentException("No user " + id);
        }
        return user;
    }

    private static String error(String code, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("code", code).put("message", message);
        return body.toString();
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(key, value);
        }
        return out;
    }

    private static String encode(Map<String, String> query) {
        StringBuilder out = new StringBuilder();
        query.forEach((k, v) -> {
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(URLEncoder.encode(k, StandardCharsets.UTF_8).replace("%24", "$")).append('=')
                    .append(URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20"));
        });
        return out.toString();
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
