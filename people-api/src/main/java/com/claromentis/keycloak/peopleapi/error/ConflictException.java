package com.claromentis.keycloak.peopleapi.error;

/** 409: for example a username that is already taken (usernames are unique in Claromentis). */
public final class ConflictException extends PeopleApiException {

    private static final long serialVersionUID = 1L;

    public ConflictException(String message, int status, String apiError, Throwable cause) {
        super(message, status, apiError, cause);
    }
}
