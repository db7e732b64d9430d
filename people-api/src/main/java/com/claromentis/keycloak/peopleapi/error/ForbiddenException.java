package com.claromentis.keycloak.peopleapi.error;

/** 403: the credentials are valid but lack permission for this call. */
public final class ForbiddenException extends PeopleApiException {

    private static final long serialVersionUID = 1L;

    public ForbiddenException(String message, int status, String apiError, Throwable cause) {
        super(message, status, apiError, cause);
    }
}
