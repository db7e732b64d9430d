package com.claromentis.keycloak.peopleapi.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/** HTTP Basic with a Claromentis API user. */
public final class BasicAuth implements PeopleApiAuth {

    private final String username;
    private final Secret password;

    private BasicAuth(String username, Secret password) {
        this.username = username;
        this.password = password;
    }

    public static BasicAuth of(String username, Secret password) {
        if (username == null || username.isBlank()) {
            throw new IllegalArgumentException("username must not be blank");
        }
        if (username.indexOf(':') >= 0) {
            throw new IllegalArgumentException("a Basic username cannot contain ':'");
        }
        return new BasicAuth(username, Objects.requireNonNull(password, "password"));
    }

    public String username() {
        return username;
    }

    public Secret password() {
        return password;
    }

    /** The {@code Authorization} header value. */
    public String headerValue() {
        String pair = username + ":" + password.reveal();
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "BasicAuth{username=" + username + ", password=" + password + '}';
    }
}
