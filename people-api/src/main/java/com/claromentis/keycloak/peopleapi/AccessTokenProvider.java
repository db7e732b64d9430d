package com.claromentis.keycloak.peopleapi;

import com.claromentis.keycloak.peopleapi.auth.ClientCredentialsAuth;
import com.claromentis.keycloak.peopleapi.error.BadRequestException;
import com.claromentis.keycloak.peopleapi.error.MalformedResponseException;
import com.claromentis.keycloak.peopleapi.error.UnauthorizedException;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.locks.ReentrantLock;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import org.jboss.logging.Logger;

/**
 * Client-credentials bearer tokens: cached until shortly before expiry, fetched by one thread at a time while
 * the others wait for its result, and dropped when the API rejects them.
 */
final class AccessTokenProvider implements Transport.AuthHeaders {

    private static final Logger LOG = Logger.getLogger(AccessTokenProvider.class);
    /** Used when the token response omits expires_in (it is only RECOMMENDED in RFC 6749). */
    private static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(60);

    private record Token(String value, Instant refreshAt) {
    }

    private final ClientCredentialsAuth auth;
    private final Transport transport;
    private final Redactor redactor;
    private final Clock clock;
    private final HttpUrl tokenUrl;
    private final String endpoint;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Token current;

    AccessTokenProvider(ClientCredentialsAuth auth, Transport transport, Redactor redactor, Clock clock) {
        this.auth = auth;
        this.transport = transport;
        this.redactor = redactor;
        this.clock = clock;
        this.tokenUrl = HttpUrl.get(auth.tokenEndpoint());
        this.endpoint = "POST " + tokenUrl.scheme() + "://" + tokenUrl.host() + ":" + tokenUrl.port()
                + tokenUrl.encodedPath();
        redactor.remember(auth.clientSecret().reveal());
    }

    @Override
    public String value() {
        return "Bearer " + token();
    }

    @Override
    public boolean invalidate(String used) {
        lock.lock();
        try {
            Token t = current;
            // Only drop the token that failed; another thread may already have replaced it.
            if (t != null && used.equals("Bearer " + t.value())) {
                current = null;
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    String token() {
        Token t = current;
        if (t != null && clock.instant().isBefore(t.refreshAt())) {
            return t.value();
        }
        lock.lock();
        try {
            t = current;
            if (t != null && clock.instant().isBefore(t.refreshAt())) {
                return t.value();
            }
            Token fresh = fetch();
            current = fresh;
            return fresh.value();
        } finally {
            lock.unlock();
        }
    }

    private Token fetch() {
        FormBody.Builder form = new FormBody.Builder().add("grant_type", "client_credentials");
        auth.scope().ifPresent(s -> form.add("scope", s));
        Transport.AuthHeaders clientAuth = null;
        if (auth.clientAuthentication() == ClientCredentialsAuth.ClientAuthentication.BASIC) {
            // RFC 6749 2.3.1: form-encode id and secret before joining them for Basic.
            String pair = formEncode(auth.clientId()) + ":" + formEncode(auth.clientSecret().reveal());
            String header = "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
            clientAuth = new Transport.AuthHeaders() {
                @Override
                public String value() {
                    return header;
                }

                @Override
                public boolean invalidate(String used) {
                    return false;
                }
            };
        } else {
            form.add("client_id", auth.clientId()).add("client_secret", auth.clientSecret().reveal());
        }
        // Asking for a token has no side effect worth protecting, so it is retried like a GET.
        Transport.Exchange x = new Transport.Exchange("POST", tokenUrl, endpoint, OperationTemplate.TOKEN,
                form.build(), clientAuth, true);
        JsonNode body;
        try {
            body = transport.call(x);
        } catch (BadRequestException e) {
            // Token endpoints report bad client credentials as 400 invalid_client as often as 401.
            throw new UnauthorizedException(e.getMessage(), e.status(), e.apiError().orElse(null), e);
        }
        JsonNode accessToken = body.get("access_token");
        if (accessToken == null || !accessToken.isTextual() || accessToken.textValue().isBlank()) {
            throw tokenProblem(x, "access_token is missing or not a string");
        }
        String token = accessToken.textValue();
        redactor.remember(token);
        JsonNode type = body.get("token_type");
        if (type != null && !type.isNull() && !(type.isTextual() && type.textValue().equalsIgnoreCase("bearer"))) {
            throw tokenProblem(x, "token_type must be Bearer");
        }
        Duration lifetime = lifetime(body.get("expires_in"), x);
        Duration skew = auth.refreshSkew().compareTo(lifetime.dividedBy(2)) > 0 ? lifetime.dividedBy(2) : auth.refreshSkew();
        LOG.debugf("Obtained an access token from %s, valid for %d s", endpoint, lifetime.toSeconds());
        return new Token(token, clock.instant().plus(lifetime).minus(skew));
    }

    private Duration lifetime(JsonNode expiresIn, Transport.Exchange x) {
        if (expiresIn == null || expiresIn.isNull()) {
            return DEFAULT_LIFETIME;
        }
        long seconds;
        if (expiresIn.isIntegralNumber() && expiresIn.canConvertToLong()) {
            seconds = expiresIn.longValue();
        } else if (expiresIn.isTextual() && expiresIn.textValue().matches("\\d{1,9}")) {
            seconds = Long.parseLong(expiresIn.textValue());
        } else {
            throw tokenProblem(x, "expires_in must be a number of seconds");
        }
        if (seconds <= 0) {
            throw tokenProblem(x, "expires_in must be positive");
        }
        return Duration.ofSeconds(Math.min(seconds, 86_400L * 365));
    }

    private MalformedResponseException tokenProblem(Transport.Exchange x, String problem) {
        return transport.malformed(x, 200, problem, null);
    }

    private static String formEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
