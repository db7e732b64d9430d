package com.claromentis.keycloak.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Reading requests and writing JSON answers, shared by the API, token and admin handlers. */
final class Exchanges {

    static final ObjectMapper MAPPER = new ObjectMapper();

    /** Request bodies above this are refused; the API never needs more and the sandbox must not be DoS-able by a test bug. */
    static final int MAX_BODY_BYTES = 8 * 1024 * 1024;

    private Exchanges() {
    }

    static byte[] readBody(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw new ApiError(413, "Request body too large");
            }
            return body;
        }
    }

    /** Reads a JSON request body, insisting on a JSON content type so clients that forget it are caught. */
    static JsonNode readJson(HttpExchange ex) throws IOException {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !mediaType(type).equals("application/json")) {
            throw new ApiError(415, "Content-Type must be application/json");
        }
        byte[] body = readBody(ex);
        if (body.length == 0) {
            throw ApiError.badRequest("Request body is empty");
        }
        try {
            return MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("Request body is not valid JSON");
        }
    }

    static String mediaType(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (out.putIfAbsent(name, value) != null) {
                throw ApiError.badRequest("Parameter '" + name + "' given more than once");
            }
        }
        return out;
    }

    static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("Malformed URL encoding");
        }
    }

    static void sendError(HttpExchange ex, int status, String message) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", status);
        body.put("error", message);
        sendJson(ex, status, body, null);
    }

    static void sendNoContent(HttpExchange ex) throws IOException {
        ex.sendResponseHeaders(204, -1);
    }

    /** Writes {@code body} as JSON; {@code faults} (API responses only) may truncate or trickle the bytes. */
    static void sendJson(HttpExchange ex, int status, Object body, Faults faults) throws IOException {
        byte[] bytes = MAPPER.writeValueAsBytes(body);
        if (faults != null && faults.takeTruncate()) {
            bytes = Arrays.copyOf(bytes, bytes.length / 2);
        }
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length == 0) {
            return;
        }
        OutputStream out = ex.getResponseBody();
        int chunk = faults == null ? 0 : faults.trickleChunkBytes();
        if (chunk <= 0) {
            out.write(bytes);
        } else {
            long delay = faults.trickleDelayMillis();
            for (int i = 0; i < bytes.length; i += chunk) {
                out.write(bytes, i, Math.min(chunk, bytes.length - i));
                out.flush();
                sleep(delay);
            }
        }
        out.close();
    }

    static void sleep(long millis) throws IOException {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while delaying a response", e);
        }
    }

    /** Full URL prefix for links, taken from the Host the client used so links work behind port mappings. */
    static String origin(HttpExchange ex, String fallback) {
        String host = ex.getRequestHeaders().getFirst("Host");
        if (host == null || host.isBlank() || !host.matches("[A-Za-z0-9.\\-\\[\\]:]+")) {
            return fallback;
        }
        return "http://" + host;
    }
}
