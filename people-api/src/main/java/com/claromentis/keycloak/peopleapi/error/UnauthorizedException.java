package com.claromentis.keycloak.peopleapi.error;

/** 401, or the token endpoint refused the client: the credentials are wrong or no longer valid. */
public final class UnauthorizedException extends PeopleApiException {

    private static final long serialVersionUID = 1L;

    public UnauthorizedException(String message, int status, String apiError, Throwable cause) {
        super(message, status, apiError, cause);
    }
}
