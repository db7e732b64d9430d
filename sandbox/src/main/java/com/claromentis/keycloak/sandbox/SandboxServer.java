package com.claromentis.keycloak.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory Claromentis People API v2 over real HTTP, for tests, demos and load runs.
 * Start with {@link #start(SandboxConfig)}, stop with {@link #close()}.
 */
public final class SandboxServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(SandboxServer.class.getName());

    private final SandboxConfig config;
    private final HttpServer http;
    private final ExecutorService executor;
    private final SandboxStore store;
    private final SandboxAuth auth;
    private final Faults faults = new Faults();
    private final RequestStats stats = new RequestStats();
    private final String baseUrl;

    private SandboxServer(SandboxConfig config) throws IOException {
        this.config = config;
        this.store = new SandboxStore(config.clock());
        this.auth = new SandboxAuth(config);
        InetAddress address = InetAddress.getByName(config.bindAddress());
        this.http = HttpServer.create(new InetSocketAddress(address, config.port()), 64);
        int port = http.getAddress().getPort();
        String host = address.isAnyLocalAddress() ? "127.0.0.1" : address.getHostAddress();
        this.baseUrl = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        this.executor = Executors.newFixedThreadPool(config.threads(), daemonThreads());
        http.setExecutor(executor);
        http.createContext(ApiHandler.BASE_PATH, new ApiHandler(store, auth, faults, stats, baseUrl));
        http.createContext("/oauth/token", this::handleToken);
        http.createContext(AdminHandler.PREFIX, new AdminHandler(this));
        http.createContext("/", ex -> {
            try (ex) {
                stats.record(ex.getRequestMethod(), ex.getRequestURI().getPath());
                Exchanges.sendError(ex, 404, "No such endpoint");
            }
        });
    }

    static {
        // The JDK server otherwise leaves Nagle's algorithm on and every keep-alive answer waits ~40 ms for a
        // delayed ACK, which would make the sandbox, not the client, the bottleneck of every measurement. It is read
        // once, when the JDK's server configuration loads, so set it before the first server is created.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** Binds (a free port when the config says 0) and starts serving. */
    public static SandboxServer start(SandboxConfig config) throws IOException {
        SandboxServer server = new SandboxServer(Objects.requireNonNull(config, "config"));
        server.http.start();
        LOG.log(System.Logger.Level.DEBUG, "Claromentis sandbox listening on " + server.baseUrl);
        return server;
    }

    /** The site root, e.g. {@code http://127.0.0.1:41234}; the API lives under {@link #apiBaseUrl()}. */
    public String baseUrl() {
        return baseUrl;
    }

    public String apiBaseUrl() {
        return baseUrl + ApiHandler.BASE_PATH;
    }

    public String tokenUrl() {
        return baseUrl + "/oauth/token";
    }

    public int port() {
        return http.getAddress().getPort();
    }

    public SandboxConfig config() {
        return config;
    }

    public Faults faults() {
        return faults;
    }

    // ---- seeding -------------------------------------------------------------------------------------------

    /** Stores a user; its id and modified timestamp are assigned by the store. */
    public SandboxUser addUser(SandboxUser user) {
        return guard(() -> store.createUser(user));
    }

    public SandboxUser addUser(String username, String firstname, String surname, String email) {
        return addUser(SandboxUser.builder(username).firstname(firstname).surname(surname).email(email).build());
    }

    public SandboxUser updateUser(long id, java.util.function.UnaryOperator<SandboxUser> change) {
        return guard(() -> store.updateUser(id, change));
    }

    public SandboxUser setManager(long userId, Long managerId) {
        return updateUser(userId, u -> u.toBuilder().managerId(managerId).build());
    }

    public SandboxGroup addGroup(String name) {
        return guard(() -> store.groups().create(name));
    }

    public SandboxGroup addRole(String name) {
        return guard(() -> store.roles().create(name));
    }

    public void addGroupMember(long groupId, long userId) {
        guard(() -> {
            store.groups().addMember(groupId, userId);
            return null;
        });
    }

    public void addRoleMember(long roleId, long userId) {
        guard(() -> {
            store.roles().addMember(roleId, userId);
            return null;
        });
    }

    /** Creates {@code count} synthetic users named {@code prefix.N}; returns their ids. */
    public List<Long> generateUsers(int count, String prefix) {
        return guard(() -> store.generateUsers(count, prefix));
    }

    /** Loads a seed document (see README for the format). */
    public Map<String, Object> seed(JsonNode document) {
        return guard(() -> new Seeder(store).seed(document));
    }

    /** Drops all data, tokens, statistics and faults. */
    public void clear() {
        store.clear();
        auth.revokeAll();
        stats.clear();
        faults.reset();
    }

    /** Invalidates every issued token, so clients holding one get a 401 on their next call. */
    public void revokeTokens() {
        auth.revokeAll();
    }

    // ---- inspection ----------------------------------------------------------------------------------------

    public Optional<SandboxUser> findUserByUsername(String username) {
        return store.userByUsername(username);
    }

    public Optional<SandboxUser> getUser(long id) {
        return store.user(id);
    }

    /** Every stored user in id order, as a copy. */
    public java.util.List<SandboxUser> users() {
        return store.allUsers();
    }

    public int userCount() {
        return store.userCount();
    }

    public List<SandboxGroup> groups() {
        return store.groups().all();
    }

    public List<SandboxGroup> roles() {
        return store.roles().all();
    }

    /** Requests seen for one endpoint, keyed like {@code "GET /users"}, {@code "PUT /groups/{id}/users"}, {@code "POST /oauth/token"}. */
    public long requestCount(String endpoint) {
        return stats.count(endpoint);
    }

    /** The API requests seen (the last 10,000), oldest first, with arrival and answer times and status. */
    public List<RequestStats.TimedRequest> timedRequests() {
        return stats.timedRequests();
    }

    public Map<String, Long> requestCounts() {
        return stats.snapshot();
    }

    public long tokensIssued() {
        return auth.tokensIssued();
    }

    Map<String, Object> stats() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("users", store.userCount());
        out.put("groups", store.groups().count());
        out.put("roles", store.roles().count());
        out.put("tokens_issued", auth.tokensIssued());
        out.put("requests", stats.snapshot());
        out.put("faults", faults.describe());
        return out;
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }

    private void handleToken(HttpExchange ex) throws IOException {
        try (ex) {
            stats.record(ex.getRequestMethod(), ex.getRequestURI().getPath());
            try {
                auth.handleToken(ex);
            } catch (ApiError e) {
                Exchanges.sendError(ex, e.status(), e.getMessage());
            }
        }
    }

    /** Seeding from Java reports bad input as IllegalArgumentException rather than an HTTP-shaped error. */
    private static <T> T guard(java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (ApiError e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The admin endpoint works on the store directly because it wants the HTTP-shaped errors. */
    SandboxStore store() {
        return store;
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "claromentis-sandbox-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
