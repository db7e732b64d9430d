package com.claromentis.keycloak.peopleapi;

import java.util.Locale;

/**
 * How one HTTP request to the People API (or its token endpoint) ended, as a closed set, so that it can be a metric
 * tag. One request is one attempt: a call the retry policy repeats three times ends three requests.
 */
public enum RequestOutcome {
    /** 2xx with a usable body. */
    SUCCESS,
    /** 4xx other than 429: our request or our credentials were refused. */
    CLIENT_ERROR,
    /** 429: Claromentis asked us to slow down. */
    THROTTLED,
    /** 5xx: Claromentis (or a proxy in front of it) failed. */
    SERVER_ERROR,
    /** No answer: connection refused or reset, TLS failure, timeout, body cut short. */
    NETWORK_ERROR,
    /** 2xx whose body is not JSON, is too large or cannot be parsed. */
    MALFORMED_RESPONSE,
    /** Any other status (1xx, 3xx, or outside 100..599): not something the People API answers. */
    UNEXPECTED_STATUS;

    /** The outcome an answered request has by its status alone; a 2xx is {@link #SUCCESS} until its body is read. */
    public static RequestOutcome ofStatus(int status) {
        if (status >= 200 && status < 300) {
            return SUCCESS;
        }
        if (status == 429) {
            return THROTTLED;
        }
        if (status >= 400 && status < 500) {
            return CLIENT_ERROR;
        }
        if (status >= 500 && status < 600) {
            return SERVER_ERROR;
        }
        return UNEXPECTED_STATUS;
    }

    /** The tag value: {@code success}, {@code client_error}, {@code throttled}, ... */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
