package com.claromentis.keycloak.connection;

import com.claromentis.keycloak.metrics.GlobalMeters;
import com.claromentis.keycloak.metrics.Micrometer;
import com.claromentis.keycloak.peopleapi.RequestListener;
import com.claromentis.keycloak.peopleapi.RequestOutcome;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This node's People API requests for Keycloak's {@code /metrics}: {@code claromentis_people_api_requests_total} and
 * the timer {@code claromentis_people_api_request_duration_seconds} ({@code _count}, {@code _sum}), both by
 * {@code operation} (method and path template, such as {@code GET /users/{id}}, {@code POST token} or {@code other})
 * and {@code outcome} ({@link RequestOutcome#tag()}). Both tags come from closed sets the client guarantees, never a
 * user, id, realm or component, so the number of series stays bounded. Every client the bundle builds reports here.
 */
public final class PeopleApiMetrics implements RequestListener {

    private record Series(AtomicLong count, AtomicLong totalNanos) {
    }

    private static final PeopleApiMetrics SHARED = new PeopleApiMetrics(Micrometer.present());

    private final boolean publish;
    private final Map<String, Series> series = new ConcurrentHashMap<>();

    private PeopleApiMetrics(boolean publish) {
        this.publish = publish;
    }

    public static PeopleApiMetrics shared() {
        return SHARED;
    }

    @Override
    public void requestEnded(String operation, RequestOutcome outcome, Duration elapsed) {
        Series s = series.computeIfAbsent(operation + "|" + outcome.tag(), key -> register(operation, outcome));
        s.totalNanos().addAndGet(Math.max(0, elapsed.toNanos()));
        s.count().incrementAndGet();
    }

    /** Requests so far with these tags; 0 when none. */
    public long requests(String operation, RequestOutcome outcome) {
        Series s = series.get(operation + "|" + outcome.tag());
        return s == null ? 0 : s.count().get();
    }

    private Series register(String operation, RequestOutcome outcome) {
        Series s = new Series(new AtomicLong(), new AtomicLong());
        if (publish) {
            String[] tags = {"operation", operation, "outcome", outcome.tag()};
            GlobalMeters.counter("claromentis.people.api.requests",
                    "HTTP requests this node sent to the Claromentis People API, by operation and outcome", tags, s.count());
            GlobalMeters.timer("claromentis.people.api.request.duration",
                    "Time People API requests took, by operation and outcome (retry pauses excluded)", tags,
                    s.count(), s.totalNanos());
        }
        return s;
    }
}
