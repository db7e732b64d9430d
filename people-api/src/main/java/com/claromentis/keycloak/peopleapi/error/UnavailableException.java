package com.claromentis.keycloak.peopleapi.error;

import java.time.Duration;
import java.util.Optional;

/** The API could not be reached, or kept answering 5xx, after the retry policy was exhausted. */
public final class UnavailableException extends PeopleApiException {

    private static final long serialVersionUID = 1L;

    private final transient Duration retryAfter;

    public UnavailableException(String message, int status, String apiError, Throwable cause) {
        this(message, status, apiError, cause, null);
    }

    /** @param retryAfter the server's {@code Retry-After} (a 503 may carry one), or null */
    public UnavailableException(String message, int status, String apiError, Throwable cause, Duration retryAfter) {
        super(message, status, apiError, cause);
        this.retryAfter = retryAfter;
    }

    /** The server's {@code Retry-After}, when it sent a usable one. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
