package com.claromentis.keycloak.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * One read of a server's {@code /metrics} on its management port (Prometheus text format), as a scraper sees it.
 */
public final class MetricsScrape {

    private final List<String> lines;

    private MetricsScrape(List<String> lines) {
        this.lines = List.copyOf(lines);
    }

    /** Reads {@code /metrics} of {@code server} now; fails unless it answers 200. */
    public static MetricsScrape of(KeycloakServer server) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.managementUrl() + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("/metrics of " + server.managementUrl() + " answered " + response.statusCode());
            }
            return new MetricsScrape(response.body().lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read /metrics of " + server.managementUrl(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading /metrics", e);
        }
    }

    /** The sample lines (no comments) of series whose name starts with {@code prefix}, e.g. {@code claromentis_}. */
    public List<String> series(String prefix) {
        return lines.stream().filter(line -> line.startsWith(prefix)).toList();
    }

    /**
     * The sum of the series named {@code name} carrying every label given as {@code key="value"} text, e.g.
     * {@code sum("claromentis_sync_runs_total", "provider=\"ldap\"", "outcome=\"success\"")}; 0 when none is there
     * (a counter that has not counted yet is not published).
     */
    public double sum(String name, String... labels) {
        return lines.stream().filter(line -> line.startsWith(name + "{"))
                .filter(line -> Arrays.stream(labels).allMatch(line::contains))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** How much {@link #sum} of these series grew since {@code earlier}, a read of the same server before. */
    public double increaseSince(MetricsScrape earlier, String name, String... labels) {
        return sum(name, labels) - earlier.sum(name, labels);
    }
}
