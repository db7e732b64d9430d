package com.claromentis.keycloak.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /_sandbox/...}: fault injection, seeding and statistics. No authentication, so it answers loopback
 * callers only, even when the API itself is bound to a wider address.
 */
final class AdminHandler implements HttpHandler {

    static final String PREFIX = "/_sandbox/";
    private static final int MAX_GENERATE = 200_000;
    private static final System.Logger LOG = System.getLogger(AdminHandler.class.getName());

    private final SandboxServer server;

    AdminHandler(SandboxServer server) {
        this.server = server;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try {
            if (!ex.getRemoteAddress().getAddress().isLoopbackAddress()) {
                Exchanges.sendError(ex, 403, "The sandbox admin endpoints answer loopback callers only");
                return;
            }
            try {
                route(ex);
            } catch (ApiError e) {
                Exchanges.sendError(ex, e.status(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "Unexpected failure in admin endpoint", e);
                Exchanges.sendError(ex, 500, "Internal sandbox error");
            }
        } finally {
            ex.close();
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String action = ex.getRequestURI().getPath().substring(PREFIX.length());
        String method = ex.getRequestMethod();
        Map<String, String> query = Exchanges.parseQuery(ex.getRequestURI().getRawQuery());
        switch (action) {
            case "stats" -> {
                require(method, "GET");
                Exchanges.sendJson(ex, 200, server.stats(), null);
            }
            case "faults" -> {
                if ("POST".equals(method)) {
                    Map<String, String> settings = new LinkedHashMap<>(query);
                    settings.putAll(jsonSettings(ex));
                    server.faults().apply(settings);
                } else {
                    require(method, "GET");
                }
                Exchanges.sendJson(ex, 200, server.faults().describe(), null);
            }
            case "reset" -> {
                require(method, "POST");
                server.faults().reset();
                Exchanges.sendJson(ex, 200, server.faults().describe(), null);
            }
            case "clear" -> {
                require(method, "POST");
                server.clear();
                Exchanges.sendJson(ex, 200, server.stats(), null);
            }
            case "revoke-tokens" -> {
                require(method, "POST");
                server.revokeTokens();
                Exchanges.sendNoContent(ex);
            }
            case "seed" -> {
                require(method, "POST");
                Exchanges.sendJson(ex, 200, new Seeder(server.store()).seed(Exchanges.readJson(ex)), null);
            }
            case "generate" -> {
                require(method, "POST");
                int count = parseCount(query.get("count"));
                String prefix = query.getOrDefault("prefix", "user");
                if (!prefix.matches("[A-Za-z0-9_\\-]{1,40}")) {
                    throw ApiError.badRequest("prefix must be 1..40 letters, digits, '-' or '_'");
                }
                List<Long> ids = server.store().generateUsers(count, prefix);
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("created", ids.size());
                out.put("first_id", ids.isEmpty() ? null : ids.get(0));
                out.put("last_id", ids.isEmpty() ? null : ids.get(ids.size() - 1));
                Exchanges.sendJson(ex, 200, out, null);
            }
            default -> throw ApiError.notFound("Unknown admin endpoint; see sandbox/README.md");
        }
    }

    private static Map<String, String> jsonSettings(HttpExchange ex) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type == null) {
            return out; // query-parameter form, e.g. curl -X POST '.../_sandbox/faults?latency_ms=200'
        }
        JsonNode body = Exchanges.readJson(ex);
        if (!body.isObject()) {
            throw ApiError.badRequest("Fault settings must be a JSON object");
        }
        body.fields().forEachRemaining(e -> {
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw ApiError.badRequest(e.getKey() + " must be a number or string");
            }
            out.put(e.getKey(), e.getValue().asText());
        });
        return out;
    }

    private static int parseCount(String text) {
        if (text == null) {
            throw ApiError.badRequest("count is required");
        }
        try {
            int count = Integer.parseInt(text);
            if (count < 1 || count > MAX_GENERATE) {
                throw ApiError.badRequest("count must be within 1.." + MAX_GENERATE);
            }
            return count;
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("count must be an integer");
        }
    }

    private static void require(String method, String expected) {
        if (!expected.equals(method)) {
            throw new ApiError(405, "Method not allowed");
        }
    }
}
