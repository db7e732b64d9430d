package com.claromentis.keycloak.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;

/** Work items 0..count-1 spread over a few threads (thread t takes t, t + threads, ...); the first failure stops it. */
final class Parallel {

    private Parallel() {
    }

    /** Runs {@code action} for every index and returns the wall time in nanoseconds. */
    static long forEach(int count, int threads, Duration timeout, String what, IntConsumer action) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        try {
            List<Future<?>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                parts.add(pool.submit(() -> {
                    for (int i = first; i < count && !Thread.currentThread().isInterrupted(); i += threads) {
                        action.accept(i);
                    }
                }));
            }
            for (Future<?> part : parts) {
                part.get(Math.max(deadline - System.nanoTime(), 0), TimeUnit.NANOSECONDS);
            }
            return System.nanoTime() - start;
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + " failed", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + " took over " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted: " + what, e);
        } finally {
            // Stops the other threads after a failure; after success they are idle already.
            pool.shutdownNow();
        }
    }
}
