package com.claromentis.keycloak.peopleapi.error;

/** 400 or 422: the API refused the request as invalid; retrying the same request will not help. */
public final class BadRequestException extends PeopleApiException {

    private static final long serialVersionUID = 1L;

    public BadRequestException(String message, int status, String apiError, Throwable cause) {
        super(message, status, apiError, cause);
    }
}
