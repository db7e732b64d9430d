package com.claromentis.keycloak.peopleapi;

import java.time.Instant;
import java.util.Optional;

/** Filters and paging for {@code GET /users}. Immutable; {@code with...} methods return copies. */
public final class UserQuery {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 200;

    private final String username;
    private final String email;
    private final String search;
    private final Instant modifiedSince;
    private final int offset;
    private final int limit;

    private UserQuery(String username, String email, String search, Instant modifiedSince, int offset, int limit) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0");
        }
        if (limit < 0 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 0.." + MAX_LIMIT);
        }
        this.username = blankToNull(username);
        this.email = blankToNull(email);
        this.search = blankToNull(search);
        this.modifiedSince = modifiedSince;
        this.offset = offset;
        this.limit = limit;
    }

    /** Every user, first page, default page size. */
    public static UserQuery all() {
        return new UserQuery(null, null, null, null, 0, DEFAULT_LIMIT);
    }

    public UserQuery withUsername(String v) { return new UserQuery(v, email, search, modifiedSince, offset, limit); }
    public UserQuery withEmail(String v) { return new UserQuery(username, v, search, modifiedSince, offset, limit); }
    /** Case-insensitive substring of name, username or email. */
    public UserQuery withSearch(String v) { return new UserQuery(username, email, v, modifiedSince, offset, limit); }
    public UserQuery withModifiedSince(Instant v) { return new UserQuery(username, email, search, v, offset, limit); }
    public UserQuery withOffset(int v) { return new UserQuery(username, email, search, modifiedSince, v, limit); }
    public UserQuery withLimit(int v) { return new UserQuery(username, email, search, modifiedSince, offset, v); }

    public Optional<String> username() { return Optional.ofNullable(username); }
    public Optional<String> email() { return Optional.ofNullable(email); }
    public Optional<String> search() { return Optional.ofNullable(search); }
    public Optional<Instant> modifiedSince() { return Optional.ofNullable(modifiedSince); }
    public int offset() { return offset; }
    public int limit() { return limit; }

    private static String blankToNull(String v) {
        return v == null || v.isBlank() ? null : v;
    }

    @Override
    public String toString() {
        // Filter values may be personal data (emails); logs get only which filters were set.
        return "UserQuery{username=" + (username != null) + ", email=" + (email != null) + ", search="
                + (search != null) + ", modifiedSince=" + modifiedSince + ", offset=" + offset + ", limit=" + limit + '}';
    }
}
