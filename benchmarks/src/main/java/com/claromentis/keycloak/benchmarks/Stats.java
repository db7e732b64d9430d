package com.claromentis.keycloak.benchmarks;

import java.util.Arrays;
import java.util.List;

/**
 * Medians, so a single slow run (a GC pause, a JIT compile) does not move the figure, and nearest-rank percentiles
 * for the tail of many timings.
 */
final class Stats {

    private Stats() {
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** Nearest-rank percentile, {@code p} in (0, 100]: the value at least p % of the timings do not exceed. */
    static double percentile(List<Double> values, double p) {
        if (values.isEmpty() || !(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("no values, or p outside (0, 100]: " + p);
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }

    static double perSecond(long count, long nanos) {
        return nanos <= 0 ? 0 : count * 1e9 / nanos;
    }

    static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
