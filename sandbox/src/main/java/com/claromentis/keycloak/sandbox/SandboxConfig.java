package com.claromentis.keycloak.sandbox;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/** Immutable settings of one sandbox instance; build with {@link #builder()}. */
public final class SandboxConfig {

    private final String bindAddress;
    private final int port;
    private final String username;
    private final String password;
    private final String clientId;
    private final String clientSecret;
    private final Duration tokenLifetime;
    private final Clock clock;
    private final int threads;

    private SandboxConfig(Builder b) {
        this.bindAddress = b.bindAddress;
        this.port = b.port;
        this.username = b.username;
        this.password = b.password;
        this.clientId = b.clientId;
        this.clientSecret = b.clientSecret;
        this.tokenLifetime = b.tokenLifetime;
        this.clock = b.clock;
        this.threads = b.threads;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Loopback, a free port, admin/admin for Basic and sandbox-client/sandbox-secret for tokens. */
    public static SandboxConfig defaults() {
        return builder().build();
    }

    public String bindAddress() { return bindAddress; }
    public int port() { return port; }
    public String username() { return username; }
    public String password() { return password; }
    public String clientId() { return clientId; }
    public String clientSecret() { return clientSecret; }
    public Duration tokenLifetime() { return tokenLifetime; }
    public Clock clock() { return clock; }
    public int threads() { return threads; }

    @Override
    public String toString() {
        // Credentials are left out on purpose: this string ends up in logs.
        return "SandboxConfig{bind=" + bindAddress + ", port=" + port + ", user=" + username
                + ", clientId=" + clientId + ", tokenLifetime=" + tokenLifetime + '}';
    }

    public static final class Builder {
        private String bindAddress = "127.0.0.1";
        private int port;
        private String username = "admin";
        private String password = "admin";
        private String clientId = "sandbox-client";
        private String clientSecret = "sandbox-secret";
        private Duration tokenLifetime = Duration.ofHours(1);
        private Clock clock = Clock.systemUTC();
        private int threads = 16;

        private Builder() {
        }

        /** Address to bind; loopback by default so the unauthenticated admin endpoints stay local. */
        public Builder bindAddress(String value) {
            this.bindAddress = requireText(value, "bindAddress");
            return this;
        }

        /** 0 picks a free port. */
        public Builder port(int value) {
            if (value < 0 || value > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + value);
            }
            this.port = value;
            return this;
        }

        public Builder basicCredentials(String user, String pass) {
            this.username = requireText(user, "username");
            this.password = requireText(pass, "password");
            if (user.indexOf(':') >= 0) {
                throw new IllegalArgumentException("username must not contain ':'");
            }
            return this;
        }

        public Builder clientCredentials(String id, String secret) {
            this.clientId = requireText(id, "clientId");
            this.clientSecret = requireText(secret, "clientSecret");
            return this;
        }

        public Builder tokenLifetime(Duration value) {
            Objects.requireNonNull(value, "tokenLifetime");
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("tokenLifetime must be positive");
            }
            this.tokenLifetime = value;
            return this;
        }

        /** Drives token expiry and the per-user modified timestamps; tests pass a controllable clock. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        public Builder threads(int value) {
            if (value < 1 || value > 512) {
                throw new IllegalArgumentException("threads must be 1..512, was " + value);
            }
            this.threads = value;
            return this;
        }

        public SandboxConfig build() {
            return new SandboxConfig(this);
        }

        private static String requireText(String value, String name) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank");
            }
            return value;
        }
    }
}
