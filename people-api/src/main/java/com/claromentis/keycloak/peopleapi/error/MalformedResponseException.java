package com.claromentis.keycloak.peopleapi.error;

/**
 * The response could not be understood: not JSON, truncated, too large, or missing or mistyping a required field.
 * The message names the endpoint and the field.
 */
public final class MalformedResponseException extends PeopleApiException {

    private static final long serialVersionUID = 1L;

    public MalformedResponseException(String message, int status, Throwable cause) {
        super(message, status, null, cause);
    }
}
