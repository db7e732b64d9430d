package com.claromentis.keycloak.peopleapi.error;

import java.util.Optional;

/**
 * Base of every failure the People API client reports. Unchecked, because callers inside Keycloak SPIs cannot
 * declare checked exceptions. Messages name the endpoint and status but never credentials or tokens.
 */
public class PeopleApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String apiError;

    public PeopleApiException(String message, int status, String apiError, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.apiError = apiError;
    }

    /** HTTP status, or 0 when no response arrived. */
    public int status() {
        return status;
    }

    /** The {@code error} text of the API's error body, when it sent one. */
    public Optional<String> apiError() {
        return Optional.ofNullable(apiError);
    }
}
