package com.claromentis.keycloak.peopleapi.error;

import java.time.Duration;
import java.util.Optional;

/** 429 that outlasted the retry policy. */
public final class RateLimitedException extends PeopleApiException {

    private static final long serialVersionUID = 1L;

    private final transient Duration retryAfter;

    public RateLimitedException(String message, String apiError, Duration retryAfter) {
        super(message, 429, apiError, null);
        this.retryAfter = retryAfter;
    }

    /** The server's {@code Retry-After}, when it sent a usable one. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
