package com.claromentis.keycloak.peopleapi;

import com.claromentis.keycloak.peopleapi.error.NotFoundException;
import com.claromentis.keycloak.peopleapi.error.RateLimitedException;
import com.claromentis.keycloak.peopleapi.error.UnavailableException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import okhttp3.HttpUrl;
import org.jboss.logging.Logger;

/** Groups or roles (they share one shape): {@link PeopleApiClient#groups()} and {@link PeopleApiClient#roles()}. */
public final class GroupOperations {

    private static final Logger LOG = Logger.getLogger(GroupOperations.class);

    private final PeopleApiClient client;
    private final ClaromentisGroup.Kind kind;

    GroupOperations(PeopleApiClient client, ClaromentisGroup.Kind kind) {
        this.client = client;
        this.kind = kind;
    }

    public ClaromentisGroup.Kind kind() {
        return kind;
    }

    public Page<ClaromentisGroup> list(int offset, int limit) {
        PeopleApiClient.checkPaging(offset, limit);
        HttpUrl url = client.url(kind.path()).newBuilder()
                .addQueryParameter("offset", Integer.toString(offset))
                .addQueryParameter("limit", Integer.toString(limit)).build();
        String endpoint = PeopleApiClient.endpoint("GET", url);
        return client.codec().page(client.get(url), client.codec().where(endpoint), offset, limit,
                (n, w) -> client.codec().group(n, kind, w));
    }

    public Stream<ClaromentisGroup> stream() {
        return PagingIterator.stream(o -> list(o, UserQuery.MAX_LIMIT), 0, "GET " + kind.path());
    }

    public List<ClaromentisGroup> listAll() {
        return stream().toList();
    }

    public Optional<ClaromentisGroup> get(long id) {
        HttpUrl url = client.url(kind.path(), id);
        try {
            return Optional.of(client.codec().group(client.get(url), kind, client.whereOf("GET", url)));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /** Case-insensitive name match; lists all entries, as the API has no name filter. */
    public Optional<ClaromentisGroup> findByName(String name) {
        requireName(name);
        return stream().filter(g -> g.name().equalsIgnoreCase(name.trim())).findFirst();
    }

    /**
     * Creates an entry. Like user creation, a POST whose outcome is unknown (connection failure, 5xx, 429) is
     * followed by a lookup by name before being sent again, so a retry cannot create a duplicate.
     */
    public ClaromentisGroup create(String name) {
        requireName(name);
        HttpUrl url = client.url(kind.path());
        int maxAttempts = client.config().retryPolicy().maxAttempts();
        for (int attempt = 1; ; attempt++) {
            try {
                JsonNode body = client.send("POST", url, client.codec().nameBody(name.trim()));
                return client.codec().group(client.requireBody(body, "POST", url), kind, client.whereOf("POST", url));
            } catch (UnavailableException | RateLimitedException e) {
                Optional<ClaromentisGroup> existing = findByName(name);
                if (existing.isPresent()) {
                    LOG.infof("POST %s outcome unknown (%s); %s '%s' exists, treating it as created", kind.path(),
                            e.getClass().getSimpleName(), kind, existing.get().name());
                    return existing.get();
                }
                if (attempt >= maxAttempts) {
                    throw e;
                }
                client.backoff(attempt, e, "POST " + kind.path());
            }
        }
    }

    public ClaromentisGroup rename(long id, String name) {
        PeopleApiClient.checkId(id);
        requireName(name);
        HttpUrl url = client.url(kind.path(), id);
        JsonNode body = client.send("PUT", url, client.codec().nameBody(name.trim()));
        if (body.isMissingNode()) {
            return new ClaromentisGroup(id, name.trim(), kind);
        }
        return client.codec().group(body, kind, client.whereOf("PUT", url));
    }

    /** @return false when it did not exist (or a retried DELETE found it already gone) */
    public boolean delete(long id) {
        PeopleApiClient.checkId(id);
        try {
            client.send("DELETE", client.url(kind.path(), id), null);
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    public List<ClaromentisUser> members(long id) {
        PeopleApiClient.checkId(id);
        return client.listAllUsersAt(client.url(kind.path(), id, "users"));
    }

    /**
     * The ids of the members, from either documented shape ({@code {"data":[{"id":42}]}} or full user objects),
     * page by page.
     */
    public List<Long> memberIds(long id) {
        PeopleApiClient.checkId(id);
        return client.listAllIdsAt(client.url(kind.path(), id, "users"));
    }

    /** Replaces the whole member list. */
    public void setMembers(long id, Collection<Long> userIds) {
        PeopleApiClient.checkId(id);
        Objects.requireNonNull(userIds, "userIds");
        userIds.forEach(PeopleApiClient::checkId);
        client.send("PUT", client.url(kind.path(), id, "users"), client.codec().membersBody(userIds));
    }

    private static void requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
    }
}
