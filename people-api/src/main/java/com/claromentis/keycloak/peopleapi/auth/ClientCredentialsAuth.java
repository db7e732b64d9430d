package com.claromentis.keycloak.peopleapi.auth;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/** OAuth2 client credentials (RFC 6749 section 4.4): the client swaps its id and secret for a bearer token. */
public final class ClientCredentialsAuth implements PeopleApiAuth {

    /** Where the client id and secret go in the token request. */
    public enum ClientAuthentication {
        /** {@code Authorization: Basic} (RFC 6749 2.3.1, the method servers must support). */
        BASIC,
        /** {@code client_id} and {@code client_secret} form fields. */
        FORM
    }

    private final URI tokenEndpoint;
    private final String clientId;
    private final Secret clientSecret;
    private final String scope;
    private final ClientAuthentication clientAuthentication;
    private final Duration refreshSkew;

    private ClientCredentialsAuth(Builder b) {
        this.tokenEndpoint = b.tokenEndpoint;
        this.clientId = b.clientId;
        this.clientSecret = b.clientSecret;
        this.scope = b.scope;
        this.clientAuthentication = b.clientAuthentication;
        this.refreshSkew = b.refreshSkew;
    }

    public static Builder builder() {
        return new Builder();
    }

    public URI tokenEndpoint() { return tokenEndpoint; }
    public String clientId() { return clientId; }
    public Secret clientSecret() { return clientSecret; }
    public Optional<String> scope() { return Optional.ofNullable(scope); }
    public ClientAuthentication clientAuthentication() { return clientAuthentication; }
    /** A token is renewed this long before it expires, so it is never sent in its last moments. */
    public Duration refreshSkew() { return refreshSkew; }

    @Override
    public String toString() {
        return "ClientCredentialsAuth{tokenEndpoint=" + tokenEndpoint + ", clientId=" + clientId
                + ", clientSecret=" + clientSecret + ", scope=" + scope + ", clientAuthentication="
                + clientAuthentication + '}';
    }

    public static final class Builder {
        private URI tokenEndpoint;
        private String clientId;
        private Secret clientSecret;
        private String scope;
        private ClientAuthentication clientAuthentication = ClientAuthentication.BASIC;
        private Duration refreshSkew = Duration.ofSeconds(30);

        private Builder() {
        }

        public Builder tokenEndpoint(String url) {
            URI uri;
            try {
                uri = URI.create(Objects.requireNonNull(url, "tokenEndpoint").trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("tokenEndpoint is not a valid URL", e);
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
                throw new IllegalArgumentException("tokenEndpoint must be an absolute http(s) URL");
            }
            if (uri.getUserInfo() != null) {
                throw new IllegalArgumentException("tokenEndpoint must not carry credentials in the URL");
            }
            this.tokenEndpoint = uri;
            return this;
        }

        public Builder clientId(String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("clientId must not be blank");
            }
            this.clientId = value;
            return this;
        }

        public Builder clientSecret(Secret value) {
            this.clientSecret = Objects.requireNonNull(value, "clientSecret");
            return this;
        }

        /** Optional; blank means none. */
        public Builder scope(String value) {
            this.scope = value == null || value.isBlank() ? null : value.trim();
            return this;
        }

        public Builder clientAuthentication(ClientAuthentication value) {
            this.clientAuthentication = Objects.requireNonNull(value, "clientAuthentication");
            return this;
        }

        public Builder refreshSkew(Duration value) {
            Objects.requireNonNull(value, "refreshSkew");
            if (value.isNegative() || value.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("refreshSkew must be within 0..10 minutes");
            }
            this.refreshSkew = value;
            return this;
        }

        public ClientCredentialsAuth build() {
            if (tokenEndpoint == null || clientId == null || clientSecret == null) {
                throw new IllegalStateException("tokenEndpoint, clientId and clientSecret are required");
            }
            return new ClientCredentialsAuth(this);
        }
    }
}
