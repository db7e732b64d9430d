package com.claromentis.keycloak.peopleapi.error;

/** 404: the user, group or role does not exist. */
public final class NotFoundException extends PeopleApiException {

    private static final long serialVersionUID = 1L;

    public NotFoundException(String message, int status, String apiError, Throwable cause) {
        super(message, status, apiError, cause);
    }
}
