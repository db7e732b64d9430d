package com.claromentis.keycloak.peopleapi.auth;

/**
 * A resolved credential (password, client secret). Its {@code toString} never shows the value, so a secret that
 * ends up in a log line or exception message by accident stays hidden. Deliberately no equals/hashCode.
 */
public final class Secret {

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    public static Secret of(String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("secret must not be empty");
        }
        return new Secret(value);
    }

    /** The clear value; call only where it goes on the wire. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "Secret[***]";
    }
}
