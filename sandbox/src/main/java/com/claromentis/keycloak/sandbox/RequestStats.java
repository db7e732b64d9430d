package com.claromentis.keycloak.sandbox;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/** Counts requests per endpoint, keyed like {@code "GET /users/{id}"} so tests can assert call patterns. */
public final class RequestStats {

    private static final Pattern NUMERIC_SEGMENT = Pattern.compile("/\\d+(?=/|$)");

    /** How many timed API exchanges are kept: enough for any test, bounded for a long demo run. */
    private static final int MAX_TIMED = 10_000;

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final Deque<TimedRequest> timed = new ArrayDeque<>();

    /**
     * One API request: when it arrived, and when the answer was sent and with which status (0 while unanswered),
     * from {@link System#nanoTime()}; lets a test check how a client spaces its requests (e.g. after a 429).
     */
    public record TimedRequest(String endpoint, long arrivedNanos, long answeredNanos, int status) {
    }

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

    synchronized void timed(String method, String path, long arrivedNanos, long answeredNanos, int status) {
        if (timed.size() >= MAX_TIMED) {
            timed.removeFirst();
        }
        timed.addLast(new TimedRequest(key(method, path), arrivedNanos, answeredNanos, status));
    }

    synchronized List<TimedRequest> timedRequests() {
        return new ArrayList<>(timed);
    }

    synchronized void clear() {
        counts.clear();
        timed.clear();
    }

    static String key(String method, String path) {
        String p = path.startsWith(ApiHandler.BASE_PATH) ? "/" + path.substring(ApiHandler.BASE_PATH.length()) : path;
        if (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return method + " " + NUMERIC_SEGMENT.matcher(p).replaceAll("/{id}");
    }
}
