package com.claromentis.keycloak.peopleapi;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import okhttp3.HttpUrl;

/**
 * Groups or roles (they share one shape): {@link PeopleApiClient#groups()} and {@link PeopleApiClient#roles()}.
 * Only what the bundle uses: listing (sync, provisioning) and member lists (provisioning). Claromentis owns its
 * group and role lists, so nothing here creates, renames or deletes them.
 */
public final class GroupOperations {

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
}
