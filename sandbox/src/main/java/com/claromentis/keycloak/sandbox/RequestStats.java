package com.claromentis.keycloak.sandbox;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/** Counts requests per endpoint, keyed like {@code "GET /users/{id}"} so tests can assert call patterns. */
final class RequestStats {

    private static final Pattern NUMERIC_SEGMENT = Pattern.compile("/\\d+(?=/|$)");

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    void record(String method, String path) {
        counts.computeIfAbsent(key(method, path), k -> new LongAdder()).increment();
    }

    long count(String key) {
        LongAdder adder = counts.get(key);
        return adder == null ? 0 : adder.sum();
    }

    Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    void clear() {
        counts.clear();
    }

    static String key(String method, String path) {
        String p = path.startsWith(ApiHandler.BASE_PATH) ? "/" + path.substring(ApiHandler.BASE_PATH.length()) : path;
        if (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return method + " " + NUMERIC_SEGMENT.matcher(p).replaceAll("/{id}");
    }
}
