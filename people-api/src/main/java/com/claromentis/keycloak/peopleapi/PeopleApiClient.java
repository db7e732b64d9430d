package com.claromentis.keycloak.peopleapi;

import com.claromentis.keycloak.peopleapi.auth.BasicAuth;
import com.claromentis.keycloak.peopleapi.auth.ClientCredentialsAuth;
import com.claromentis.keycloak.peopleapi.error.ConflictException;
import com.claromentis.keycloak.peopleapi.error.MalformedResponseException;
import com.claromentis.keycloak.peopleapi.error.NotFoundException;
import com.claromentis.keycloak.peopleapi.error.PeopleApiException;
import com.claromentis.keycloak.peopleapi.error.RateLimitedException;
import com.claromentis.keycloak.peopleapi.error.UnavailableException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import okhttp3.HttpUrl;
import okhttp3.RequestBody;
import org.jboss.logging.Logger;

/**
 * The one client of the Claromentis People API v2 used across the bundle. Thread-safe; create one per
 * configuration and share it. Failures surface as subclasses of {@link PeopleApiException}.
 */
public final class PeopleApiClient implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PeopleApiClient.class);

    private final PeopleApiConfig config;
    private final Transport transport;
    private final JsonCodec codec;
    private final Transport.AuthHeaders auth;
    private final HttpUrl apiBase;
    private final GroupOperations groups;
    private final GroupOperations roles;

    private PeopleApiClient(PeopleApiConfig config) {
        this.config = config;
        Redactor redactor = new Redactor();
        this.transport = new Transport(config, redactor);
        this.codec = new JsonCodec(config.fieldMapping(), transport.mapper(), redactor);
        this.apiBase = HttpUrl.get(config.apiBaseUrl());
        if (config.auth() instanceof BasicAuth basic) {
            redactor.remember(basic.password().reveal());
            String header = basic.headerValue();
            redactor.remember(header.substring("Basic ".length()));
            this.auth = new Transport.AuthHeaders() {
                @Override
                public String value() {
                    return header;
                }

                @Override
                public boolean invalidate(String used) {
                    return false; // a rejected password does not get better by sending it again
                }
            };
        } else {
            this.auth = new AccessTokenProvider((ClientCredentialsAuth) config.auth(), transport, redactor,
                    config.clock());
        }
        this.groups = new GroupOperations(this, ClaromentisGroup.Kind.GROUP);
        this.roles = new GroupOperations(this, ClaromentisGroup.Kind.ROLE);
    }

    public static PeopleApiClient create(PeopleApiConfig config) {
        return new PeopleApiClient(Objects.requireNonNull(config, "config"));
    }

    public PeopleApiConfig config() {
        return config;
    }

    // ---- users ---------------------------------------------------------------------------------------------

    /** One page of {@code GET /users} with the query's filters. */
    public Page<ClaromentisUser> listUsers(UserQuery query) {
        Objects.requireNonNull(query, "query");
        HttpUrl.Builder b = url("users").newBuilder()
                .addQueryParameter("offset", Integer.toString(query.offset()))
                .addQueryParameter("limit", Integer.toString(query.limit()));
        query.username().ifPresent(v -> b.addQueryParameter("username", v));
        query.email().ifPresent(v -> b.addQueryParameter("email", v));
        query.search().ifPresent(v -> b.addQueryParameter("search", v));
        query.modifiedSince().ifPresent(v -> b.addQueryParameter("modified_since", v.toString()));
        HttpUrl url = b.build();
        return codec.page(get(url), whereOf("GET", url), query.offset(), query.limit(), codec::user);
    }

    /**
     * Every user matching the query, fetched page by page as the stream is consumed (page size = the query's
     * limit). Offset paging: users created or deleted during the walk may be skipped or repeated.
     */
    public Stream<ClaromentisUser> streamUsers(UserQuery query) {
        Objects.requireNonNull(query, "query");
        if (query.limit() == 0) {
            throw new IllegalArgumentException("streaming needs a limit above 0");
        }
        return PagingIterator.stream(o -> listUsers(query.withOffset(o)), query.offset(), "GET users");
    }

    public List<ClaromentisUser> listAllUsers(UserQuery query) {
        return streamUsers(query).toList();
    }

    /** Exact, case-insensitive username match (the server filter is trusted only as a pre-filter). */
    public Optional<ClaromentisUser> findUserByUsername(String username) {
        requireText(username, "username");
        return streamUsers(UserQuery.all().withUsername(username))
                .filter(u -> u.username().equalsIgnoreCase(username))
                .findFirst();
    }

    /** Emails are not unique in Claromentis, so this returns every exact (case-insensitive) match. */
    public List<ClaromentisUser> findUsersByEmail(String email) {
        requireText(email, "email");
        return streamUsers(UserQuery.all().withEmail(email))
                .filter(u -> u.email() != null && u.email().equalsIgnoreCase(email))
                .toList();
    }

    /** Case-insensitive substring search over name, username and email. */
    public Page<ClaromentisUser> searchUsers(String term, int offset, int limit) {
        requireText(term, "term");
        checkPaging(offset, limit);
        return listUsers(UserQuery.all().withSearch(term).withOffset(offset).withLimit(limit));
    }

    /** Users modified at or after {@code since}, in pages of the maximum size. */
    public Stream<ClaromentisUser> streamUsersModifiedSince(Instant since) {
        Objects.requireNonNull(since, "since");
        return streamUsers(UserQuery.all().withModifiedSince(since).withLimit(UserQuery.MAX_LIMIT));
    }

    public Optional<ClaromentisUser> getUser(long id) {
        checkId(id);
        HttpUrl url = url("users", id);
        try {
            return Optional.of(codec.user(requireBody(get(url), "GET", url), whereOf("GET", url)));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /** {@link #getUser} plus groups, roles and the manager's username (three or four more calls). */
    public Optional<ClaromentisUser> getUserWithDetails(long id) {
        return getUser(id).map(this::withDetails);
    }

    /**
     * A user already read (e.g. from a list or a search) completed with groups, roles and the manager's username,
     * without reading the user again; returned as it is when it was deleted in the meantime.
     */
    public ClaromentisUser withDetails(ClaromentisUser user) {
        if (user.id() == null) {
            return user;
        }
        try {
            String managerUsername = user.managerId() == null ? null
                    : getUser(user.managerId()).map(ClaromentisUser::username).orElse(null);
            return user.toBuilder().groups(getUserGroups(user.id())).roles(getUserRoles(user.id()))
                    .managerUsername(managerUsername).build();
        } catch (NotFoundException e) {
            return user;
        }
    }

    /**
     * Creates a user (and sets its manager when {@code managerId} is given). POST is not idempotent, so it is not
     * retried blindly: when the outcome is unknown (connection failure, 5xx, 429) the username - unique in
     * Claromentis - is looked up first. If the user is there with the email and external id we sent, the earlier
     * POST went through and that user is returned; if someone else's user holds the username, a
     * {@link ConflictException} is thrown; if nobody does, the POST is sent again after a backoff.
     *
     * @throws ConflictException when the username is taken
     */
    public ClaromentisUser createUser(ClaromentisUser user) {
        Objects.requireNonNull(user, "user");
        HttpUrl url = url("users");
        JsonNode body = codec.userBody(user, false);
        int maxAttempts = config.retryPolicy().maxAttempts();
        ClaromentisUser created = null;
        for (int attempt = 1; created == null; attempt++) {
            try {
                created = codec.user(requireBody(send("POST", url, body), "POST", url), whereOf("POST", url));
            } catch (UnavailableException | RateLimitedException e) {
                Optional<ClaromentisUser> existing = findUserByUsername(user.username());
                if (existing.isPresent()) {
                    if (!sameIdentity(existing.get(), user)) {
                        throw new ConflictException("POST " + url.encodedPath() + ": username '" + user.username()
                                + "' belongs to another user (found while checking an unanswered create)",
                                409, null, e);
                    }
                    LOG.infof("POST %s outcome unknown (%s); user '%s' exists, treating it as created",
                            url.encodedPath(), e.getClass().getSimpleName(), user.username());
                    created = existing.get();
                } else if (attempt >= maxAttempts) {
                    throw e;
                } else {
                    backoff(attempt, e, "POST users");
                }
            }
        }
        if (user.managerId() != null && !user.managerId().equals(created.managerId())) {
            created = setManager(created.id(), user.managerId());
        }
        return created;
    }

    /**
     * Replaces a user's fields (null fields are cleared) and, when it differs, its manager. PUT is idempotent and
     * retried under the retry policy.
     */
    public ClaromentisUser updateUser(long id, ClaromentisUser user) {
        checkId(id);
        Objects.requireNonNull(user, "user");
        HttpUrl url = url("users", id);
        JsonNode body = send("PUT", url, codec.userBody(user, true));
        ClaromentisUser updated = body.isMissingNode() ? getUser(id).orElseThrow(() -> new NotFoundException(
                "PUT " + url.encodedPath() + " succeeded but the user is gone", 404, null, null))
                : codec.user(body, whereOf("PUT", url));
        if (!Objects.equals(user.managerId(), updated.managerId())) {
            updated = setManager(id, user.managerId());
        }
        return updated;
    }

    /** @return false when the user did not exist (or a retried DELETE found it already gone) */
    public boolean deleteUser(long id) {
        checkId(id);
        try {
            send("DELETE", url("users", id), null);
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /** {@code PUT /users/{id}/manager}; {@code managerId} null removes the manager. */
    public ClaromentisUser setManager(long userId, Long managerId) {
        checkId(userId);
        if (managerId != null) {
            checkId(managerId);
        }
        HttpUrl url = url("users", userId, "manager");
        JsonNode body = send("PUT", url, codec.managerBody(managerId));
        if (body.isMissingNode()) {
            return getUser(userId).orElseThrow(() -> new NotFoundException(
                    "PUT " + url.encodedPath() + " succeeded but the user is gone", 404, null, null));
        }
        return codec.user(body, whereOf("PUT", url));
    }

    public List<ClaromentisGroup> getUserGroups(long userId) {
        return membershipsOf(userId, ClaromentisGroup.Kind.GROUP);
    }

    public List<ClaromentisGroup> getUserRoles(long userId) {
        return membershipsOf(userId, ClaromentisGroup.Kind.ROLE);
    }

    // ---- groups and roles ----------------------------------------------------------------------------------

    public GroupOperations groups() {
        return groups;
    }

    public GroupOperations roles() {
        return roles;
    }

    /** Releases pooled connections. The client must not be used afterwards. */
    @Override
    public void close() {
        transport.close();
    }

    @Override
    public String toString() {
        return "PeopleApiClient{" + config + '}';
    }

    // ---- plumbing shared with GroupOperations ----------------------------------------------------------------

    private List<ClaromentisGroup> membershipsOf(long userId, ClaromentisGroup.Kind kind) {
        checkId(userId);
        HttpUrl base = url("users", userId, kind.path());
        return PagingIterator.stream(o -> {
            HttpUrl url = paged(base, o, UserQuery.MAX_LIMIT);
            return codec.page(get(url), whereOf("GET", url), o, UserQuery.MAX_LIMIT,
                    (n, w) -> codec.group(n, kind, w));
        }, 0, endpoint("GET", base)).toList();
    }

    List<ClaromentisUser> listAllUsersAt(HttpUrl base) {
        return PagingIterator.stream(o -> {
            HttpUrl url = paged(base, o, UserQuery.MAX_LIMIT);
            return codec.page(get(url), whereOf("GET", url), o, UserQuery.MAX_LIMIT, codec::user);
        }, 0, endpoint("GET", base)).toList();
    }

    List<Long> listAllIdsAt(HttpUrl base) {
        return PagingIterator.stream(o -> {
            HttpUrl url = paged(base, o, UserQuery.MAX_LIMIT);
            return codec.page(get(url), whereOf("GET", url), o, UserQuery.MAX_LIMIT, codec::memberId);
        }, 0, endpoint("GET", base)).toList();
    }

    JsonCodec codec() {
        return codec;
    }

    HttpUrl url(Object... segments) {
        HttpUrl.Builder b = apiBase.newBuilder();
        for (Object s : segments) {
            b.addPathSegment(String.valueOf(s));
        }
        return b.build();
    }

    JsonNode get(HttpUrl url) {
        return transport.call(new Transport.Exchange("GET", url, endpoint("GET", url),
                OperationTemplate.of("GET", apiBase, url), null, auth, true));
    }

    JsonNode send(String method, HttpUrl url, JsonNode body) {
        RequestBody requestBody = body == null ? null : RequestBody.create(body.toString(), Transport.JSON);
        return transport.call(new Transport.Exchange(method, url, endpoint(method, url),
                OperationTemplate.of(method, apiBase, url), requestBody, auth, RetryPolicy.isIdempotent(method)));
    }

    JsonNode requireBody(JsonNode body, String method, HttpUrl url) {
        if (body.isMissingNode()) {
            throw new MalformedResponseException("Malformed response from " + endpoint(method, url)
                    + ": empty body where a JSON object was expected", 200, null);
        }
        return body;
    }

    JsonCodec.Where whereOf(String method, HttpUrl url) {
        return codec.where(endpoint(method, url));
    }

    /** Waits before re-sending a POST whose outcome turned out to be "not applied". */
    void backoff(int attempt, PeopleApiException cause, String label) {
        Optional<Duration> retryAfter = cause instanceof RateLimitedException r ? r.retryAfter() : Optional.empty();
        Duration delay = config.retryPolicy().delay(attempt, retryAfter, config.jitter());
        LOG.debugf("%s: not applied after %s, sending again in %d ms", label, cause.getClass().getSimpleName(),
                delay.toMillis());
        try {
            config.sleeper().sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException(label + ": interrupted while waiting to retry", 0, null, e);
        }
    }

    static String endpoint(String method, HttpUrl url) {
        return method + " " + url.encodedPath();
    }

    static void checkId(long id) {
        if (id <= 0) {
            throw new IllegalArgumentException("ids are positive, got " + id);
        }
    }

    static void checkPaging(int offset, int limit) {
        if (offset < 0 || limit < 0 || limit > UserQuery.MAX_LIMIT) {
            throw new IllegalArgumentException("need offset >= 0 and limit 0.." + UserQuery.MAX_LIMIT);
        }
    }

    private static HttpUrl paged(HttpUrl base, int offset, int limit) {
        return base.newBuilder().addQueryParameter("offset", Integer.toString(offset))
                .addQueryParameter("limit", Integer.toString(limit)).build();
    }

    /** Whether a user found by username is the one we tried to create (null fields on our side match anything). */
    private static boolean sameIdentity(ClaromentisUser found, ClaromentisUser sent) {
        return matches(sent.email(), found.email()) && matches(sent.externalId(), found.externalId());
    }

    private static boolean matches(String sent, String found) {
        return sent == null || (found != null && sent.toLowerCase(Locale.ROOT).equals(found.toLowerCase(Locale.ROOT)));
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
