package com.claromentis.keycloak.graph;

import com.claromentis.keycloak.common.LogSafe;
import com.claromentis.keycloak.tenant.EntraAuthority;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * App-only Microsoft Graph reads for one tenant: a client-credentials token from the tenant's own token endpoint,
 * GETs with throttling (429 and {@code Retry-After}) and transient 5xx retried, and pages whose next and delta links
 * are followed only while they stay on the configured Graph host, so the token never leaves it.
 */
final class GraphClient {

    /** Waits between attempts; a seam so tests need not sleep. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    static final int DEFAULT_ATTEMPTS = 6;
    /** Longest single wait a Retry-After may ask for; a longer one is waited this long, then asked again. */
    static final Duration MAX_WAIT = Duration.ofSeconds(120);
    private static final long MAX_BODY = 64L * 1024 * 1024;
    private static final Logger LOG = Logger.getLogger(GraphClient.class);

    private final OkHttpClient http;
    private final GraphHost graph;
    private final String tokenEndpoint;
    private final String clientId;
    private final String clientSecret;
    private final AppCertificate certificate;
    private final int attempts;
    private final Sleeper sleeper;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final AtomicInteger graphRequests = new AtomicInteger();
    private final AtomicInteger tokenRequests = new AtomicInteger();
    private String token;
    private Instant tokenExpiry = Instant.EPOCH;

    GraphClient(OkHttpClient http, GraphHost graph, EntraAuthority authority, String tenant, String clientId,
                String clientSecret, int attempts, Sleeper sleeper, Clock clock) {
        this(http, graph, authority, tenant, clientId, clientSecret, null, attempts, sleeper, clock);
    }

    /** @param certificate the app's certificate credential; when given, it is used instead of the secret */
    GraphClient(OkHttpClient http, GraphHost graph, EntraAuthority authority, String tenant, String clientId,
                String clientSecret, AppCertificate certificate, int attempts, Sleeper sleeper, Clock clock) {
        this.http = http;
        this.graph = graph;
        this.tokenEndpoint = authority.tokenEndpoint(tenant);
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.certificate = certificate;
        this.attempts = attempts;
        this.sleeper = sleeper;
        this.clock = clock;
    }

    /** An OkHttp client fit for Graph: bounded timeouts, no redirects (which could carry the token off-site). */
    static OkHttpClient.Builder httpBuilder() {
        return new OkHttpClient.Builder()
                .connectTimeout(Duration.ofSeconds(10))
                .readTimeout(Duration.ofSeconds(60))
                .callTimeout(Duration.ofSeconds(120))
                .retryOnConnectionFailure(false)
                .followRedirects(false)
                .followSslRedirects(false);
    }

    /** Graph requests made so far (retries included), for the sync report. */
    int graphRequests() {
        return graphRequests.get();
    }

    int tokenRequests() {
        return tokenRequests.get();
    }

    /** A page of a collection at {@code pathOrLink}: a path such as {@code /v1.0/users?...} or a next/delta link. */
    GraphPage page(String pathOrLink) {
        String url = pathOrLink.startsWith("/") ? graph.origin() + pathOrLink : pathOrLink;
        JsonNode body = get(url);
        JsonNode value = body.get("value");
        if (value == null || !value.isArray()) {
            throw new GraphException(GraphException.Kind.MALFORMED, "Graph answered " + label(url)
                    + " with a page that has no 'value' list");
        }
        List<JsonNode> items = new ArrayList<>(value.size());
        for (JsonNode item : value) {
            if (!item.isObject()) {
                throw new GraphException(GraphException.Kind.MALFORMED, "Graph answered " + label(url)
                        + " with a page holding something other than objects");
            }
            items.add(item);
        }
        String next = link(body, "@odata.nextLink", url);
        String delta = link(body, "@odata.deltaLink", url);
        if (next != null && delta != null) {
            throw new GraphException(GraphException.Kind.MALFORMED, "Graph answered " + label(url)
                    + " with both a next and a delta link");
        }
        return new GraphPage(items, next, delta);
    }

    /** One object, e.g. {@code /v1.0/users/{id}}; {@link GraphException.Kind#NOT_FOUND} when Graph has none. */
    JsonNode object(String path) {
        return get(graph.origin() + path);
    }

    private String link(JsonNode body, String name, String url) {
        JsonNode link = body.get(name);
        if (link == null || link.isNull()) {
            return null;
        }
        if (!link.isTextual() || !graph.owns(link.asText())) {
            // A page that sends us elsewhere would have us hand the tenant's token to that host.
            throw new GraphException(GraphException.Kind.MALFORMED, "Graph answered " + label(url) + " with a " + name
                    + " that does not point at " + graph.origin() + "/v1.0/");
        }
        return link.asText();
    }

    private JsonNode get(String url) {
        boolean refreshed = false;
        for (int attempt = 1; ; attempt++) {
            Request request = new Request.Builder().url(url).get()
                    .header("Authorization", "Bearer " + token())
                    .header("Accept", "application/json")
                    // Delta rounds honour a page size only through this preference.
                    .header("Prefer", "odata.maxpagesize=999")
                    .header("ConsistencyLevel", "eventual")
                    .build();
            graphRequests.incrementAndGet();
            try (Response response = http.newCall(request).execute()) {
                int status = response.code();
                if (status == 200) {
                    return parse(response.body(), url);
                }
                ErrorBody error = errorOf(response.body());
                if (status == 401 && !refreshed) {
                    // An expired or revoked token: one fresh token, then the answer stands.
                    refreshed = true;
                    token = null;
                    continue;
                }
                if (status == 410 || isResyncCode(error)) {
                    throw new GraphException(GraphException.Kind.RESYNC_REQUIRED, "Graph says the delta link of "
                            + label(url) + " is no longer valid (HTTP " + status + describe(error) + ")");
                }
                if (retryable(status) && attempt < attempts) {
                    Duration wait = retryAfter(response.header("Retry-After"), attempt);
                    LOG.debugf("Graph answered %s with HTTP %d; attempt %d of %d in %d ms", label(url), status, attempt + 1,
                            attempts, wait.toMillis());
                    pause(wait);
                    continue;
                }
                throw new GraphException(kindOf(status), "Graph answered " + label(url) + " with HTTP " + status
                        + describe(error));
            } catch (IOException e) {
                if (attempt < attempts) {
                    Duration wait = backoff(attempt);
                    LOG.debugf("Graph could not be reached for %s (%s); attempt %d of %d in %d ms", label(url),
                            LogSafe.of(e.getMessage()), attempt + 1, attempts, wait.toMillis());
                    pause(wait);
                    continue;
                }
                throw new GraphException(GraphException.Kind.UNAVAILABLE, "Graph could not be reached for " + label(url)
                        + ": " + LogSafe.of(e.getMessage()), e);
            }
        }
    }

    /** A cached app-only token, asked for again a minute before it expires. */
    private synchronized String token() {
        if (token != null && clock.instant().isBefore(tokenExpiry)) {
            return token;
        }
        for (int attempt = 1; ; attempt++) {
            FormBody.Builder credentials = new FormBody.Builder()
                    .add("grant_type", "client_credentials")
                    .add("client_id", clientId)
                    .add("scope", graph.defaultScope());
            if (certificate != null) {
                // A fresh assertion per attempt: each carries its own jti, which Entra accepts once.
                credentials.add("client_assertion_type", AppCertificate.ASSERTION_TYPE)
                        .add("client_assertion", certificate.assertion(clientId, tokenEndpoint, clock.instant()));
            } else {
                credentials.add("client_secret", clientSecret);
            }
            FormBody form = credentials.build();
            Request request = new Request.Builder().url(tokenEndpoint).post(form).header("Accept", "application/json").build();
            tokenRequests.incrementAndGet();
            try (Response response = http.newCall(request).execute()) {
                int status = response.code();
                if (status == 200) {
                    JsonNode body = parse(response.body(), tokenEndpoint);
                    JsonNode accessToken = body.get("access_token");
                    if (accessToken == null || !accessToken.isTextual() || accessToken.asText().isBlank()) {
                        throw new GraphException(GraphException.Kind.MALFORMED, "The token endpoint " + tokenEndpoint
                                + " answered without an access_token");
                    }
                    long lifetime = body.path("expires_in").asLong(3600);
                    tokenExpiry = clock.instant().plusSeconds(Math.max(0, Math.min(lifetime, 86_400) - 60));
                    token = accessToken.asText();
                    return token;
                }
                if (retryable(status) && attempt < attempts) {
                    pause(retryAfter(response.header("Retry-After"), attempt));
                    continue;
                }
                String error = oauthErrorOf(response.body());
                GraphException.Kind kind = status >= 500 || status == 429 ? GraphException.Kind.UNAVAILABLE
                        : GraphException.Kind.UNAUTHORIZED;
                throw new GraphException(kind, "The token endpoint " + tokenEndpoint + " refused the app's credentials "
                        + "(HTTP " + status + error + "); check the client ID, the client " + (certificate != null
                        ? "certificate (uploaded to the app registration?)" : "secret") + " and the tenant");
            } catch (IOException e) {
                if (attempt < attempts) {
                    pause(backoff(attempt));
                    continue;
                }
                throw new GraphException(GraphException.Kind.UNAVAILABLE, "The token endpoint " + tokenEndpoint
                        + " could not be reached: " + LogSafe.of(e.getMessage()), e);
            }
        }
    }

    private JsonNode parse(ResponseBody body, String url) {
        try {
            BufferedSource source = body.source();
            if (!source.request(MAX_BODY + 1) || source.getBuffer().size() <= MAX_BODY) {
                String text = source.readString(StandardCharsets.UTF_8);
                JsonNode node = json.readTree(text);
                if (node == null || !node.isObject()) {
                    throw new GraphException(GraphException.Kind.MALFORMED, "Graph answered " + label(url)
                            + " with something other than a JSON object");
                }
                return node;
            }
            throw new GraphException(GraphException.Kind.MALFORMED, "Graph answered " + label(url) + " with more than "
                    + MAX_BODY / (1024 * 1024) + " MB");
        } catch (JsonProcessingException e) {
            throw new GraphException(GraphException.Kind.MALFORMED, "Graph answered " + label(url) + " with a body that is "
                    + "not JSON (" + LogSafe.of(e.getOriginalMessage()) + ")", e);
        } catch (IOException e) {
            throw new GraphException(GraphException.Kind.UNAVAILABLE, "Graph's answer to " + label(url)
                    + " was cut short: " + LogSafe.of(e.getMessage()), e);
        }
    }

    /** Graph's error code and message, e.g. {@code Authorization_RequestDenied}, or null. */
    private ErrorBody errorOf(ResponseBody body) {
        try {
            String text = body.source().readString(StandardCharsets.UTF_8);
            JsonNode error = json.readTree(text.length() > 65_536 ? text.substring(0, 65_536) : text).path("error");
            String code = error.path("code").isTextual() ? error.path("code").asText() : null;
            String message = error.path("message").isTextual() ? error.path("message").asText() : null;
            return code == null && message == null ? null : new ErrorBody(code, message);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The OAuth error code and the AADSTS number of a token endpoint refusal; never the description's rest. */
    private String oauthErrorOf(ResponseBody body) {
        try {
            JsonNode node = json.readTree(body.source().readString(StandardCharsets.UTF_8));
            String error = node.path("error").isTextual() ? node.path("error").asText() : null;
            String description = node.path("error_description").isTextual() ? node.path("error_description").asText() : "";
            java.util.regex.Matcher aadsts = java.util.regex.Pattern.compile("AADSTS[0-9]{1,8}").matcher(description);
            return (error == null ? "" : ", " + LogSafe.of(error)) + (aadsts.find() ? " " + aadsts.group() : "");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private record ErrorBody(String code, String message) {
    }

    private static String describe(ErrorBody error) {
        if (error == null) {
            return "";
        }
        return (error.code() == null ? "" : ", " + LogSafe.of(error.code()))
                + (error.message() == null ? "" : ": " + LogSafe.of(error.message()));
    }

    private static boolean isResyncCode(ErrorBody error) {
        if (error == null || error.code() == null) {
            return false;
        }
        String code = error.code().toLowerCase(java.util.Locale.ROOT);
        return code.contains("resyncrequired") || code.contains("syncstatenotfound") || code.contains("syncstateinvalid");
    }

    private static boolean retryable(int status) {
        return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }

    private static GraphException.Kind kindOf(int status) {
        return switch (status) {
            case 401 -> GraphException.Kind.UNAUTHORIZED;
            case 403 -> GraphException.Kind.FORBIDDEN;
            case 404 -> GraphException.Kind.NOT_FOUND;
            default -> status >= 500 || status == 429 ? GraphException.Kind.UNAVAILABLE : GraphException.Kind.MALFORMED;
        };
    }

    /** {@code Retry-After} in seconds or as an HTTP date, else an exponential backoff; never more than {@link #MAX_WAIT}. */
    private Duration retryAfter(String header, int attempt) {
        if (header != null && !header.isBlank()) {
            String value = header.trim();
            try {
                long seconds = Long.parseLong(value);
                return clamp(Duration.ofSeconds(Math.max(0, seconds)));
            } catch (NumberFormatException notSeconds) {
                try {
                    Instant when = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                    return clamp(Duration.between(clock.instant(), when));
                } catch (DateTimeParseException notADate) {
                    LOG.debugf("Graph sent an unreadable Retry-After; backing off instead");
                }
            }
        }
        return backoff(attempt);
    }

    private static Duration backoff(int attempt) {
        return clamp(Duration.ofMillis(500L << Math.min(attempt - 1, 8)));
    }

    private static Duration clamp(Duration wait) {
        if (wait.isNegative()) {
            return Duration.ZERO;
        }
        return wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait;
    }

    private void pause(Duration wait) {
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GraphException(GraphException.Kind.UNAVAILABLE, "Interrupted while waiting to ask Graph again", e);
        }
    }

    /** The request as logs and messages show it: the path, without the query (which holds skip and delta tokens). */
    private static String label(String url) {
        int query = url.indexOf('?');
        String path = query < 0 ? url : url.substring(0, query);
        return "GET " + LogSafe.of(path);
    }
}
