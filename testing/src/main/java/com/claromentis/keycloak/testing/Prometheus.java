package com.claromentis.keycloak.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What Prometheus would read from a server's {@code /metrics}: the bundle's ({@code claromentis_}) sample lines. */
public final class Prometheus {

    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final List<String> lines;

    private Prometheus(List<String> lines) {
        this.lines = lines;
    }

    /** Scrapes the management port; fails unless it answers 200. */
    public static Prometheus scrape(KeycloakServer server) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(server.managementUrl() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AssertionError("/metrics answered HTTP " + response.statusCode());
            }
            return new Prometheus(response.body().lines().filter(line -> line.startsWith("claromentis_")).toList());
        } catch (IOException e) {
            throw new AssertionError("cannot read /metrics", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted reading /metrics", e);
        }
    }

    /** The bundle's sample lines, as scraped. */
    public List<String> lines() {
        return lines;
    }

    /** The sum of the samples of {@code name} whose label text contains every one of {@code labels} (as {@code k="v"}). */
    public double sum(String name, String... labels) {
        return lines.stream().filter(line -> line.startsWith(name + "{"))
                .filter(line -> Arrays.stream(labels).allMatch(labelsOf(line)::contains))
                .mapToDouble(Prometheus::sampleValue)
                .sum();
    }

    /** How much {@link #sum} of these samples grew since {@code earlier}, a scrape of the same server before. */
    public double increaseSince(Prometheus earlier, String name, String... labels) {
        return sum(name, labels) - earlier.sum(name, labels);
    }

    /** The value of an unlabelled series; fails when there is none. */
    public double value(String series) {
        return lines.stream().filter(line -> line.startsWith(series + " ")).map(Prometheus::sampleValue)
                .findFirst().orElseThrow(() -> new AssertionError("no " + series + " in /metrics"));
    }

    /** The labels of every sample of {@code name}, in order of appearance. */
    public List<Map<String, String>> labels(String name) {
        return lines.stream().filter(line -> line.startsWith(name + "{")).map(Prometheus::parseLabels).toList();
    }

    private static String labelsOf(String line) {
        return line.substring(line.indexOf('{') + 1, line.lastIndexOf('}'));
    }

    private static Map<String, String> parseLabels(String line) {
        Map<String, String> labels = new LinkedHashMap<>();
        Matcher m = LABEL.matcher(labelsOf(line));
        while (m.find()) {
            labels.put(m.group(1), m.group(2));
        }
        return labels;
    }

    private static double sampleValue(String line) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim());
    }
}
