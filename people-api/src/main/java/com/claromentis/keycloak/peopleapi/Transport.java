package com.claromentis.keycloak.peopleapi;

import com.claromentis.keycloak.peopleapi.error.BadRequestException;
import com.claromentis.keycloak.peopleapi.error.ConflictException;
import com.claromentis.keycloak.peopleapi.error.ForbiddenException;
import com.claromentis.keycloak.peopleapi.error.MalformedResponseException;
import com.claromentis.keycloak.peopleapi.error.NotFoundException;
import com.claromentis.keycloak.peopleapi.error.PeopleApiException;
import com.claromentis.keycloak.peopleapi.error.RateLimitedException;
import com.claromentis.keycloak.peopleapi.error.UnauthorizedException;
import com.claromentis.keycloak.peopleapi.error.UnavailableException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import org.jboss.logging.Logger;

/**
 * One HTTP exchange with retries, auth-header refresh on 401, bounded body reading and error mapping.
 * Nothing here logs or reports headers or request bodies: those are where credentials live.
 */
final class Transport {

    /** Supplies the {@code Authorization} value and can drop a rejected one. */
    interface AuthHeaders {
        String value();

        /** Called after a 401 for {@code used}; true when one retry with a fresh value makes sense. */
        boolean invalidate(String used);
    }

    /**
     * What to send. {@code endpoint} is the log/exception label: method and path, never the query; {@code operation}
     * the bounded label the {@link RequestListener} gets (see {@link OperationTemplate}).
     */
    record Exchange(String method, HttpUrl url, String endpoint, String operation, RequestBody body, AuthHeaders auth,
                    boolean retryable) {
    }

    static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
    private static final Logger LOG = Logger.getLogger(Transport.class);
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private final PeopleApiConfig config;
    private final OkHttpClient http;
    private final Redactor redactor;
    private final ObjectMapper mapper;

    Transport(PeopleApiConfig config, Redactor redactor) {
        this.config = config;
        this.redactor = redactor;
        this.mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        OkHttpClient.Builder b = new OkHttpClient.Builder()
                .connectTimeout(config.connectTimeout())
                .readTimeout(config.readTimeout())
                .writeTimeout(config.readTimeout())
                .callTimeout(config.callTimeout())
                // Our RetryPolicy decides about retries; OkHttp's own would silently re-send POSTs.
                .retryOnConnectionFailure(false)
                // An API answering with a redirect is misconfigured; following it could carry credentials off-site.
                .followRedirects(false)
                .followSslRedirects(false);
        config.sslSocketFactory().ifPresent(f -> b.sslSocketFactory(f, config.trustManager().orElseThrow()));
        config.proxySelector().ifPresent(b::proxySelector);
        this.http = b.build();
    }

    ObjectMapper mapper() {
        return mapper;
    }

    /** Sends the exchange; returns the JSON body, or a missing node for an empty 2xx body. */
    JsonNode call(Exchange x) {
        RetryPolicy policy = config.retryPolicy();
        int maxAttempts = x.retryable() ? policy.maxAttempts() : 1;
        boolean refreshedAuth = false;
        int attempt = 0;
        while (true) {
            attempt++;
            String authValue = x.auth() == null ? null : x.auth().value();
            Request.Builder rb = new Request.Builder().url(x.url())
                    .header("User-Agent", config.userAgent())
                    .header("Accept", "application/json")
                    .method(x.method(), x.body());
            if (authValue != null) {
                rb.header("Authorization", authValue);
            }
            Attempt ended = new Attempt(x.operation());
            try (Response r = http.newCall(rb.build()).execute()) {
                int code = r.code();
                if (code < 200 || code >= 300) {
                    ended.as(RequestOutcome.ofStatus(code));
                }
                LOG.debugf("%s -> %d in %d ms (attempt %d of %d)", x.endpoint(), code, ended.millis(), attempt,
                        maxAttempts);
                if (code == 401 && authValue != null && !refreshedAuth && x.auth().invalidate(authValue)) {
                    // A 401 means the request was refused unprocessed, so even a POST may be re-sent once.
                    refreshedAuth = true;
                    attempt--;
                    LOG.debugf("%s: credentials rejected, retrying once with a fresh token", x.endpoint());
                    continue;
                }
                if (policy.isRetryableStatus(code) && attempt < maxAttempts) {
                    pause(x, attempt, RetryPolicy.parseRetryAfter(r.header("Retry-After"), config.clock().instant()),
                            "HTTP " + code);
                    continue;
                }
                if (code >= 200 && code < 300) {
                    JsonNode json = readJson(r, x);
                    ended.as(RequestOutcome.SUCCESS);
                    return json;
                }
                throw failure(r, x);
            } catch (MalformedResponseException e) {
                ended.as(RequestOutcome.MALFORMED_RESPONSE);
                throw e;
            } catch (IOException e) {
                ended.as(RequestOutcome.NETWORK_ERROR);
                if (attempt < maxAttempts) {
                    pause(x, attempt, Optional.empty(), e.getClass().getSimpleName());
                    continue;
                }
                throw new UnavailableException(x.endpoint() + " failed after " + attempt + " attempt(s): "
                        + describe(e), 0, null, e);
            } finally {
                // Whatever else escaped (OkHttp refusing a request, say) still ended a request without an answer.
                ended.as(RequestOutcome.NETWORK_ERROR);
            }
        }
    }

    /** One request's outcome, told to the listener once: the first outcome known wins. */
    private final class Attempt {
        private final String operation;
        private final long started = System.nanoTime();
        private long elapsedNanos = -1;

        Attempt(String operation) {
            this.operation = operation;
        }

        void as(RequestOutcome outcome) {
            if (elapsedNanos >= 0) {
                return;
            }
            elapsedNanos = System.nanoTime() - started;
            try {
                config.requestListener().requestEnded(operation, outcome, Duration.ofNanos(elapsedNanos));
            } catch (RuntimeException e) {
                // Counting must never fail a request; the listener's failure is still worth knowing.
                LOG.warnf("People API request listener failed for %s: %s", operation, e.toString());
            }
        }

        long millis() {
            return TimeUnit.NANOSECONDS.toMillis(elapsedNanos >= 0 ? elapsedNanos : System.nanoTime() - started);
        }
    }

    void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    private void pause(Exchange x, int attempt, Optional<Duration> retryAfter, String reason) {
        Duration delay = config.retryPolicy().delay(attempt, retryAfter, config.jitter());
        LOG.debugf("%s: %s, retrying in %d ms", x.endpoint(), reason, delay.toMillis());
        try {
            config.sleeper().sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException(x.endpoint() + ": interrupted while waiting to retry", 0, null, e);
        }
    }

    private JsonNode readJson(Response r, Exchange x) throws IOException {
        ResponseBody body = r.body();
        byte[] bytes = readLimited(body, config.maxResponseBytes(), true, x, r.code());
        if (bytes.length == 0) {
            return MissingNode.getInstance();
        }
        MediaType type = body.contentType();
        if (type != null && !isJson(type)) {
            throw malformed(x, r.code(), "expected JSON but the server sent " + kindOf(type, bytes), null);
        }
        try {
            return mapper.readTree(bytes);
        } catch (JsonProcessingException e) {
            // What the body says is never quoted: the URL is the administrator's choice and may point anywhere.
            throw malformed(x, r.code(), "body is not valid JSON, perhaps truncated (" + kindOf(type, bytes) + ")", e);
        }
    }

    private byte[] readLimited(ResponseBody body, long max, boolean strict, Exchange x, int code) throws IOException {
        long declared = body.contentLength();
        if (strict && declared > max) {
            throw malformed(x, code, "body of " + declared + " bytes exceeds the limit of " + max + " bytes", null);
        }
        BufferedSource source = body.source();
        if (source.request(max + 1)) {
            if (strict) {
                throw malformed(x, code, "body exceeds the limit of " + max + " bytes", null);
            }
            return source.getBuffer().readByteArray(max);
        }
        return source.getBuffer().readByteArray();
    }

    private PeopleApiException failure(Response r, Exchange x) {
        int code = r.code();
        byte[] bytes;
        try {
            bytes = readLimited(r.body(), MAX_ERROR_BODY, false, x, code);
        } catch (IOException e) {
            // The status alone still tells the caller what happened; the body was only a detail.
            LOG.debugf("%s: could not read the body of the HTTP %d answer: %s", x.endpoint(), code, describe(e));
            bytes = new byte[0];
        }
        String apiError = apiError(bytes);
        // Only a People API error in its documented shape is quoted; of any other answer only its kind is told, so a
        // URL pointing at some other server cannot be used to read that server's pages back.
        String detail = apiError != null ? apiError
                : bytes.length == 0 ? "(empty body)"
                : "not a People API error (" + kindOf(r.body().contentType(), bytes) + ")";
        String message = x.endpoint() + " returned HTTP " + code + ": " + detail;
        return switch (code) {
            case 400, 422 -> new BadRequestException(message, code, apiError, null);
            case 401 -> new UnauthorizedException(message, code, apiError, null);
            case 403 -> new ForbiddenException(message, code, apiError, null);
            case 404 -> new NotFoundException(message, code, apiError, null);
            case 409 -> new ConflictException(message, code, apiError, null);
            case 429 -> new RateLimitedException(message, apiError,
                    RetryPolicy.parseRetryAfter(r.header("Retry-After"), config.clock().instant()).orElse(null));
            default -> code >= 500 ? new UnavailableException(message, code, apiError, null,
                    RetryPolicy.parseRetryAfter(r.header("Retry-After"), config.clock().instant()).orElse(null))
                    : new PeopleApiException(message, code, apiError, null);
        };
    }

    /**
     * The {@code error} text of an error body in a documented shape, cleaned; null for anything else. The shapes are
     * the People API's {@code {"code": 404, "error": "..."}} and OAuth's {@code {"error": "invalid_client",
     * "error_description": "..."}} (a token endpoint), whose {@code error} is a short code.
     */
    private String apiError(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8).strip();
        if (!text.startsWith("{")) {
            return null;
        }
        try {
            JsonNode node = mapper.readTree(text);
            JsonNode error = node.get("error");
            if (error == null || !error.isTextual()) {
                return null;
            }
            JsonNode code = node.get("code");
            if (code != null && code.isIntegralNumber()) {
                return redactor.clean(error.asText());
            }
            JsonNode description = node.get("error_description");
            if (code == null && error.asText().matches("[a-z_]{1,64}")) {
                return redactor.clean(description != null && description.isTextual()
                        ? error.asText() + " (" + description.asText() + ")" : error.asText());
            }
            return null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** What kind of answer a body was, without a word of it: content type and size. */
    private static String kindOf(MediaType type, byte[] bytes) {
        String kind = type == null ? "no content type" : type.type() + "/" + type.subtype();
        return kind + ", " + bytes.length + " bytes";
    }

    String snippet(byte[] bytes) {
        int n = Math.min(bytes.length, Redactor.MAX_SNIPPET * 4);
        String text = new String(bytes, 0, n, StandardCharsets.UTF_8);
        String cleaned = redactor.clean(text);
        return bytes.length > n && !cleaned.contains("more chars") ? cleaned + "... (truncated)" : cleaned;
    }

    MalformedResponseException malformed(Exchange x, int code, String problem, Throwable cause) {
        return new MalformedResponseException("Malformed response from " + x.endpoint() + ": " + problem, code, cause);
    }

    private static boolean isJson(MediaType type) {
        return type.subtype().equalsIgnoreCase("json") || type.subtype().toLowerCase(java.util.Locale.ROOT).endsWith("+json");
    }

    private String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + redactor.clean(e.getMessage()));
    }
}
