package com.claromentis.keycloak.peopleapi.error;

/** The API could not be reached, or kept answering 5xx, after the retry policy was exhausted. */
public final class UnavailableException extends PeopleApiException {

    private static final long serialVersionUID = 1L;

    public UnavailableException(String message, int status, String apiError, Throwable cause) {
        super(message, status, apiError, cause);
    }
}
