package com.claromentis.keycloak.outbox;

/** A delivery that cannot complete yet for a reason on our side (no People API settings, manager not provisioned). */
final class DeliveryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    DeliveryException(String message) {
        super(message);
    }

    DeliveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
