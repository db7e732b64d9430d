package com.claromentis.keycloak.peopleapi;

import com.claromentis.keycloak.peopleapi.auth.PeopleApiAuth;
import java.net.ProxySelector;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.X509TrustManager;

/** Immutable settings of a {@link PeopleApiClient}; build with {@link #builder()}. */
public final class PeopleApiConfig {

    /** The People API v2 lives under this path of the Claromentis site. */
    public static final String API_PATH = "api/people/v2/";

    private final URI baseUrl;
    private final PeopleApiAuth auth;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration callTimeout;
    private final RetryPolicy retryPolicy;
    private final SSLSocketFactory sslSocketFactory;
    private final X509TrustManager trustManager;
    private final ProxySelector proxySelector;
    private final String userAgent;
    private final FieldMapping fieldMapping;
    private final long maxResponseBytes;
    private final Clock clock;
    private final Sleeper sleeper;
    private final DoubleSupplier jitter;
    private final RequestListener requestListener;

    private PeopleApiConfig(Builder b) {
        this.baseUrl = b.baseUrl;
        this.auth = b.auth;
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.callTimeout = b.callTimeout;
        this.retryPolicy = b.retryPolicy;
        this.sslSocketFactory = b.sslSocketFactory;
        this.trustManager = b.trustManager;
        this.proxySelector = b.proxySelector;
        this.userAgent = b.userAgent;
        this.fieldMapping = b.fieldMapping;
        this.maxResponseBytes = b.maxResponseBytes;
        this.clock = b.clock;
        this.sleeper = b.sleeper;
        this.jitter = b.jitter;
        this.requestListener = b.requestListener;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The Claromentis site root, always ending in '/', e.g. {@code https://intranet.example.org/}. */
    public URI baseUrl() { return baseUrl; }
    /** {@link #baseUrl()} plus {@value #API_PATH}. */
    public URI apiBaseUrl() { return baseUrl.resolve(API_PATH); }
    public PeopleApiAuth auth() { return auth; }
    public Duration connectTimeout() { return connectTimeout; }
    public Duration readTimeout() { return readTimeout; }
    /** Bound on one whole HTTP exchange (one attempt), body included. */
    public Duration callTimeout() { return callTimeout; }
    public RetryPolicy retryPolicy() { return retryPolicy; }
    public Optional<SSLSocketFactory> sslSocketFactory() { return Optional.ofNullable(sslSocketFactory); }
    public Optional<X509TrustManager> trustManager() { return Optional.ofNullable(trustManager); }
    public Optional<ProxySelector> proxySelector() { return Optional.ofNullable(proxySelector); }
    public String userAgent() { return userAgent; }
    public FieldMapping fieldMapping() { return fieldMapping; }
    public long maxResponseBytes() { return maxResponseBytes; }
    public Clock clock() { return clock; }
    public Sleeper sleeper() { return sleeper; }
    public DoubleSupplier jitter() { return jitter; }
    public RequestListener requestListener() { return requestListener; }

    @Override
    public String toString() {
        return "PeopleApiConfig{baseUrl=" + baseUrl + ", auth=" + auth + ", connectTimeout=" + connectTimeout
                + ", readTimeout=" + readTimeout + ", callTimeout=" + callTimeout + ", retryPolicy=" + retryPolicy
                + ", customTls=" + (sslSocketFactory != null) + ", proxySelector=" + (proxySelector != null)
                + ", userAgent=" + userAgent + '}';
    }

    public static final class Builder {
        private URI baseUrl;
        private PeopleApiAuth auth;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration readTimeout = Duration.ofSeconds(15);
        private Duration callTimeout = Duration.ofSeconds(30);
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private SSLSocketFactory sslSocketFactory;
        private X509TrustManager trustManager;
        private ProxySelector proxySelector;
        private String userAgent = "claromentis-keycloak-people-api";
        private FieldMapping fieldMapping = FieldMapping.defaults();
        private long maxResponseBytes = 16L * 1024 * 1024;
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.system();
        private DoubleSupplier jitter = () -> ThreadLocalRandom.current().nextDouble();
        private RequestListener requestListener = RequestListener.NONE;

        private Builder() {
        }

        /**
         * The Claromentis site root ({@code https://intranet.example.org}); a URL that already ends in
         * {@code /api/people/v2} is accepted and trimmed back to the root.
         */
        public Builder baseUrl(String url) {
            URI uri;
            try {
                uri = URI.create(Objects.requireNonNull(url, "baseUrl").trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("baseUrl is not a valid URL", e);
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
                throw new IllegalArgumentException("baseUrl must be an absolute http(s) URL");
            }
            if (uri.getUserInfo() != null || uri.getQuery() != null || uri.getFragment() != null) {
                throw new IllegalArgumentException("baseUrl must not carry credentials, a query or a fragment");
            }
            String path = uri.getPath() == null ? "" : uri.getPath();
            if (!path.endsWith("/")) {
                path = path + "/";
            }
            if (path.endsWith("/" + API_PATH)) {
                path = path.substring(0, path.length() - API_PATH.length());
            }
            this.baseUrl = uri.resolve(path);
            return this;
        }

        public Builder auth(PeopleApiAuth value) {
            this.auth = Objects.requireNonNull(value, "auth");
            return this;
        }

        public Builder connectTimeout(Duration value) {
            this.connectTimeout = positive(value, "connectTimeout");
            return this;
        }

        public Builder readTimeout(Duration value) {
            this.readTimeout = positive(value, "readTimeout");
            return this;
        }

        public Builder callTimeout(Duration value) {
            this.callTimeout = positive(value, "callTimeout");
            return this;
        }

        public Builder retryPolicy(RetryPolicy value) {
            this.retryPolicy = Objects.requireNonNull(value, "retryPolicy");
            return this;
        }

        /** Custom TLS (e.g. Keycloak's truststore); both parts or neither. */
        public Builder tls(SSLSocketFactory socketFactory, X509TrustManager trust) {
            if ((socketFactory == null) != (trust == null)) {
                throw new IllegalArgumentException("give both sslSocketFactory and trustManager, or neither");
            }
            this.sslSocketFactory = socketFactory;
            this.trustManager = trust;
            return this;
        }

        public Builder proxySelector(ProxySelector value) {
            this.proxySelector = value;
            return this;
        }

        public Builder userAgent(String value) {
            if (value == null || value.isBlank() || value.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
                throw new IllegalArgumentException("userAgent must be printable ASCII");
            }
            this.userAgent = value;
            return this;
        }

        public Builder fieldMapping(FieldMapping value) {
            this.fieldMapping = Objects.requireNonNull(value, "fieldMapping");
            return this;
        }

        /** Bodies above this are refused as malformed rather than buffered. */
        public Builder maxResponseBytes(long value) {
            if (value < 1024 || value > 512L * 1024 * 1024) {
                throw new IllegalArgumentException("maxResponseBytes must be within 1 KiB..512 MiB");
            }
            this.maxResponseBytes = value;
            return this;
        }

        /** Drives token expiry and Retry-After dates. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        public Builder sleeper(Sleeper value) {
            this.sleeper = Objects.requireNonNull(value, "sleeper");
            return this;
        }

        /** Source of backoff jitter in [0, 1). */
        public Builder jitter(DoubleSupplier value) {
            this.jitter = Objects.requireNonNull(value, "jitter");
            return this;
        }

        /** Told about every request's outcome (metrics); {@link RequestListener#NONE} by default. */
        public Builder requestListener(RequestListener value) {
            this.requestListener = Objects.requireNonNull(value, "requestListener");
            return this;
        }

        public PeopleApiConfig build() {
            if (baseUrl == null || auth == null) {
                throw new IllegalStateException("baseUrl and auth are required");
            }
            return new PeopleApiConfig(this);
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero() || value.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException(name + " must be within 0..10 minutes, exclusive of 0");
            }
            return value;
        }
    }
}
