package com.claromentis.keycloak.peopleapi;

import java.time.Duration;

/**
 * Told about every HTTP request the client sends, after it ended; how the Keycloak side counts People API requests
 * for {@code /metrics} without this client knowing about metrics. Called on the requesting thread, so it must be
 * quick and thread-safe; an exception it throws is logged and does not affect the request.
 */
@FunctionalInterface
public interface RequestListener {

    /** Listens to nothing; the default. */
    RequestListener NONE = (operation, outcome, elapsed) -> { };

    /**
     * @param operation a bounded label of what was asked: the method and the path template under the API base, such as
     *                  {@code GET /users/{id}}; {@code POST token} for the token endpoint; {@code other} for any path
     *                  outside the People API's contract. Never an id, name or query.
     * @param outcome   how the request ended
     * @param elapsed   from sending the request to its outcome, body reading included, backoff pauses excluded
     */
    void requestEnded(String operation, RequestOutcome outcome, Duration elapsed);
}
